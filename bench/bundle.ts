// Bundles a bench's child-process entry for plain `node`, as `npm run build` bundles the server
// (scripts/node-bundle.mjs), and tells which flags `npm run start:prod` gives node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { nodeBundleOptions } from "../scripts/node-bundle.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Returns the path of dist/bench/NAME.mjs, built from `entry` (relative to the project). */
export async function bundleForNode(entry: string, name: string) {
  const outfile = join(ROOT, "dist", "bench", `${name}.mjs`);
  await build({ ...nodeBundleOptions, absWorkingDir: ROOT, entryPoints: [entry], outfile });
  return outfile;
}

/** The flags `npm run start:prod` runs node with (`node FLAGS dist/server.mjs`). */
export function productionNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const command = /^node\s+(.*?)\s*dist\/server\.mjs$/.exec(manifest.scripts["start:prod"] ?? "");
  return command?.[1] ? command[1].split(/\s+/) : [];
}
