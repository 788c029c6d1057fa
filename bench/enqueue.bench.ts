// The enqueue of a re-consent send to 1,000,000 legacy contacts, chunk by chunk (the send kept
// `preparing`): every write transaction is timed (each `batch` of the database client), and a
// one-row write (the size of a vote) every 20 ms meanwhile measures what other writers wait.
// On Node the driver runs each statement on the event loop, so that wait is the server's own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createList } from "../src/lists/service";
import { openNodeClient } from "../src/node";
import { CHUNK_BOUNDS, CHUNK_TARGET_MS } from "../src/sending/prepare";
import { invite } from "./send.bench";

const RECIPIENTS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const VOTE_EVERY_MS = 20;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

export default async function enqueueBench() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-enqueue-"));
  try {
    const config = parseConfig(
      {
        DATABASE_URL: `file:${join(dir, "enqueue.db")}`,
        SEED: "none",
        SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
        ADMIN_EMAIL: "admin@bench.example",
        ADMIN_PASSWORD: "bench password",
        APPROVAL_THRESHOLD: "off",
      },
      "node",
    );
    const client = openNodeClient(config);
    const { deps } = await boot(config, client);
    const created = await createList(deps, "bench", {
      slug: "million",
      name: "Bench million",
      purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
    });
    if (!created.ok) throw new Error("the list could not be created");
    let t = performance.now();
    await legacyMembers(client, created.list.id, RECIPIENTS);
    console.log(
      `setup: ${RECIPIENTS.toLocaleString("en")} legacy members written by SQL in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    await client.execute("CREATE TABLE bench_votes (id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
    // The setup's writes checkpointed now, not by the enqueue's first transactions.
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");

    // Every write transaction of the enqueue: the client's `batch` (drizzle's batch calls it).
    const transactions: number[] = [];
    let firstChunk = Number.POSITIVE_INFINITY;
    const batch = client.batch.bind(client);
    client.batch = (async (...args: Parameters<typeof batch>) => {
      const start = performance.now();
      firstChunk = Math.min(firstChunk, start);
      try {
        return await batch(...args);
      } finally {
        transactions.push(performance.now() - start);
      }
    }) as typeof client.batch;

    // Votes as many clients would make them: one due every 20 ms, each on its own (not waiting
    // for the previous one), its latency from when it was due to its commit: a vote due while
    // the event loop runs a chunk waits for it, and that wait counts.
    const votes: { due: number; ms: number }[] = [];
    const pending: Promise<void>[] = [];
    const first = performance.now();
    const vote = async (due: number) => {
      await client.execute({ sql: "INSERT INTO bench_votes (at) VALUES (?)", args: ["x"] });
      votes.push({ due, ms: performance.now() - due });
    };
    let k = 0;
    const voter = setInterval(() => {
      // Every vote whose time has come since the last tick (ticks are late while a chunk runs).
      while (first + (k + 1) * VOTE_EVERY_MS <= performance.now())
        pending.push(vote(first + ++k * VOTE_EVERY_MS));
    }, VOTE_EVERY_MS / 4);

    t = performance.now();
    const cpu = process.cpuUsage();
    const report = await invite(deps, created.list);
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    clearInterval(voter);
    await Promise.all(pending);

    const sorted = [...transactions].sort((a, b) => a - b);
    const voteSorted = votes.map((v) => v.ms).sort((a, b) => a - b);
    // Before the first chunk, the recipients are counted and the canary picked: reads of the
    // whole list a step at a time, which the embedded driver runs on the event loop.
    const chunked = votes
      .filter((v) => v.due >= firstChunk)
      .map((v) => v.ms)
      .sort((a, b) => a - b);
    console.log(
      `enqueue: ${report.recipients.toLocaleString("en")} outbox rows and invitations in ${seconds.toFixed(1)} s ` +
        `(CPU ${((used.user + used.system) / 1000).toFixed(0)} ms), the first chunk after ${((firstChunk - t) / 1000).toFixed(1)} s (count and canary), ` +
        `${transactions.length} write transactions of ${CHUNK_BOUNDS.min}–${CHUNK_BOUNDS.max} members sized to take ${CHUNK_TARGET_MS.embedded} ms`,
    );
    console.log(
      `write transactions: longest ${sorted.at(-1)?.toFixed(0)} ms (target ≤ 200), p99 ${percentile(sorted, 99).toFixed(0)} ms, median ${percentile(sorted, 50).toFixed(0)} ms; ` +
        `the five longest: ${longest(transactions)}`,
    );
    console.log(
      `votes during the enqueue (a one-row write due every ${VOTE_EVERY_MS} ms, ${votes.length} of them, from due to commit): ` +
        `p50 ${percentile(voteSorted, 50).toFixed(1)} ms, p99 ${percentile(voteSorted, 99).toFixed(1)} ms (target ≤ 250), max ${voteSorted.at(-1)?.toFixed(1)} ms; ` +
        `${chunked.length} due once the chunks began: p50 ${percentile(chunked, 50).toFixed(1)} ms, p99 ${percentile(chunked, 99).toFixed(1)} ms, max ${chunked.at(-1)?.toFixed(1)} ms`,
    );
    client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The five longest transactions, with their rank in the enqueue (a checkpoint shows as one). */
const longest = (times: number[]) =>
  times
    .map((ms, i) => ({ ms, i }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((x) => `#${x.i + 1} ${x.ms.toFixed(0)} ms`)
    .join(", ");

/** `count` contacts as legacy members of the list, written in a few large statements. */
async function legacyMembers(
  client: ReturnType<typeof openNodeClient>,
  listId: number,
  count: number,
) {
  const at = new Date().toISOString();
  const step = 100_000;
  for (let from = 0; from < count; from += step) {
    const to = Math.min(count, from + step);
    await client.batch(
      [
        {
          sql: `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
                INSERT INTO contacts (email, email_key, email_hash, name, created_at, updated_at)
                SELECT 'p' || i || '@example.org', 'p' || i || '@example.org', 'h' || i,
                       'Participant ' || i, ?, ? FROM n`,
          args: [from, to, at, at],
        },
        {
          sql: `INSERT INTO list_members (list_id, contact_id, status, updated_at)
                SELECT ?, id, 'legacy', ? FROM contacts WHERE id > ? ORDER BY id`,
          args: [listId, at, from],
        },
      ],
      "write",
    );
  }
}
