// Copies the browser assets Relance serves from node_modules into public/vendor (never a CDN).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const assets = [
  ["node_modules/htmx.org/dist/htmx.min.js", "public/vendor/htmx.min.js"],
  ["node_modules/@picocss/pico/css/pico.min.css", "public/vendor/pico.min.css"],
];
mkdirSync(join(root, "public/vendor"), { recursive: true });
for (const [from, to] of assets) copyFileSync(join(root, from), join(root, to));
