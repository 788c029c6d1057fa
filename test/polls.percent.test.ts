// Largest-remainder percentages: whole numbers that always add up to exactly 100.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { largestRemainderPercents } from "../src/polls/percent";

const counts = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 2, maxLength: 10 });

describe("largestRemainderPercents", () => {
  test("examples", () => {
    expect(largestRemainderPercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainderPercents([22, 18, 20, 18, 22])).toEqual([22, 18, 20, 18, 22]);
    expect(largestRemainderPercents([2, 1])).toEqual([67, 33]);
    expect(largestRemainderPercents([1, 0, 0])).toEqual([100, 0, 0]);
    expect(largestRemainderPercents([0, 0, 0])).toEqual([0, 0, 0]);
    // 1/7 each: 14.28… × 7 = 98 + 2 points, to the first two (ties broken by order).
    expect(largestRemainderPercents([1, 1, 1, 1, 1, 1, 1])).toEqual([15, 15, 14, 14, 14, 14, 14]);
  });

  test("with at least one vote, the percents are integers adding up to exactly 100", () => {
    fc.assert(
      fc.property(
        counts.filter((c) => c.some((n) => n > 0)),
        (c) => {
          const p = largestRemainderPercents(c);
          expect(p).toHaveLength(c.length);
          expect(p.every(Number.isInteger)).toBe(true);
          expect(p.reduce((a, b) => a + b, 0)).toBe(100);
        },
      ),
    );
  });

  test("each percent is its exact share rounded down or up, never further", () => {
    fc.assert(
      fc.property(counts, (c) => {
        const total = c.reduce((a, b) => a + b, 0);
        const p = largestRemainderPercents(c);
        c.forEach((n, i) => {
          const exact = total === 0 ? 0 : (n * 100) / total;
          expect(p[i]).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(p[i]).toBeLessThanOrEqual(Math.ceil(exact));
        });
      }),
    );
  });

  test("no vote means 0 for every option", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), (n) => {
        expect(largestRemainderPercents(Array(n).fill(0))).toEqual(Array(n).fill(0));
      }),
    );
  });

  test("more votes never show a smaller percent", () => {
    fc.assert(
      fc.property(counts, (c) => {
        const p = largestRemainderPercents(c);
        for (let i = 0; i < c.length; i++) {
          for (let j = 0; j < c.length; j++) {
            if ((c[i] ?? 0) > (c[j] ?? 0)) expect(p[i]).toBeGreaterThanOrEqual(p[j] ?? 0);
          }
        }
      }),
    );
  });

  test("the order of the options does not change anyone's percent, except to break exact ties", () => {
    fc.assert(
      fc.property(counts, (c) => {
        const p = largestRemainderPercents(c);
        const reversed = largestRemainderPercents([...c].reverse()).reverse();
        c.forEach((_, i) => {
          expect(Math.abs((p[i] ?? 0) - (reversed[i] ?? 0))).toBeLessThanOrEqual(1);
        });
      }),
    );
  });
});
