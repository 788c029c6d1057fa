// `npm run bench -- breaker`: the breaker's decisions while a 50,000-message send runs (issue 21:
// "breaker decisions within 2 s of the event"). One Node process holds what `npm start` holds —
// the app serving POST /webhooks/resend and the dispatcher sending at R = 5 calls/s × 100 — and
// the fake Resend runs in a child process. A feeder in this process posts one signed event per
// message as soon as the message is recorded sent (campaign speed, 100 in flight at most):
// delivered until half the send is out, then every event a permanent bounce (a bad list's storm).
//
// The breaker judges each outcome in the transaction that stores it, before the answer, so an
// event's decision is made within its own answer time: the bench reports those times, then when
// the pause was recorded against the first storm event, and the provider calls after the pause.
// The feeder shares the process (its CPU counts against the server): the figures are pessimistic.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import type { Deps } from "../src/deps";
import { createNodeApp, openNodeClient } from "../src/node";
import { createDispatcher } from "../src/sending/dispatcher";
import { windowRateLimiter } from "../src/sending/rate";
import { benchEnv, invite, legacyList, sleep, startFakeProcess } from "./send.bench";
import { post, sign } from "./webhooks-load";

/** BENCH_RECIPIENTS for a quick trial. */
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 50_000);
const RATE = 5;
/** Events turn into permanent bounces once this many messages are sent. */
const STORM_AFTER = RECIPIENTS / 2;
const IN_FLIGHT = 100;
const TARGET_MS = 2_000;
const SECRET = `whsec_${Buffer.from("relance bench breaker signing key").toString("base64")}`;

type Posted = { sentAt: number; answeredAt: number; status: number; storm: boolean };

/** The event for one sent message: delivered (or, in the storm, a permanent bounce). */
function eventFor(providerId: string, to: string, storm: boolean) {
  const data = { email_id: providerId, created_at: new Date().toISOString(), to: [to] };
  return storm
    ? { type: "email.bounced", data: { ...data, bounce: { type: "Permanent" } } }
    : { type: "email.delivered", data };
}

/** Messages recorded sent since `afterId`, oldest first. */
async function sentSince(deps: Deps, sendId: number, afterId: number) {
  const { rows } = await deps.client.execute({
    sql: `SELECT o.id, o.provider_id, c.email FROM outbox_messages o JOIN contacts c ON c.id = o.contact_id
          WHERE o.send_id = ? AND o.status = 'sent' AND o.id > ? ORDER BY o.id LIMIT 2000`,
    args: [sendId, afterId],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    providerId: String(r.provider_id),
    to: String(r.email),
  }));
}

async function pausedSince(deps: Deps): Promise<number | undefined> {
  const { rows } = await deps.client.execute("SELECT paused, since FROM sending_state");
  const row = rows[0];
  return row && Number(row.paused) === 1 ? Date.parse(String(row.since)) : undefined;
}

/**
 * Posts an event for every message as it is sent, at most IN_FLIGHT at once, until the pause has
 * been recorded and every message sent before it has its event (or the send ends).
 */
async function feed(deps: Deps, sendId: number, url: URL) {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const posted: Posted[] = [];
  const inFlight = new Set<Promise<void>>();
  let lastId = 0;
  let fed = 0;
  let paused: number | undefined;
  for (let idle = 0; idle < 40; ) {
    const batch = await sentSince(deps, sendId, lastId);
    idle = batch.length ? 0 : idle + 1;
    for (const m of batch) {
      lastId = m.id;
      const storm = ++fed > STORM_AFTER;
      const body = JSON.stringify(eventFor(m.providerId, m.to, storm));
      const sentAt = Date.now();
      const request = post(url, agent, sign(SECRET, `msg_breaker_${m.id}`, body)).then((r) => {
        posted.push({ sentAt, answeredAt: Date.now(), status: r.status, storm });
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    paused ??= await pausedSince(deps);
    if (paused !== undefined && batch.length === 0) break;
    await sleep(50);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { posted, paused };
}

function report(posted: Posted[], paused: number | undefined, callsAfter: number) {
  const times = posted.map((p) => p.answeredAt - p.sentAt).sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  const statuses = new Map<number, number>();
  for (const p of posted) statuses.set(p.status, (statuses.get(p.status) ?? 0) + 1);
  const firstStorm = posted.filter((p) => p.storm).sort((a, b) => a.sentAt - b.sentAt)[0];
  console.log(
    `events posted: ${posted.length.toLocaleString("en")} (statuses ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(", ")}); ` +
      `answer time (the breaker judged within it): median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (target ≤ ${TARGET_MS})`,
  );
  if (paused === undefined || !firstStorm) {
    console.log("the breaker did not pause sending ✗");
    return;
  }
  const decision = paused - firstStorm.sentAt;
  console.log(
    `pause recorded ${decision} ms after the first bounce of the storm was posted ` +
      `(${decision <= TARGET_MS ? "✓" : "✗"} ≤ ${TARGET_MS} ms; the rate crosses 5 % about 25 bounces in); ` +
      `provider calls arriving after the pause: ${callsAfter} (at most one already under way)`,
  );
}

export default async function breakerBench() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-breaker-"));
  const fake = await startFakeProcess(RATE);
  try {
    const env = {
      ...benchEnv(`file:${join(dir, "bench.db")}`, fake, RATE),
      RESEND_WEBHOOK_SECRET: SECRET,
    };
    const config = parseConfig(env, "node");
    const { deps } = await boot(config, openNodeClient(config));
    const list = await legacyList(deps, "breaker", RECIPIENTS, 0);
    const { sendId } = await invite(deps, list);
    const server = serve({ fetch: createNodeApp(deps).fetch, port: 0, hostname: "127.0.0.1" });
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const dispatcher = createDispatcher(deps, {
      limiter: windowRateLimiter(RATE),
      claimAhead: true,
    });
    deps.dispatcher = dispatcher;
    void dispatcher.run();
    const url = new URL(`http://127.0.0.1:${port}/webhooks/resend`);
    const { posted, paused } = await feed(deps, sendId as number, url);
    await dispatcher.stop();
    server.close();
    const calls = (await fake.stats()).calls;
    const callsAfter = paused === undefined ? 0 : calls.filter(([at]) => at > paused).length;
    console.log(
      `${RECIPIENTS.toLocaleString("en")}-message send at R = ${RATE} × 100, ${IN_FLIGHT} events in flight; storm after ${STORM_AFTER.toLocaleString("en")} messages`,
    );
    report(posted, paused, callsAfter);
    deps.client.close();
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
