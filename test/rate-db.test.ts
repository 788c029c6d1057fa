// The database-backed rate limit: several limiters (as several queue consumers on Workers) share
// one libSQL database, and together they never let more calls start in a window than the rate.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { createClient as createWebClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../src/db";
import { rateWindow, windowRateLimiter } from "../src/sending/rate";
import { dbRateLimiter } from "../src/sending/rate-db";
import { type HranaServer, startHranaServer } from "./hrana-server";

/** The most call starts found in any window of `windowMs` (each window opening at a start). */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] as number) < (sorted[i] as number) - windowMs + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function recordedStarts(client: Client): Promise<number[]> {
  const rows = await client.execute("SELECT started_at FROM provider_calls ORDER BY started_at");
  return rows.rows.map((r) => Number(r.started_at));
}

/** `limiters` concurrent limiters, each acquiring `calls` times as fast as it is let through. */
async function runConcurrently(
  clients: Client[],
  rate: number,
  calls: number,
  keepMs = 10 * 60_000,
) {
  await Promise.all(
    clients.map(async (client) => {
      const limiter = dbRateLimiter(client, rate, { keepMs });
      for (let i = 0; i < calls; i++) await limiter.acquire();
    }),
  );
}

describe("busiestWindow (the checker itself)", () => {
  it("counts starts that fall in one window, and catches independent in-memory limiters", async () => {
    expect(busiestWindow([0, 999, 1000, 1999], 1000)).toBe(2);
    expect(busiestWindow([0, 500, 999], 1000)).toBe(3);
    expect(busiestWindow([], 1000)).toBe(0);
    // Three in-memory limiters each keep the rate alone, not together: the checker must see it.
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        const limiter = windowRateLimiter(5);
        for (let i = 0; i < 5; i++) {
          await limiter.acquire();
          starts.push(Date.now());
        }
      }),
    );
    expect(busiestWindow(starts, 1000)).toBeGreaterThan(5);
  });
});

describe("dbRateLimiter on one libSQL file, several connections", () => {
  let dir: string;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "relance-rate-db-"));
    url = `file:${join(dir, "rate.db")}`;
    const setup = createClient({ url });
    await migrate(setup);
    setup.close();
  });

  afterAll(() => {
    for (const c of clients) c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connections = (n: number) => {
    const opened = Array.from({ length: n }, () => createClient({ url }));
    clients.push(...opened);
    return opened;
  };

  it.each([
    { rate: 4, limiters: 3, calls: 5 },
    { rate: 0.5, limiters: 3, calls: 1 },
    { rate: 2.5, limiters: 2, calls: 3 },
  ])(
    "rate $rate/s, $limiters limiters × $calls calls: every call admitted, no window over the rate",
    async ({ rate, limiters, calls }) => {
      const [observer, ...others] = connections(limiters + 1);
      await observer?.execute("DELETE FROM provider_calls");
      await runConcurrently(others, rate, calls);
      const starts = await recordedStarts(observer as Client);
      expect(starts).toHaveLength(limiters * calls);
      const { capacity, windowMs } = rateWindow(rate);
      expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(capacity);
      expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
    },
    60_000,
  );

  it("a lone waiter wakes when the window frees up, with no jitter; a waiter refused again on waking is spread out", async () => {
    const [client] = connections(1);
    await client?.execute("DELETE FROM provider_calls");
    const rate = 4;
    const jitters: number[] = [];
    const sleeps: number[] = [];
    let stealTheSlot = false;
    const { capacity, windowMs } = rateWindow(rate);
    const limiter = dbRateLimiter(client as Client, rate, {
      random: () => {
        jitters.push(sleeps.length);
        return 1;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
        // Other consumers take the window this one woke up for (all of it: however late the
        // timer fires on a busy machine, the waiter is refused again).
        if (stealTheSlot)
          for (let i = 0; i < capacity; i++)
            await client?.execute(`INSERT INTO provider_calls (started_at)
            VALUES (CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER))`);
        stealTheSlot = false;
      },
    });
    for (let i = 0; i <= capacity; i++) await limiter.acquire();
    // One refusal, one sleep until the window frees up: nothing added to it.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThanOrEqual(windowMs);
    expect(jitters).toEqual([]);

    // Refused again on waking: the second sleep is spread out.
    for (let i = 0; i < capacity; i++)
      await client?.execute(`INSERT INTO provider_calls (started_at)
      VALUES (CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER))`);
    stealTheSlot = true;
    await limiter.acquire();
    expect(jitters).toEqual([sleeps.length - 1]);
  }, 30_000);

  it("prunes starts older than it keeps", async () => {
    const [client] = connections(1);
    await client?.execute("DELETE FROM provider_calls");
    await client?.execute("INSERT INTO provider_calls (started_at) VALUES (0), (1000)");
    await dbRateLimiter(client as Client, 10, { keepMs: 1000 }).acquire();
    const starts = await recordedStarts(client as Client);
    expect(starts).toHaveLength(1);
    expect(starts[0]).toBeGreaterThan(1000);
  });
});

describe("dbRateLimiter over Hrana (as the Worker reaches Turso)", () => {
  let server: HranaServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startHranaServer();
    const setup = createWebClient({ url: server.url });
    await migrate(setup);
    setup.close();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it("rate 10/s, 4 limiters × 8 calls: every call admitted, no one-second window over 10", async () => {
    const opened = Array.from({ length: 5 }, () => createWebClient({ url: server.url }));
    clients.push(...opened);
    const [observer, ...others] = opened;
    await runConcurrently(others, 10, 8);
    const starts = await recordedStarts(observer as Client);
    expect(starts).toHaveLength(32);
    expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(10);
  }, 60_000);
});
