// How Relance's code is bundled for plain `node`: shared by `npm run build` (scripts/build.mjs)
// and the benchmarks' child processes (bench/bundle.ts), so that both measure the same thing.

/** Packages with a native library, left as imports (the statement cache checks the driver's version). */
export const NATIVE = ["libsql", "@libsql/*"];
/** What a package imports only for a feature Relance does not use (resend's React rendering). */
export const UNUSED = ["@react-email/render"];

/**
 * esbuild options: JavaScript packages are bundled too, so the loader holds one module and the
 * parts of each package Relance uses, not hundreds of files.
 */
export const nodeBundleOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: [...NATIVE, ...UNUSED],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __relanceRequire } from "node:module"; const require = __relanceRequire(import.meta.url);',
  },
  logLevel: "warning",
};
