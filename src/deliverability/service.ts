// Deliverability, overall (the last 30 days) and per send: delivered, bounced, complained, their
// rates over the outcomes reported, and the same counts over time for the chart.
import type { Deps } from "../deps";
import * as q from "./queries";

export const OVERALL_DAYS = 30;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** A chart keeps at most this many bars. */
const MAX_BUCKETS = 72;

export type Bucket = { key: string; delivered: number; bounced: number; complained: number };

export type Deliverability = {
  messages: number;
  sent: number;
  failed: number;
  delivered: number;
  bounced: number;
  complained: number;
  transientBounces: number;
  /** delivered + bounced + complained: what the rates are taken over (as the breaker does). */
  outcomes: number;
  bounceRate: number;
  complaintRate: number;
  unit: "hour" | "day";
  series: Bucket[];
};

/** Every hourly or daily bucket key from `from` to `to`, oldest first (at most MAX_BUCKETS). */
export function bucketKeys(from: Date, to: Date, unit: "hour" | "day"): string[] {
  const step = unit === "hour" ? HOUR_MS : DAY_MS;
  const width = unit === "hour" ? 13 : 10;
  const keys: string[] = [];
  const start = Math.floor(from.getTime() / step) * step;
  for (let t = start; t <= to.getTime() && keys.length < MAX_BUCKETS; t += step) {
    keys.push(new Date(t).toISOString().slice(0, width));
  }
  return keys;
}

async function report(
  deps: Deps,
  scope: q.Scope,
  range: { from: Date; to: Date },
): Promise<Deliverability> {
  const unit = range.to.getTime() - range.from.getTime() <= 2 * DAY_MS ? "hour" : "day";
  const [totals, rows, transientBounces] = await Promise.all([
    q.outcomeTotals(deps.db, scope),
    q.outcomeSeries(deps.db, scope, unit === "hour" ? 13 : 10),
    q.transientBounces(deps.db, scope),
  ]);
  const delivered = totals?.delivered ?? 0;
  const bounced = totals?.bounced ?? 0;
  const complained = totals?.complained ?? 0;
  const outcomes = delivered + bounced + complained;
  const buckets = new Map(
    bucketKeys(range.from, range.to, unit).map((key) => [
      key,
      { key, delivered: 0, bounced: 0, complained: 0 },
    ]),
  );
  for (const row of rows) {
    const bucket = buckets.get(row.bucket);
    if (
      bucket &&
      (row.outcome === "delivered" || row.outcome === "bounced" || row.outcome === "complained")
    ) {
      bucket[row.outcome] += row.n;
    }
  }
  return {
    messages: totals?.messages ?? 0,
    sent: totals?.sent ?? 0,
    failed: totals?.failed ?? 0,
    delivered,
    bounced,
    complained,
    transientBounces,
    outcomes,
    bounceRate: outcomes ? bounced / outcomes : 0,
    complaintRate: outcomes ? complained / outcomes : 0,
    unit,
    series: [...buckets.values()],
  };
}

export const overallDeliverability = (deps: Deps) => deliverabilityOverDays(deps, OVERALL_DAYS);

/** The last `days` days, today included, by day (the dashboard shows 7). */
export function deliverabilityOverDays(deps: Deps, days: number): Promise<Deliverability> {
  const to = deps.clock.now();
  const from = new Date(to.getTime() - (days - 1) * DAY_MS);
  const since = new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS).toISOString();
  return report(deps, { since }, { from, to });
}

/** From the send's start to its last reported outcome (or now, while nothing was reported). */
export async function sendDeliverability(
  deps: Deps,
  send: { id: number; createdAt: string },
): Promise<Deliverability> {
  const last = await q.lastOutcomeAt(deps.db, send.id);
  const from = new Date(send.createdAt);
  const to = last ? new Date(last) : deps.clock.now();
  return report(deps, { sendId: send.id }, { from, to: to < from ? from : to });
}

export const recentSendOutcomes = (deps: Deps, limit = 20) => q.recentSendOutcomes(deps.db, limit);
