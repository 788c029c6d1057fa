// Keeps provider calls within SEND_RATE_PER_SECOND over any one-second window.

/**
 * The window rule as a pure function: given the start times of recent calls (ascending, ms) and
 * the rate, how long to wait before the next call may start. At most max(1, ⌊rate⌋) calls start
 * in any window of max(1, 1/rate) seconds, so no one-second window ever holds more than `rate`
 * calls, and the bucket never holds more than one second's worth.
 */
export function waitBeforeNextCall(
  recentStarts: number[],
  now: number,
  ratePerSecond: number,
): number {
  const { capacity, windowMs } = rateWindow(ratePerSecond);
  if (recentStarts.length < capacity) return 0;
  const oldestInWindow = recentStarts[recentStarts.length - capacity] ?? 0;
  return Math.max(0, oldestInWindow + windowMs - now);
}

/**
 * Calls start at the limiter's pace but reach the provider a little later, each after its own
 * delay (a ~300 KB body to send; the provider counts on arrival), so that calls started a full
 * window apart can arrive inside one second. The window is kept this much longer: at the local
 * fake, arrivals of calls started exactly one window apart came up to 52 ms closer, and each
 * 429 cost a whole call's work and a retry.
 */
export const ARRIVAL_MARGIN_MS = 50;

/** The window rule's numbers: at most `capacity` call starts in any `windowMs` milliseconds. */
export function rateWindow(ratePerSecond: number): { capacity: number; windowMs: number } {
  return {
    capacity: Math.max(1, Math.floor(ratePerSecond)),
    windowMs: (ratePerSecond >= 1 ? 1000 : 1000 / ratePerSecond) + ARRIVAL_MARGIN_MS,
  };
}

export interface RateLimiter {
  /** Resolves when a provider call may start, and records that it started. */
  acquire(): Promise<void>;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An in-process limiter (one Node process dispatches); `now` and `sleep` are injectable. */
export function windowRateLimiter(
  ratePerSecond: number,
  now: () => number = Date.now,
  sleep: Sleep = realSleep,
): RateLimiter {
  const starts: number[] = [];
  const keep = Math.max(1, Math.floor(ratePerSecond));
  let queue: Promise<void> = Promise.resolve();
  return {
    acquire() {
      // Calls are granted one after another, in order, even when acquired concurrently.
      const turn = queue.then(async () => {
        for (;;) {
          const wait = waitBeforeNextCall(starts, now(), ratePerSecond);
          if (wait <= 0) break;
          await sleep(wait);
        }
        starts.push(now());
        if (starts.length > keep) starts.splice(0, starts.length - keep);
      });
      queue = turn.catch(() => {});
      return turn;
    },
  };
}

/** Exponential backoff with full jitter, capped: the delay before retry number `attempt` (1-based). */
export function backoffMs(
  attempt: number,
  random: number,
  baseMs = 1000,
  capMs = 10 * 60_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
