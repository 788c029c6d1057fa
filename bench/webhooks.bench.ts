// `npm run bench -- webhooks`: ingests 10,000 Svix-signed Resend events through
// POST /webhooks/resend (verify, parse, look the message up, store the event with its effects,
// judge the breaker) and compares with a baseline measured in the same run: a bare Hono handler
// that verifies the signature and inserts the event, one transaction per event, into a libSQL
// file with the same settings (WAL).
//
// Both sides are real HTTP servers (@hono/node-server, as `npm start` serves Relance) in this
// process, driven identically by a load generator in a process of its own (bench/webhooks-load.ts:
// events signed beforehand, 100 requests in flight as Svix delivers during a campaign), so that
// the client's CPU is charged to neither side.
//
// Setup writes 10,000 sent messages straight into the database (bench/seed-sent.ts); the events
// are 96% delivered, 2% permanent bounces, 1% transient, 0.5% complaints and 0.5% opens.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Client, createClient } from "@libsql/client";
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { migrate } from "../src/db";
import { createNodeApp, openNodeClient } from "../src/node";
import { bundleForNode } from "./bundle";
import { providerIdOf, seedSentMessages } from "./seed-sent";
import type { LoadJob, LoadResult } from "./webhooks-load";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const SECRET = `whsec_${Buffer.from("relance bench webhook signing key").toString("base64")}`;

type Fetcher = { fetch: (request: Request) => Response | Promise<Response> };

function eventFor(i: number) {
  const r = i % 200;
  const data: Record<string, unknown> = {
    email_id: providerIdOf(i),
    created_at: new Date().toISOString(),
    from: "contact@netsdor.example",
    to: [`p${i}@example.org`],
    subject: "Les Nets d'Or 2001",
  };
  if (r < 4) return { type: "email.bounced", data: { ...data, bounce: { type: "Permanent" } } };
  if (r < 6) return { type: "email.bounced", data: { ...data, bounce: { type: "Transient" } } };
  if (r === 6) return { type: "email.complained", data };
  if (r === 7) return { type: "email.opened", data };
  return { type: "email.delivered", data };
}

/** The load generator, bundled and started under plain node; resolves once it is ready. */
async function startLoadGenerator() {
  const entry = await bundleForNode("bench/webhooks-load.ts", "webhooks-load");
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await once(child, "message");
  return child;
}

/**
 * Serves `app` on 127.0.0.1 and has the load generator post every event to it; returns the
 * elapsed milliseconds and the CPU this process (the server) spent meanwhile.
 */
async function deliverAll(loader: ChildProcess, app: Fetcher, events: LoadJob["events"]) {
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const job: LoadJob = {
    url: `http://127.0.0.1:${port}/webhooks/resend`,
    secret: SECRET,
    inFlight: IN_FLIGHT,
    events,
  };
  const cpu = process.cpuUsage();
  loader.send(job);
  const [result] = (await once(loader, "message")) as [LoadResult | { error: string }];
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => server.close(resolve));
  if ("error" in result) throw new Error(`load generator: ${result.error}`);
  if (result.firstFailure) throw new Error(`a request was refused: ${result.firstFailure}`);
  return { ms: result.ms, cpuMs: (used.user + used.system) / 1000, systemMs: used.system / 1000 };
}

/** The baseline: verify, then one INSERT (its own transaction) per event. */
function bareHandler(client: Client) {
  const webhook = new Webhook(SECRET);
  const app = new Hono();
  app.post("/webhooks/resend", async (c) => {
    const body = await c.req.text();
    const headers = {
      "webhook-id": c.req.header("svix-id") ?? "",
      "webhook-timestamp": c.req.header("svix-timestamp") ?? "",
      "webhook-signature": c.req.header("svix-signature") ?? "",
    };
    webhook.verify(body, headers, { jsonParse: false });
    await client.execute({
      sql: `INSERT INTO webhook_events (svix_id, type, kind, effect, payload, received_at)
            VALUES (?, 'email.delivered', 'delivered', 'stored', ?, ?)`,
      args: [headers["webhook-id"], body, new Date().toISOString()],
    });
    return c.json({ received: true });
  });
  return app;
}

/** The floor under both: a handler that reads the body and answers, nothing verified or stored. */
function floorHandler() {
  const app = new Hono();
  app.post("/webhooks/resend", async (c) => {
    await c.req.text();
    return c.json({ received: true });
  });
  return app;
}

async function counts(client: Client) {
  const row = (
    await client.execute(`
      SELECT (SELECT count(*) FROM webhook_events) AS events,
             (SELECT count(DISTINCT svix_id) FROM webhook_events) AS distinct_events,
             (SELECT count(*) FROM outbox_messages WHERE outcome = 'delivered') AS delivered,
             (SELECT count(*) FROM outbox_messages WHERE outcome = 'bounced') AS bounced,
             (SELECT count(*) FROM suppressions) AS suppressed`)
  ).rows[0] as Record<string, unknown>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-webhooks-"));
  const url = `file:${join(dir, "bench.db")}`;
  const bareUrl = `file:${join(dir, "bare.db")}`;
  const config = parseConfig(
    {
      DATABASE_URL: url,
      SEED: "none",
      SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
      ADMIN_EMAIL: "admin@bench.example",
      ADMIN_PASSWORD: "bench password",
      RESEND_WEBHOOK_SECRET: SECRET,
      // The breaker would pause at the complaint rate used here; it is judged either way.
      BREAKER_COMPLAINT_RATE: "0.01",
    },
    "node",
  );
  const client = openNodeClient(config);
  const bare = createClient({ url: bareUrl });
  const loader = await startLoadGenerator();
  try {
    const { deps } = await boot(config, client);
    await seedSentMessages(client, EVENTS, deps.config.secretKey);
    await bare.execute("PRAGMA journal_mode = WAL");
    await migrate(bare);

    const events = Array.from({ length: EVENTS }, (_, i) => ({
      id: `msg_bench_${i}`,
      body: JSON.stringify(eventFor(i + 1)),
    }));
    const floor = await deliverAll(loader, floorHandler(), events);
    const baseline = await deliverAll(loader, bareHandler(bare), events);
    const ingest = await deliverAll(loader, createNodeApp(deps), events);

    const c = await counts(client);
    if (c.events !== EVENTS || c.distinct_events !== EVENTS) {
      throw new Error(`stored ${c.events} events (${c.distinct_events} distinct) of ${EVENTS}`);
    }
    const perSecond = (ms: number) => Math.round((EVENTS / ms) * 1000);
    const fmt = (n: number) => n.toLocaleString("en-US");
    const cpuPerEvent = (side: { cpuMs: number; systemMs: number }) =>
      `${(side.cpuMs / EVENTS).toFixed(3)} (of which system ${(side.systemMs / EVENTS).toFixed(3)})`;
    console.log(
      `events: ${fmt(EVENTS)}, ${IN_FLIGHT} requests in flight over HTTP from a separate process`,
    );
    console.log(
      `floor, read the body and answer (HTTP and Hono alone): ${floor.ms.toFixed(0)} ms (${fmt(perSecond(floor.ms))} events/s), server CPU ${cpuPerEvent(floor)} ms/event`,
    );
    console.log(
      `baseline, bare handler (verify + one INSERT per transaction): ${baseline.ms.toFixed(0)} ms (${fmt(perSecond(baseline.ms))} events/s), server CPU ${cpuPerEvent(baseline)} ms/event`,
    );
    console.log(
      `ingest through POST /webhooks/resend (group commit): ${ingest.ms.toFixed(0)} ms (${fmt(perSecond(ingest.ms))} events/s), server CPU ${cpuPerEvent(ingest)} ms/event`,
    );
    console.log(
      `ratio ingest / baseline events per second: ${(baseline.ms / ingest.ms).toFixed(2)} (target ≥ 5; ≥ 1,000 events/s)`,
    );
    console.log(
      `stored ${c.events} events, 0 lost, 0 applied twice; ${c.delivered} delivered, ${c.bounced} bounced, ${c.suppressed} suppressed`,
    );
  } finally {
    loader.disconnect();
    client.close();
    bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
