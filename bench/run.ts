// `npm run bench -- NAME` runs bench/NAME.bench.ts; without a name, every benchmark in turn.
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(
    `Unknown benchmark ${unknown.join(", ")}; available: ${available.join(", ") || "none"}.`,
  );
  process.exit(2);
}
for (const name of wanted.length ? wanted : available) {
  console.log(`\n## ${name}`);
  const mod = (await import(pathToFileURL(`${here}/${name}.bench.ts`).href)) as {
    default: () => Promise<void>;
  };
  await mod.default();
}
