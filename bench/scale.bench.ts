// "Scale on paper", checked: the Workers path of a send (queue consumers running
// `dispatchForAWhile` with the database rate limiter, as src/worker.ts does) simulated on Node
// with one then two concurrent consumers, each with its own connection as separate isolates
// would have, all over HTTP (Hrana, the protocol of Turso) to the local Hrana server in a process
// of its own, against the local Resend fake allowing R calls per second. Measures the enqueue of
// 1,000,000 recipients over that endpoint (each chunk one pipeline request), then throughput and
// rows written per message on a 10,000-message send, and projects one campaign to 1,000,000
// contacts (docs/SCALE.md).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client/web";
import Database from "libsql";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db";
import type { Deps } from "../src/deps";
import { CONSUMER_BUDGET, dispatchForAWhile } from "../src/sending/consumer";
import { createDispatcher } from "../src/sending/dispatcher";
import { dbRateLimiter } from "../src/sending/rate-db";
import { pipelineStore } from "../src/sending/store";
import { benchEnv, invite, legacyList, startFakeProcess } from "./send.bench";

const RECIPIENTS = 10_000;
const RATE = 5;
const BATCH_SIZE = 100;
const TARGET = 1_000_000;
/** Recipients of the enqueue measured over HTTP (BENCH_ROWS for a quick trial). */
const ENQUEUE_ROWS = Number(process.env.BENCH_ROWS ?? TARGET);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export default async function scaleBench() {
  await enqueueMillion();
  // One consumer (wrangler.toml's max_concurrency = 1), then two, to show what a second adds.
  for (const consumers of [1, 2]) await simulate(consumers);
}

/** The local Hrana server in a process of its own (its SQLite calls would block this one). */
async function startHranaProcess() {
  const script = `
    import { startHranaServer } from "./test/hrana-server.ts";
    const server = await startHranaServer();
    process.on("message", async () => { await server.stop(); process.exit(0); });
    process.send({ url: server.url, file: server.file });`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const [hello] = (await once(child, "message")) as [{ url: string; file: string }];
  return {
    ...hello,
    async stop() {
      child.send("stop");
      await once(child, "exit");
    },
  };
}

/** A Relance on the Hrana server: booted (migrated) over HTTP, as the Worker is. */
async function bootOverHttp(url: string, fake: { apiKey: string; url: string }) {
  const config = parseConfig(benchEnv(url, fake, RATE), "node");
  const client = createClient({ url });
  const { deps } = await boot(config, client);
  return { client, deps };
}

/** Each write transaction (a pipeline request with a batch) of `client`, timed. */
function timeBatches(client: Client) {
  const times: number[] = [];
  const batch = client.batch.bind(client);
  client.batch = (async (...args: Parameters<typeof batch>) => {
    const start = performance.now();
    try {
      return await batch(...args);
    } finally {
      times.push(performance.now() - start);
    }
  }) as typeof client.batch;
  return times;
}

/** 1,000,000 legacy members written straight into the server's file (setup, not measured). */
function seedMembers(file: string, listId: number, count: number) {
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  const at = new Date().toISOString();
  db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
    INSERT INTO contacts (email, email_key, email_hash, name, created_at, updated_at)
    SELECT 'm' || i || '@example.org', 'm' || i || '@example.org', 'mh' || i, 'Member ' || i, ?, ?
    FROM n`).run(count, at, at);
  db.prepare(`INSERT INTO list_members (list_id, contact_id, status, updated_at)
    SELECT ?, id, 'legacy', ? FROM contacts WHERE email_hash LIKE 'mh%' ORDER BY id`).run(
    listId,
    at,
  );
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** The enqueue of a re-consent send to ENQUEUE_ROWS (1,000,000) over HTTP: total time and longest transaction. */
async function enqueueMillion() {
  const server = await startHranaProcess();
  const fake = { apiKey: "re_unused", url: "http://127.0.0.1:9" };
  try {
    const setup = await bootOverHttp(server.url, fake);
    const list = await legacyList(setup.deps, "million", 1, 0);
    setup.client.close();
    seedMembers(server.file, list.id, ENQUEUE_ROWS);
    // The seed blocked this process: let the HTTP pool see the connections the server closed
    // meanwhile (its keep-alive timeout), then a fresh client.
    await new Promise((r) => setTimeout(r, 500));
    const { client, deps } = await bootOverHttp(server.url, fake);
    const times = timeBatches(client);
    const started = performance.now();
    const report = await invite(deps, list);
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `enqueue over Hrana (HTTP, one pipeline request per chunk): ${report.recipients.toLocaleString("en")} recipients in ${seconds.toFixed(1)} s, ` +
        `${times.length} write transactions: longest ${sorted.at(-1)?.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms (target ≤ 200)`,
    );
    client.close();
  } finally {
    await server.stop();
  }
}

async function simulate(CONSUMERS: number) {
  const server = await startHranaProcess();
  const fake = await startFakeProcess(RATE);
  try {
    const url = server.url;
    const { client, deps } = await bootOverHttp(url, fake);
    const list = await legacyList(deps, `scale${CONSUMERS}`, RECIPIENTS, 0);

    const report = await invite(deps, list);

    // Two "isolates": their own connection, their own limiter object, one shared database.
    const consumers = Array.from({ length: CONSUMERS }, () => {
      const own = createClient({ url });
      const consumerDeps: Deps = { ...deps, client: own, db: createDb(own) };
      const limiter = dbRateLimiter(own, RATE);
      // As src/worker.ts makes it.
      const dispatcher = createDispatcher(consumerDeps, { limiter, claimAhead: true });
      const store = pipelineStore(consumerDeps.db);
      return { client: own, consumer: { dispatcher, store, clock: consumerDeps.clock } };
    });
    let queueMessages = 0;
    const started = Date.now();
    await Promise.all(
      consumers.map(async (c) => {
        for (;;) {
          queueMessages++;
          const { verdict } = await dispatchForAWhile(c.consumer, CONSUMER_BUDGET);
          if (verdict.kind === "ack") return;
          if (verdict.kind === "retry")
            await new Promise((r) => setTimeout(r, verdict.delaySeconds * 1000));
        }
      }),
    );
    // Until the last provider call, not until every consumer has returned: a consumer that found
    // only batches leased by another one waits for that lease (the Queue's retry with delay).
    const lastCall = Math.max(...(await fake.stats()).calls.map((c) => c[0]));
    const seconds = (lastCall - started) / 1000;
    const wall = (Date.now() - started) / 1000;
    const stats = await fake.stats();
    const accepted = stats.calls.filter((c) => c[1] === 200).length;
    const rate429 = stats.calls.filter((c) => c[1] === 429).length;
    const perSecond = stats.delivered / seconds;
    const ideal = RATE * BATCH_SIZE;

    const projected = TARGET / perSecond;
    console.log(
      `simulated Workers path over Hrana: ${CONSUMERS} consumers, database rate limiter, R = ${RATE}/s, batches of ${BATCH_SIZE}`,
    );
    console.log(
      `  ${stats.delivered} messages to ${stats.addresses} addresses in ${accepted} accepted calls (${rate429} answered 429) over ${seconds.toFixed(1)} s: ${perSecond.toFixed(1)} msg/s = ${((perSecond / ideal) * 100).toFixed(1)} % of R × batch`,
    );
    console.log(
      `  all consumers returned after ${wall.toFixed(1)} s; ${queueMessages} queue messages (rows written per message: counted on a local file, as each HTTP request has its own connection)`,
    );
    console.log(
      `  projected for ${TARGET.toLocaleString("en")} contacts: ${(projected / 60).toFixed(0)} min of sending, ${Math.ceil(TARGET / BATCH_SIZE).toLocaleString("en")} provider calls, about ${Math.ceil((queueMessages / report.recipients) * TARGET).toLocaleString("en")} queue messages`,
    );
    for (const c of consumers) c.client.close();
    client.close();
  } finally {
    await fake.stop();
    await server.stop();
  }
}
