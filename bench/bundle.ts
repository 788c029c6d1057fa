// Bundles a bench's child-process entry for plain `node`, as `npm run build` bundles the server
// (scripts/node-bundle.mjs), and tells how `npm run start:prod` runs node (memory settings).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { asciiOnly, nodeBundleOptions } from "../scripts/node-bundle.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Returns the path of dist/bench/NAME.mjs, built from `entry` (relative to the project). */
export async function bundleForNode(entry: string, name: string) {
  const outfile = join(ROOT, "dist", "bench", `${name}.mjs`);
  await build({ ...nodeBundleOptions, absWorkingDir: ROOT, entryPoints: [entry], outfile });
  asciiOnly(outfile);
  return outfile;
}

/** One npm script that starts a program: `VAR=value … RUNNER FLAGS ENTRY`. */
export type NodeCommand = {
  env: Record<string, string>;
  runner: string;
  flags: string[];
  entry: string;
};

/** Splits a script such as `MALLOC_ARENA_MAX=2 node --optimize-for-size dist/server.mjs`. */
export function parseNodeCommand(script: string): NodeCommand {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let word = words.shift();
  for (let pair = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(word ?? ""); pair; ) {
    env[pair[1] as string] = pair[2] as string;
    word = words.shift();
    pair = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(word ?? "");
  }
  const entry = words.pop() ?? "";
  return { env, runner: word ?? "", flags: words, entry };
}

/** An npm script of package.json, parsed. */
export function npmScript(name: string): NodeCommand {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  return parseNodeCommand(manifest.scripts[name] ?? "");
}

/** How `npm run start:prod` runs node: its flags and its environment settings (memory). */
export const productionNodeCommand = () => npmScript("start:prod");
