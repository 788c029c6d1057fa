// "Scale on paper", checked: the Workers path of a send (queue consumers running
// `dispatchForAWhile` with the database rate limiter, as src/worker.ts does) simulated on Node
// with two concurrent consumers, each with its own database connection as separate isolates
// would have, against the local Resend fake allowing R calls per second. Measures throughput
// and rows written per message, and projects one campaign to 1,000,000 contacts (docs/SCALE.md).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db";
import type { Deps } from "../src/deps";
import { openNodeClient } from "../src/node";
import { CONSUMER_BUDGET, dispatchForAWhile } from "../src/sending/consumer";
import { createDispatcher } from "../src/sending/dispatcher";
import { dbRateLimiter } from "../src/sending/rate-db";
import { pipelineStore } from "../src/sending/store";
import { benchEnv, invite, legacyList, startFakeProcess } from "./send.bench";

const RECIPIENTS = 10_000;
const RATE = 5;
const BATCH_SIZE = 100;
const TARGET = 1_000_000;

const totalChanges = async (client: { execute(sql: string): Promise<{ rows: unknown[] }> }) =>
  Number(((await client.execute("SELECT total_changes() AS n")).rows[0] as { n: number }).n);

export default async function scaleBench() {
  // One consumer (wrangler.toml's max_concurrency = 1), then two, to show what a second adds.
  for (const consumers of [1, 2]) await simulate(consumers);
}

async function simulate(CONSUMERS: number) {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-scale-"));
  const fake = await startFakeProcess(RATE);
  try {
    const url = `file:${join(dir, "scale.db")}`;
    const config = parseConfig(benchEnv(url, fake, RATE), "node");
    const client = openNodeClient(config);
    const { deps } = await boot(config, client);
    const list = await legacyList(deps, `scale${CONSUMERS}`, RECIPIENTS, 0);

    const beforeEnqueue = await totalChanges(client);
    const report = await invite(deps, list);
    const enqueueRows = (await totalChanges(client)) - beforeEnqueue;

    // Two "isolates": their own connection, their own limiter object, one shared database.
    const consumers = Array.from({ length: CONSUMERS }, () => {
      const own = createClient({ url });
      const consumerDeps: Deps = { ...deps, client: own, db: createDb(own) };
      const dispatcher = createDispatcher(consumerDeps, { limiter: dbRateLimiter(own, RATE) });
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
    const dispatchRows = (await Promise.all(consumers.map((c) => totalChanges(c.client)))).reduce(
      (a, b) => a + b,
      0,
    );
    const stats = await fake.stats();
    const accepted = stats.calls.filter((c) => c[1] === 200).length;
    const rate429 = stats.calls.filter((c) => c[1] === 429).length;
    const perSecond = stats.delivered / seconds;
    const ideal = RATE * BATCH_SIZE;

    const rowsPerMessage = (enqueueRows + dispatchRows) / report.recipients;
    const projected = TARGET / perSecond;
    console.log(
      `simulated Workers path: ${CONSUMERS} consumers, database rate limiter, R = ${RATE}/s, batches of ${BATCH_SIZE}`,
    );
    console.log(
      `  ${stats.delivered} messages to ${stats.addresses} addresses in ${accepted} accepted calls (${rate429} answered 429) over ${seconds.toFixed(1)} s: ${perSecond.toFixed(1)} msg/s = ${((perSecond / ideal) * 100).toFixed(1)} % of R × batch`,
    );
    console.log(
      `  all consumers returned after ${wall.toFixed(1)} s; rows written: ${enqueueRows} to enqueue + ${dispatchRows} to dispatch = ${rowsPerMessage.toFixed(2)} per message; ${queueMessages} queue messages`,
    );
    console.log(
      `  projected for ${TARGET.toLocaleString("en")} contacts: ${(projected / 60).toFixed(0)} min of sending, ${((rowsPerMessage * TARGET) / 1e6).toFixed(1)} M rows written, ${Math.ceil(TARGET / BATCH_SIZE).toLocaleString("en")} provider calls, about ${Math.ceil((queueMessages / report.recipients) * TARGET).toLocaleString("en")} queue messages`,
    );
    for (const c of consumers) c.client.close();
    client.close();
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
