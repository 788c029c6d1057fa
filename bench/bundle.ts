// Bundles a bench's child-process entry for plain `node` (as scripts/build.mjs bundles the
// server): packages stay imports, resolved from the project's node_modules.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Returns the path of dist/bench/NAME.mjs, built from `entry` (relative to the project). */
export async function bundleForNode(entry: string, name: string) {
  const outfile = join(ROOT, "dist", "bench", `${name}.mjs`);
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return outfile;
}
