// `npm run build`: bundles the Node server and its two commands (migrate, admin) into dist/ for
// plain `node` (`npm run start:prod`), so that production needs no TypeScript loader and no
// development dependency. Relance's own code (migrations included: db/migrations.gen.ts) goes
// into the bundle; packages stay imports, resolved from node_modules as `npm ci --omit=dev`
// installs them. The build refuses a bundle that imports a package outside `dependencies`.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { asciiOnly, nodeBundleOptions, UNUSED } from "./node-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// dist/ itself: the server finds public/ next to it, at ../public (see src/node.ts), as from src/.
const outdir = join(root, "dist");
mkdirSync(outdir, { recursive: true });
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const runtime = new Set(Object.keys(manifest.dependencies ?? {}));

// The previous build's files only (dist/worker belongs to `npm run build:worker`).
for (const name of readdirSync(outdir, { withFileTypes: true }).flatMap((e) =>
  e.isFile() ? [e.name] : [],
)) {
  if (/\.mjs(\.map)?$/.test(name)) rmSync(join(outdir, name));
}
const result = await build({
  ...nodeBundleOptions,
  absWorkingDir: root,
  entryPoints: {
    server: "src/server.ts",
    migrate: "scripts/migrate.ts",
    admin: "scripts/admin.ts",
  },
  outdir,
  outExtension: { ".js": ".mjs" },
  splitting: true,
  sourcemap: true,
  metafile: true,
});

for (const file of Object.keys(result.metafile.outputs)) {
  if (file.endsWith(".mjs")) asciiOnly(join(root, file));
}

/** `@scope/name/sub` or `name/sub` → the package's name. */
const packageOf = (path) =>
  path
    .split("/")
    .slice(0, path.startsWith("@") ? 2 : 1)
    .join("/");
const builtin = (path) => path.startsWith("node:") || builtinModules.includes(path.split("/")[0]);
const imported = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((i) => i.external && !builtin(i.path))
    .map((i) => packageOf(i.path)),
);
const missing = [...imported].filter((name) => !runtime.has(name) && !UNUSED.includes(name));
if (missing.length > 0) {
  console.error(
    `build: the bundle imports ${missing.join(", ")}, not in package.json "dependencies": ` +
      "`npm ci --omit=dev` would not install it. Move it to dependencies.",
  );
  process.exit(1);
}
console.log(`build: dist/server.mjs, migrate.mjs, admin.mjs (imports ${imported.size} packages)`);
