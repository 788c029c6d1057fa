// CSV import of N rows (default 100,000) against a baseline that parses the same file with
// csv-parse and inserts the same contacts, memberships and events into the same libSQL file in
// batched transactions, with no checks. Then a contacts page (50 rows filtered by state) against
// the bare indexed SELECT. `BENCH_ROWS=1000000 npm run bench -- import` for the 1M-row figures.
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createClient } from "@libsql/client";
import { parse } from "csv-parse";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { importCsv } from "../src/contacts/import";
import { contactPageStatement } from "../src/contacts/queries";
import { contactPage } from "../src/contacts/service";
import { createList } from "../src/lists/service";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const CATEGORIES = ["Art", "Commerce", "Culture", "Éducation", "Institutionnel", "Perso"];

/** Writes the file 10,000 rows at a time, so generating it does not inflate the RSS figure. */
function writeCsv(path: string) {
  const fd = openSync(path, "w");
  writeSync(fd, "email;name;site;url;category;language\r\n");
  for (let start = 0; start < ROWS; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(ROWS, start + 10_000); i++) {
      lines.push(
        `participant${i}@example.org;Participant ${i};Site n°${i};http://site${i}.example.org/;${CATEGORIES[i % 6]};${i % 3 ? "fr" : "en"}\r\n`,
      );
    }
    writeSync(fd, lines.join(""));
  }
  closeSync(fd);
}

const fileStream = (path: string) =>
  Readable.toWeb(
    createReadStream(path, { highWaterMark: 256 * 1024 }),
  ) as ReadableStream<Uint8Array>;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

export default async function importBench() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  const csvPath = join(dir, "contacts.csv");
  writeCsv(csvPath);
  const client = createClient({ url });
  const config = parseConfig(
    { DATABASE_URL: url, SEED: "none", SECRET_KEY: "b".repeat(32) },
    "node",
  );
  const { deps } = await boot(config, client);
  const created = await createList(deps, "bench", {
    slug: "bench",
    name: "Bench",
    purpose: "Bench.",
  });
  if (!created.ok) throw new Error("list");
  const listId = created.list.id;
  const at = new Date().toISOString();

  const wipe = () =>
    client.batch(
      ["DELETE FROM consent_events", "DELETE FROM list_members", "DELETE FROM contacts"],
      "write",
    );

  const baseline = async () => {
    const parser = createReadStream(csvPath).pipe(parse({ delimiter: ";", from_line: 2 }));
    let batch: string[][] = [];
    const insert = async (rows: string[][]) => {
      const values = rows.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(",");
      const args = rows.flatMap(([email = "", name = "", site, url, category, language]) => [
        email,
        email.toLowerCase(),
        email, // stands for the hash
        name,
        JSON.stringify({ site, url, category, language }),
        at,
        at,
      ]);
      const keys = rows.map(() => "?").join(",");
      await client.batch(
        [
          {
            sql: `INSERT INTO contacts (email, email_key, email_hash, name, attributes, created_at, updated_at) VALUES ${values}`,
            args,
          },
          {
            sql: `INSERT INTO list_members (list_id, contact_id, status, updated_at) SELECT ?, id, 'legacy', ? FROM contacts WHERE email_key IN (${keys})`,
            args: [listId, at, ...rows.map((r) => (r[0] ?? "").toLowerCase())],
          },
          {
            sql: `INSERT INTO consent_events (list_id, contact_id, event, at, source, text_version, actor) SELECT list_id, contact_id, 'imported', ?, 'bench', 1, 'bench' FROM list_members WHERE list_id = ? AND contact_id IN (SELECT id FROM contacts WHERE email_key IN (${keys}))`,
            args: [at, listId, ...rows.map((r) => (r[0] ?? "").toLowerCase())],
          },
        ],
        "write",
      );
    };
    for await (const record of parser) {
      batch.push(record as string[]);
      if (batch.length === 500) {
        await insert(batch);
        batch = [];
      }
    }
    if (batch.length) await insert(batch);
  };

  let peakRss = 0;
  let sampler: ReturnType<typeof setInterval> | undefined;
  const runImport = async () => {
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const result = await importCsv(
      deps,
      { listId, source: "bench", actor: "bench" },
      fileStream(csvPath),
      {
        maxBytes: Number.POSITIVE_INFINITY,
      },
    );
    clearInterval(sampler);
    if (!result.ok || result.report.imported !== ROWS) throw new Error(JSON.stringify(result));
  };

  const baseTimes: number[] = [];
  const importTimes: number[] = [];
  const rounds = ROWS > 200_000 ? 1 : 2;
  for (let round = 0; round < rounds; round++) {
    baseTimes.push((await time(baseline))[0]);
    await wipe();
    importTimes.push((await time(runImport))[0]);
    if (round < rounds - 1) await wipe();
  }
  const base = Math.min(...baseTimes);
  const imp = Math.min(...importTimes);
  const mb = (statSync(csvPath).size / 1024 / 1024).toFixed(1);
  console.log(`rows: ${ROWS.toLocaleString("en")} (${mb} MB file)`);
  console.log(`baseline (csv-parse + batched INSERTs): ${(base / 1000).toFixed(2)} s`);
  console.log(
    `importCsv (checks, dedup, suppression, staging, ledger): ${(imp / 1000).toFixed(2)} s`,
  );
  console.log(`ratio import / baseline: ${(imp / base).toFixed(2)} (target ≤ 2)`);

  // A page of 50 contacts filtered by state, against the bare indexed SELECT.
  await client.execute({
    sql: "UPDATE list_members SET status = 'confirmed' WHERE id % 10 = 0",
    args: [],
  });
  await client.execute("ANALYZE");
  // Each shape the contacts page runs, timed against its own SQL run bare through the client,
  // with SQLite's plan printed: paging deep in the list, a state filter, a prefix search.
  const middle = Math.floor(ROWS / 2);
  const shapes = [
    { label: "page (50, no filter, from the middle)", filter: {}, after: middle },
    { label: "filter by state (50 confirmed)", filter: { status: "confirmed" as const }, after: 0 },
    { label: "search, address prefix", filter: { q: `participant${middle}` }, after: 0 },
    { label: "search, name prefix", filter: { q: `Participant ${middle + 1}` }, after: 0 },
  ];
  const repeat = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn(); // warm up
    const [ms] = await time(async () => {
      for (let i = 0; i < 200; i++) await fn();
    });
    return ms / 200;
  };
  for (const shape of shapes) {
    const statement = contactPageStatement(deps.db, listId, shape.filter, shape.after, 51);
    const plan = await client.execute({
      sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
      args: statement.args,
    });
    const bareMs = await repeat(() => client.execute(statement));
    const pageMs = await repeat(() =>
      contactPage(deps, listId, {
        ...shape.filter,
        limit: 50,
        cursor: shape.after ? { id: shape.after } : undefined,
      } as Parameters<typeof contactPage>[2]),
    );
    console.log(
      `${shape.label}: ${pageMs.toFixed(2)} ms vs bare ${bareMs.toFixed(2)} ms, ratio ${(pageMs / bareMs).toFixed(2)} (target ≤ 2)`,
    );
    console.log(`  plan: ${plan.rows.map((r) => String(r.detail)).join(" | ")}`);
  }
  console.log(
    `peak RSS while importing: ${Math.round(peakRss / 1024 / 1024)} MB (target ≤ 300 MB at 1M rows)`,
  );
  client.close();
  rmSync(dir, { recursive: true, force: true });
}
