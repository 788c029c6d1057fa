// Abuse limits per client address, counted in the database so that they hold across Node
// processes and Worker isolates. Over the limit: 429 with Retry-After, and nothing else runs.
import { lt, sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { rateLimitHits } from "../../db/schema";
import type { Deps } from "../deps";
import { hashClientAddress } from "./client-address";
import type { AppEnv } from "./env";
import { answersProblems, problem } from "./problem";

export type Limit = { name: string; limit: number; windowSeconds: number };

/** Counts one hit for `key` in the current window; returns whether it is allowed and for how long not. */
export async function hit(
  deps: Deps,
  key: string,
  limit: Limit,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const now = deps.clock.now().getTime();
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const rows = await deps.db.all<{ hits: number }>(sql`
    INSERT INTO rate_limit_hits (key, window_start, hits) VALUES (${`${limit.name}:${key}`}, ${windowStart}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = hits + 1
    RETURNING hits`);
  const hits = Number(rows[0]?.hits ?? 1);
  return {
    allowed: hits <= limit.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
  };
}

/**
 * Claims `key` for a window of `windowSeconds` starting now, unless an earlier claim made less
 * than that ago still holds it: true when this call got it. One statement, so that two requests
 * at the same moment cannot both win. (The windows are pruned after a day: at most a day long.)
 */
export async function claimWindow(
  deps: Deps,
  limit: Pick<Limit, "name" | "windowSeconds">,
  key: string,
): Promise<boolean> {
  const now = deps.clock.now().getTime();
  const since = now - limit.windowSeconds * 1000;
  const named = `${limit.name}:${key}`;
  const claimed = await deps.db.run(sql`
    INSERT INTO rate_limit_hits (key, window_start, hits)
    SELECT ${named}, ${now}, 1
    WHERE NOT EXISTS (
      SELECT 1 FROM rate_limit_hits WHERE key = ${named} AND window_start > ${since})`);
  return claimed.rowsAffected === 1;
}

/** Gives back a claim `claimWindow` made for `key` whose purpose was not served: the next may win. */
export async function releaseWindow(
  deps: Deps,
  limit: Pick<Limit, "name" | "windowSeconds">,
  key: string,
): Promise<void> {
  const since = deps.clock.now().getTime() - limit.windowSeconds * 1000;
  await deps.db.run(sql`
    DELETE FROM rate_limit_hits WHERE key = ${`${limit.name}:${key}`} AND window_start > ${since}`);
}

/** Counts one hit for the client's address: the 429 answer when it is over `limit`, else nothing. */
export async function overLimit(c: Context<AppEnv>, limit: Limit): Promise<Response | undefined> {
  const deps = c.var.deps;
  const key = hashClientAddress(deps, c.var.clientAddress);
  const verdict = await hit(deps, key.slice(0, 32), limit);
  return verdict.allowed ? undefined : tooMany(c, verdict.retryAfterSeconds);
}

/** A middleware limiting the requests it guards per client address. */
export function limitPerClient(limit: Limit): MiddlewareHandler<AppEnv> {
  return async (c, next) => (await overLimit(c, limit)) ?? next();
}

function tooMany(c: Context<AppEnv>, retryAfterSeconds: number) {
  const message = `Too many requests from your address. Try again in ${retryAfterSeconds} seconds.`;
  const headers = { "Retry-After": String(retryAfterSeconds) };
  if (answersProblems(c.req.path)) {
    return problem(c, 429, message, { headers });
  }
  return c.text(
    c.var.lang === "en"
      ? message
      : `Trop de requêtes depuis votre adresse. Réessayez dans ${retryAfterSeconds} secondes.`,
    429,
    headers,
  );
}

/** Drops windows older than a day (a periodic job): the table stays small. */
export async function pruneRateLimits(deps: Deps) {
  await deps.db
    .delete(rateLimitHits)
    .where(lt(rateLimitHits.windowStart, deps.clock.now().getTime() - 86_400_000));
}

/** The limits Relance applies, per client address (the per-account lockout is separate). */
export const LIMITS = {
  signIn: { name: "sign-in", limit: 30, windowSeconds: 60 },
  subscribe: { name: "subscribe", limit: 10, windowSeconds: 60 },
  /**
   * Webhook requests whose signature fails. A signed request never counts: Resend delivers from a
   * handful of addresses at the sending rate (hundreds a second), and refusing it would delay
   * suppression and the breaker.
   */
  webhook: { name: "webhook", limit: 1200, windowSeconds: 60 },
} satisfies Record<string, Limit>;
