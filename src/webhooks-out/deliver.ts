// Delivers queued outgoing webhooks: signed (Standard Webhooks), re-checked against the SSRF
// guard before each attempt, no redirect followed, time and response size bounded, retried
// with exponential backoff. Run every few seconds on Node, every minute by the cron on Workers.
import { Webhook } from "standardwebhooks";
import type { Deps } from "../deps";
import { checkTarget } from "./guard";
import * as q from "./queries";
import { targetOptions } from "./service";

/** Attempts before a delivery is given up: 30 s, 1, 2, 4… 64 min apart (about 2 hours in all). */
export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is read; its first 300 characters are kept in the log. */
const MAX_RESPONSE_BYTES = 4 * 1024;
/** An attempt holds its row this long, so another process does not send it at the same time. */
const LEASE_MS = 60_000;

export const backoffMs = (attempts: number) => FIRST_RETRY_MS * 2 ** (attempts - 1);

type Outcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** Reads at most `max` bytes of a body, then lets go of the rest. */
async function readBounded(response: Response, max: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < max) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    total += next.value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.slice(0, max));
}

async function attempt(
  deps: Deps,
  endpoint: q.Endpoint,
  row: q.Delivery,
  timeoutMs: number,
): Promise<Outcome> {
  const target = await checkTarget(endpoint.url, targetOptions(deps));
  if (!target.ok) return { ok: false, error: `refused: ${target.reason}` };
  const at = deps.clock.now();
  const signature = new Webhook(endpoint.secret).sign(row.messageId, at, row.payload);
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Relance-Webhooks/1",
        "webhook-id": row.messageId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: row.payload,
      redirect: "manual", // a redirect could lead anywhere, past the guard: it is a failure
      signal: AbortSignal.timeout(timeoutMs), // covers the answer's headers and the bounded read
    });
    const answer = await readBounded(response, MAX_RESPONSE_BYTES);
    if (response.status >= 200 && response.status < 300)
      return { ok: true, status: response.status };
    const why = response.status >= 300 && response.status < 400 ? "redirect not followed" : answer;
    return { ok: false, status: response.status, error: why.slice(0, 300) };
  } catch (error) {
    const name = (error as Error)?.name;
    return { ok: false, error: name === "TimeoutError" ? "timed out" : "could not connect" };
  }
}

async function settle(deps: Deps, row: q.Delivery, outcome: Outcome) {
  const now = deps.clock.now();
  const attempts = row.attempts + 1;
  if (outcome.ok) {
    return q.recordAttempt(deps.db, row.id, {
      status: "delivered",
      attempts,
      lastStatus: outcome.status,
      lastError: null,
      deliveredAt: now.toISOString(),
    });
  }
  const givenUp = attempts >= MAX_ATTEMPTS;
  return q.recordAttempt(deps.db, row.id, {
    status: givenUp ? "failed" : "pending",
    attempts,
    lastStatus: outcome.status ?? null,
    lastError: outcome.error,
    nextAttemptAt: new Date(now.getTime() + (givenUp ? 0 : backoffMs(attempts))).toISOString(),
  });
}

/** Sends every delivery that is due (up to `limit`); returns how many were attempted. */
export async function deliverDueWebhooks(
  deps: Deps,
  options: { limit?: number; timeoutMs?: number } = {},
): Promise<number> {
  const { limit = 50, timeoutMs = TIMEOUT_MS } = options;
  const now = deps.clock.now();
  const due = await q.dueDeliveries(deps.db, now.toISOString(), limit);
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  let attempted = 0;
  for (const row of due) {
    if (!(await q.claimDelivery(deps.db, row, lease))) continue;
    const endpoint = await q.endpointById(deps.db, row.endpointId);
    if (!endpoint) continue;
    await settle(deps, row, await attempt(deps, endpoint, row, timeoutMs));
    attempted++;
  }
  return attempted;
}
