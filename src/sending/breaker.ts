// The automatic pause: a send whose recent outcomes show too many hard bounces or complaints.

export type Outcome = "delivered" | "bounced" | "complained" | "other";

export const BREAKER_WINDOW = 500;
export const BREAKER_MIN_OUTCOMES = 100;

export type BreakerVerdict =
  | { trip: false; bounceRate: number; complaintRate: number; outcomes: number }
  | { trip: true; reason: string; bounceRate: number; complaintRate: number; outcomes: number };

/**
 * Judges the most recent outcomes of one send (newest last; only the last 500 count). Below 100
 * outcomes it never trips: a handful of early bounces says nothing about a list.
 */
export function judgeOutcomes(
  outcomes: Outcome[],
  thresholds: { bounceRate: number; complaintRate: number },
): BreakerVerdict {
  const window = outcomes.slice(-BREAKER_WINDOW);
  const n = window.length;
  const bounces = window.filter((o) => o === "bounced").length;
  const complaints = window.filter((o) => o === "complained").length;
  const bounceRate = n ? bounces / n : 0;
  const complaintRate = n ? complaints / n : 0;
  const base = { bounceRate, complaintRate, outcomes: n };
  if (n < BREAKER_MIN_OUTCOMES) return { trip: false, ...base };
  if (bounceRate > thresholds.bounceRate) {
    return {
      trip: true,
      ...base,
      reason: `breaker: ${bounces} hard bounces in the last ${n} outcomes (${(bounceRate * 100).toFixed(1)}% > ${(thresholds.bounceRate * 100).toFixed(1)}%)`,
    };
  }
  if (complaintRate > thresholds.complaintRate) {
    return {
      trip: true,
      ...base,
      reason: `breaker: ${complaints} complaints in the last ${n} outcomes (${(complaintRate * 100).toFixed(2)}% > ${(thresholds.complaintRate * 100).toFixed(2)}%)`,
    };
  }
  return { trip: false, ...base };
}

/**
 * A canary is judged on its own outcomes, however few (no minimum, unlike the breaker): the share
 * of its called messages that bounced for good, or drew a complaint.
 */
export function judgeCanary(
  figures: { called: number; bounced: number; complained: number },
  thresholds: { bounceRate: number; complaintRate: number },
): { pause: boolean; reason: string } {
  const n = figures.called;
  const bounceRate = n ? figures.bounced / n : 0;
  const complaintRate = n ? figures.complained / n : 0;
  const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
  const said = `${figures.bounced} hard bounces (${pct(bounceRate)}) and ${figures.complained} complaints (${pct(complaintRate)}) among ${n} canary messages`;
  if (bounceRate > thresholds.bounceRate)
    return { pause: true, reason: `${said}: bounces above ${pct(thresholds.bounceRate)}` };
  if (complaintRate > thresholds.complaintRate)
    return { pause: true, reason: `${said}: complaints above ${pct(thresholds.complaintRate)}` };
  return { pause: false, reason: said };
}
