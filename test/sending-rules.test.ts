import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { judgeOutcomes, type Outcome } from "../src/sending/breaker";
import {
  ARRIVAL_MARGIN_MS,
  backoffMs,
  waitBeforeNextCall,
  windowRateLimiter,
} from "../src/sending/rate";

describe("the rate window", () => {
  test("no one-second window ever holds more than the rate (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0.5, 1, 2, 3, 7, 10),
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 40 }),
        async (rate, gaps) => {
          let clock = 0;
          const limiter = windowRateLimiter(
            rate,
            () => clock,
            async (ms) => {
              clock += ms;
            },
          );
          const starts: number[] = [];
          for (const gap of gaps) {
            clock += gap;
            await limiter.acquire();
            starts.push(clock);
          }
          for (const start of starts) {
            const inWindow = starts.filter((s) => s >= start && s < start + 1000).length;
            expect(inWindow).toBeLessThanOrEqual(Math.max(1, rate));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test("an idle limiter lets the first calls through at once, then spaces them", () => {
    expect(waitBeforeNextCall([], 0, 2)).toBe(0);
    expect(waitBeforeNextCall([0], 10, 2)).toBe(0);
    // One second, plus the margin for the calls' different delays on the way to the provider.
    expect(waitBeforeNextCall([0, 10], 20, 2)).toBe(1000 + ARRIVAL_MARGIN_MS - 20);
    expect(waitBeforeNextCall([0], 10, 0.5)).toBe(2000 + ARRIVAL_MARGIN_MS - 10);
  });

  test("concurrent acquires are granted in turn within the rate", async () => {
    let clock = 0;
    const limiter = windowRateLimiter(
      2,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () => limiter.acquire().then(() => granted.push(clock))),
    );
    const w = 1000 + ARRIVAL_MARGIN_MS;
    expect(granted).toEqual([0, 0, w, w, 2 * w, 2 * w]);
  });
});

describe("backoff", () => {
  test("grows exponentially with jitter and is capped", () => {
    expect(backoffMs(1, 0)).toBe(500);
    expect(backoffMs(1, 1)).toBe(1000);
    expect(backoffMs(4, 1)).toBe(8000);
    expect(backoffMs(40, 1)).toBe(600_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, r) => {
          const ms = backoffMs(n, r);
          return ms >= 500 && ms <= 600_000;
        },
      ),
    );
  });
});

describe("the breaker", () => {
  const thresholds = { bounceRate: 0.05, complaintRate: 0.003 };
  const outcomes = (delivered: number, bounced: number, complained = 0): Outcome[] => [
    ...Array<Outcome>(delivered).fill("delivered"),
    ...Array<Outcome>(bounced).fill("bounced"),
    ...Array<Outcome>(complained).fill("complained"),
  ];

  test("never trips below 100 outcomes, even at 100% bounces", () => {
    expect(judgeOutcomes(outcomes(0, 99), thresholds).trip).toBe(false);
  });

  test("trips above 5% hard bounces, not at exactly 5%", () => {
    expect(judgeOutcomes(outcomes(95, 5), thresholds).trip).toBe(false);
    const verdict = judgeOutcomes(outcomes(94, 6), thresholds);
    expect(verdict.trip).toBe(true);
    expect(verdict.trip && verdict.reason).toMatch(/6 hard bounces in the last 100 outcomes/);
  });

  test("trips above 0.3% complaints", () => {
    expect(judgeOutcomes(outcomes(499, 0, 1), thresholds).trip).toBe(false); // 0.2%
    expect(judgeOutcomes(outcomes(498, 0, 2), thresholds).trip).toBe(true); // 0.4%
  });

  test("only the last 500 outcomes count", () => {
    const old = outcomes(0, 400);
    expect(judgeOutcomes([...old, ...outcomes(500, 0)], thresholds).trip).toBe(false);
  });

  test("thresholds come from the configuration", () => {
    expect(judgeOutcomes(outcomes(90, 10), { bounceRate: 0.2, complaintRate: 0.5 }).trip).toBe(
      false,
    );
  });
});

describe("random bytes", () => {
  test("pooled random bytes never repeat a slice", async () => {
    const { webRandomBytes } = await import("../src/deps");
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = webRandomBytes(16);
      expect(bytes).toHaveLength(16);
      const hex = Buffer.from(bytes).toString("hex");
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
    expect(webRandomBytes(10_000)).toHaveLength(10_000);
  });
});
