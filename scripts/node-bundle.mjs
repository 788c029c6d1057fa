// How Relance's code is bundled for plain `node`: shared by `npm run build` (scripts/build.mjs)
// and the benchmarks' child processes (bench/bundle.ts), so that both measure the same thing.
import { readFileSync, writeFileSync } from "node:fs";

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

/**
 * Rewrites what esbuild leaves outside ASCII in a bundle (comments it keeps, a few regular
 * expressions: it escapes strings itself) as `\uXXXX`, valid in both. V8 holds a module's source
 * for as long as the module lives, in one byte per character only if every character fits in one:
 * a single `é` doubled the 2.3 MB chunk to 4.6 MB of the idle server's heap.
 */
export function asciiOnly(file) {
  const text = readFileSync(file, "utf8");
  // After a backslash, `\uXXXX` would read as an escaped backslash and the letters: refuse.
  if (/\\[\u0080-\uffff]/.test(text)) throw new Error(`${file}: an escaped non-ASCII character`);
  const escaped = text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (escaped !== text) writeFileSync(file, escaped);
}
