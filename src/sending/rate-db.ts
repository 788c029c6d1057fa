// The rate limit kept in the database, for many dispatchers at once (Workers: concurrent queue
// consumers in many isolates). Same window rule as `waitBeforeNextCall`, but the call starts live
// in `provider_calls`, and one atomic statement admits a call only while its window has room.
import type { Client } from "@libsql/client";
import { type RateLimiter, rateWindow, realSleep, type Sleep } from "./rate";

/**
 * The database's clock in milliseconds: every dispatcher compares times on the one clock, so
 * clocks that disagree between isolates cannot let two calls into the same window. SQLite
 * evaluates 'now' once per statement.
 */
const DB_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";

/** Starts older than this are pruned (they can no longer count in any window). */
const KEEP_MS = 60_000;

export type DbRateLimiterOptions = {
  sleep?: Sleep;
  /** How long starts are kept before pruning; at least one window. */
  keepMs?: number;
  /** Spreads out waiters that would all wake at the same instant (0..1, default Math.random). */
  random?: () => number;
};

/**
 * A limiter whose state is the `provider_calls` table. Each attempt is one write transaction:
 * prune, then `INSERT … SELECT … WHERE (starts in the window) < capacity`, then read when the
 * window frees up. Refused, it sleeps until then (less half the round trip; plus a little jitter
 * when refused again on waking, as when consumers wait for the same slot) and tries again.
 */
export function dbRateLimiter(
  client: Client,
  ratePerSecond: number,
  options: DbRateLimiterOptions = {},
): RateLimiter {
  const { capacity, windowMs } = rateWindow(ratePerSecond);
  const keepMs = Math.max(windowMs, options.keepMs ?? KEEP_MS);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const jitterMs = Math.min(25, windowMs / 20);
  return {
    async acquire() {
      for (let refusals = 0; ; refusals++) {
        const sent = performance.now();
        const [, admitted, window] = await client.batch(
          [
            {
              sql: `DELETE FROM provider_calls WHERE started_at <= ${DB_NOW_MS} - ?`,
              args: [keepMs],
            },
            {
              sql: `INSERT INTO provider_calls (started_at)
                    SELECT ${DB_NOW_MS}
                    WHERE (SELECT count(*) FROM provider_calls
                           WHERE started_at > ${DB_NOW_MS} - ?) < ?`,
              args: [windowMs, capacity],
            },
            {
              // When the window frees up: the capacity-th most recent start, plus one window.
              sql: `SELECT ${DB_NOW_MS} AS now,
                           (SELECT started_at FROM provider_calls
                            ORDER BY started_at DESC LIMIT 1 OFFSET ?) AS oldest`,
              args: [capacity - 1],
            },
          ],
          "write",
        );
        if (admitted?.rowsAffected === 1) return;
        const row = window?.rows[0];
        // The answer spent about half the round trip coming back: the window frees up that much
        // sooner from here (over Turso, tens of milliseconds lost on every call at the rate).
        const halfTrip = (performance.now() - sent) / 2;
        const wait = Number(row?.oldest ?? 0) + windowMs - Number(row?.now ?? 0) - halfTrip;
        // Jitter only for a waiter refused again on waking (others woke for the same instant): a
        // lone consumer would lose it on every call.
        await sleep(Math.max(1, wait) + (refusals > 0 ? random() * jitterMs : 0));
      }
    },
  };
}
