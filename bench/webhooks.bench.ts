// `npm run bench -- webhooks`: ingests 10,000 Svix-signed Resend events through
// POST /webhooks/resend (app.request, in process, 100 requests in flight as Svix delivers during a
// campaign: verify, parse, look the message up, store the event with its effects, judge the
// breaker) and compares with a baseline measured in the same run, at the same concurrency: a bare
// Hono handler that verifies the signature and inserts the event, one transaction per event, into
// a libSQL file with the same settings (WAL).
//
// Setup writes 10,000 sent messages straight into the database (bench/seed-sent.ts); the events
// are 96% delivered, 2% permanent bounces, 1% transient, 0.5% complaints and 0.5% opens.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { migrate } from "../src/db";
import { createNodeApp, openNodeClient } from "../src/node";
import { providerIdOf, seedSentMessages } from "./seed-sent";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const SECRET = `whsec_${Buffer.from("relance bench webhook signing key").toString("base64")}`;

type Signed = { id: string; timestamp: string; signature: string; body: string };
type Handler = { request(url: string, init: RequestInit): Response | Promise<Response> };

function sign(id: string, body: string): Signed {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { id, timestamp, signature: `v1,${mac}`, body };
}

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

/** Posts every request, IN_FLIGHT at a time; returns the elapsed milliseconds. */
async function deliverAll(app: Handler, requests: Signed[]) {
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++] as Signed;
      const res = await app.request("http://127.0.0.1/webhooks/resend", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "svix-id": r.id,
          "svix-timestamp": r.timestamp,
          "svix-signature": r.signature,
        },
        body: r.body,
      });
      if (res.status !== 200) throw new Error(`event ${r.id}: ${res.status} ${await res.text()}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - t0;
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
  try {
    const { deps } = await boot(config, client);
    await seedSentMessages(client, EVENTS, deps.config.secretKey);
    await bare.execute("PRAGMA journal_mode = WAL");
    await migrate(bare);

    const requests = Array.from({ length: EVENTS }, (_, i) =>
      sign(`msg_bench_${i}`, JSON.stringify(eventFor(i + 1))),
    );
    const baselineMs = await deliverAll(bareHandler(bare), requests);
    const ingestMs = await deliverAll(createNodeApp(deps), requests);

    const c = await counts(client);
    if (c.events !== EVENTS || c.distinct_events !== EVENTS) {
      throw new Error(`stored ${c.events} events (${c.distinct_events} distinct) of ${EVENTS}`);
    }
    const perSecond = (ms: number) => Math.round((EVENTS / ms) * 1000);
    const fmt = (n: number) => n.toLocaleString("en-US");
    console.log(`events: ${fmt(EVENTS)}, ${IN_FLIGHT} requests in flight`);
    console.log(
      `baseline, bare handler (verify + one INSERT per transaction): ${baselineMs.toFixed(0)} ms (${fmt(perSecond(baselineMs))} events/s)`,
    );
    console.log(
      `ingest through POST /webhooks/resend (group commit): ${ingestMs.toFixed(0)} ms (${fmt(perSecond(ingestMs))} events/s)`,
    );
    console.log(
      `ratio ingest / baseline events per second: ${(baselineMs / ingestMs).toFixed(2)} (target ≥ 5; ≥ 1,000 events/s)`,
    );
    console.log(
      `stored ${c.events} events, 0 lost, 0 applied twice; ${c.delivered} delivered, ${c.bounced} bounced, ${c.suppressed} suppressed`,
    );
  } finally {
    client.close();
    bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
