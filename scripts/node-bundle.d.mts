// Types for scripts/node-bundle.mjs (plain JavaScript, so that `npm run build` needs no loader).
import type { BuildOptions } from "esbuild";

export const NATIVE: string[];
export const UNUSED: string[];
export const nodeBundleOptions: BuildOptions;
/** Rewrites every non-ASCII character of a built file as `\uXXXX` (one byte per character in V8). */
export function asciiOnly(file: string): void;
