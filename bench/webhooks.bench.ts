// `npm run bench -- webhooks`: ingests 10,000 Svix-signed Resend events through
// POST /webhooks/resend (app.request, in process, one after another: verify, parse, look the
// message up, store the event with its effects in one batch, judge the breaker) and compares
// with a baseline measured in the same run: the same 10,000 bare signature verifications.
//
// Setup writes 10,000 sent messages straight into the database (the sending pipeline has its own
// benchmark); the events are 96% delivered, 2% permanent bounces, 1% transient, 0.5% complaints
// and 0.5% opens. About 30 seconds.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { Webhook } from "standardwebhooks";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createNodeApp } from "../src/node";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const SECRET = `whsec_${Buffer.from("relance bench webhook signing key").toString("base64")}`;

type Signed = { id: string; timestamp: string; signature: string; body: string };

function sign(id: string, body: string): Signed {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { id, timestamp, signature: `v1,${mac}`, body };
}

function eventFor(i: number) {
  const r = i % 200;
  const data: Record<string, unknown> = {
    email_id: `bench-${i}`,
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

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-webhooks-"));
  const url = `file:${join(dir, "bench.db")}`;
  const client = createClient({ url });
  try {
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
    const { deps } = await boot(config, client);
    const app = createNodeApp(deps);
    const now = new Date().toISOString();

    // 10,000 contacts, confirmed on one list, each with a sent message of one campaign send.
    await client.batch(
      [
        `INSERT INTO lists (slug, name, purpose, created_at, updated_at) VALUES ('bench', 'Bench', 'Bench', '${now}', '${now}')`,
        `INSERT INTO list_purposes (list_id, version, text, created_at, created_by) VALUES (1, 1, 'Bench', '${now}', 'bench')`,
        `INSERT INTO sends (kind, list_id, status, subject, text_version, total, excluded, created_by, created_at)
         VALUES ('campaign', 1, 'done', 'Bench', 1, ${EVENTS}, '{}', 'bench', '${now}')`,
      ],
      "write",
    );
    const hash = (key: string) =>
      createHmac("sha256", `address:${config.secretKey}`).update(key).digest("hex");
    for (let start = 1; start <= EVENTS; start += 500) {
      const ids = Array.from({ length: Math.min(500, EVENTS - start + 1) }, (_, k) => start + k);
      await client.batch(
        ids.flatMap((i) => [
          {
            sql: "INSERT INTO contacts (id, email, email_key, email_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            args: [
              i,
              `p${i}@example.org`,
              `p${i}@example.org`,
              hash(`p${i}@example.org`),
              now,
              now,
            ],
          },
          {
            sql: "INSERT INTO list_members (list_id, contact_id, status, updated_at) VALUES (1, ?, 'confirmed', ?)",
            args: [i, now],
          },
          {
            sql: "INSERT INTO outbox_messages (send_id, contact_id, status, provider_id, updated_at) VALUES (1, ?, 'sent', ?, ?)",
            args: [i, `bench-${i}`, now],
          },
        ]),
        "write",
      );
    }

    const requests = Array.from({ length: EVENTS }, (_, i) =>
      sign(`msg_bench_${i}`, JSON.stringify(eventFor(i + 1))),
    );

    // Baseline: the same verifications, nothing else.
    const webhook = new Webhook(SECRET);
    let t0 = performance.now();
    for (const r of requests) {
      webhook.verify(
        r.body,
        {
          "webhook-id": r.id,
          "webhook-timestamp": r.timestamp,
          "webhook-signature": r.signature,
        },
        { jsonParse: false },
      );
    }
    const baselineMs = performance.now() - t0;

    t0 = performance.now();
    for (const r of requests) {
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
    const ingestMs = performance.now() - t0;

    const counts = await client.execute(`
      SELECT (SELECT count(*) FROM webhook_events) AS events,
             (SELECT count(*) FROM outbox_messages WHERE outcome = 'delivered') AS delivered,
             (SELECT count(*) FROM outbox_messages WHERE outcome = 'bounced') AS bounced,
             (SELECT count(*) FROM suppressions) AS suppressed`);
    const c = counts.rows[0] as Record<string, unknown>;
    if (Number(c.events) !== EVENTS) throw new Error(`stored ${c.events} of ${EVENTS} events`);

    const perSecond = (ms: number) => Math.round((EVENTS / ms) * 1000).toLocaleString("en-US");
    console.log(`events: ${EVENTS.toLocaleString("en-US")}`);
    console.log(
      `baseline, bare signature verifications: ${baselineMs.toFixed(0)} ms (${perSecond(baselineMs)}/s)`,
    );
    console.log(
      `ingest through POST /webhooks/resend: ${ingestMs.toFixed(0)} ms (${perSecond(ingestMs)} events/s)`,
    );
    console.log(`ratio ingest / verification time: ${(ingestMs / baselineMs).toFixed(1)}`);
    console.log(
      `stored ${c.events} events; ${c.delivered} delivered, ${c.bounced} bounced, ${c.suppressed} suppressed`,
    );
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
