// On Node, verified webhook events that arrive together are applied in one transaction (group
// commit). Each is still applied exactly once, answered only after its commit, and the breaker
// judges every outcome in order (issue 21, item 1).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { providerIdOf, seedSentMessages } from "../bench/seed-sent";
import { createTestApp, type TestApp } from "./helpers";
import {
  bounceEvent,
  emailEvent,
  newSvixId,
  postWebhook,
  svixSignature,
  WEBHOOK_SECRET,
} from "./webhook-helpers";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVER = fileURLToPath(new URL("../src/server.ts", import.meta.url));

type Delivery = { id: string; event: unknown };

const delivered = (contactId: number): Delivery => ({
  id: newSvixId(),
  event: emailEvent("email.delivered", providerIdOf(contactId)),
});
const bounced = (contactId: number, type: "Permanent" | "Transient"): Delivery => ({
  id: newSvixId(),
  event: bounceEvent(providerIdOf(contactId), type),
});

const countIn = async (
  client: { execute(sql: string): Promise<{ rows: unknown[] }> },
  sql: string,
) => Number((((await client.execute(sql)).rows[0] ?? {}) as { n?: unknown }).n);

describe("in one process", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
    await seedSentMessages(t.client, 300, t.deps.config.secretKey);
  });
  afterEach(() => t.close());

  const post = (d: Delivery) => postWebhook(t, d.event, { id: d.id });

  test("a burst with every event delivered twice: each applied once, every request answered 200", async () => {
    const deliveries = [
      ...Array.from({ length: 280 }, (_, i) => delivered(i + 1)),
      ...Array.from({ length: 10 }, (_, i) => bounced(281 + i, "Permanent")),
      // Three transient bounces of one contact in the same burst: the third counts as permanent.
      ...Array.from({ length: 3 }, () => bounced(300, "Transient")),
    ];
    const answers = await Promise.all([...deliveries, ...deliveries].map(post));
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { replay?: boolean }[];
    expect(bodies.filter((b) => b.replay).length).toBe(deliveries.length);

    expect(await countIn(t.client, "SELECT count(*) AS n FROM webhook_events")).toBe(
      deliveries.length,
    );
    expect(
      await countIn(
        t.client,
        "SELECT count(*) AS n FROM outbox_messages WHERE outcome = 'delivered'",
      ),
    ).toBe(280);
    expect(
      await countIn(
        t.client,
        "SELECT count(*) AS n FROM outbox_messages WHERE outcome = 'bounced'",
      ),
    ).toBe(11);
    expect(await countIn(t.client, "SELECT count(*) AS n FROM suppressions")).toBe(11);
    expect(
      await countIn(t.client, "SELECT count(*) AS n FROM consent_events WHERE event = 'bounced'"),
    ).toBe(11);
  }, 60_000);

  test("the breaker judges each outcome of a group in order, not only the group's end", async () => {
    // 100 outcomes with 6 % hard bounces trip it (> 5 %); 100 more deliveries in the same burst
    // bring the window back to 3 %, which a judgment of the group's end alone would let pass.
    const deliveries = [
      ...Array.from({ length: 94 }, (_, i) => delivered(i + 1)),
      ...Array.from({ length: 6 }, (_, i) => bounced(95 + i, "Permanent")),
      ...Array.from({ length: 100 }, (_, i) => delivered(101 + i)),
    ];
    const answers = await Promise.all(deliveries.map(post));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const paused = await t.client.execute("SELECT paused, reason FROM sending_state");
    expect(paused.rows[0]?.paused).toBe(1);
    expect(String(paused.rows[0]?.reason)).toContain("breaker");
  }, 60_000);
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function startServer(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return { child, base: `http://127.0.0.1:${port}` };
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error("the server did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends a delivery as Resend would; resolves with the status, or null when no answer came. */
async function deliver(base: string, d: Delivery) {
  const body = JSON.stringify(d.event);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(`${base}/webhooks/resend`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "svix-id": d.id,
        "svix-timestamp": String(timestamp),
        "svix-signature": svixSignature(WEBHOOK_SECRET, d.id, timestamp, body),
      },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

test("a crash between receive and commit: the provider retries and each event applies once", {
  timeout: 120_000,
}, async () => {
  const t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  const dir = dirname(t.url.slice("file:".length));
  const env = {
    DATABASE_URL: t.url,
    SEED: "none",
    SECRET_KEY: t.deps.config.secretKey,
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
  let child: ChildProcess | undefined;
  try {
    const N = 1500;
    await seedSentMessages(t.client, N, t.deps.config.secretKey);
    t.client.close();
    const deliveries = Array.from({ length: N }, (_, i) =>
      i % 10 === 0 ? bounced(i + 1, "Permanent") : delivered(i + 1),
    );

    const first = await startServer(env);
    child = first.child;
    const acknowledged = new Set<string>();
    let answered = 0;
    const exited = once(first.child, "exit");
    // Everything at once, as Svix does in a campaign; killed while events are still in flight.
    const inFlight = deliveries.map((d) =>
      deliver(first.base, d).then((status) => {
        if (status === 200) acknowledged.add(d.id);
        if (++answered === 200) first.child.kill("SIGKILL");
      }),
    );
    await Promise.all(inFlight);
    await exited;
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(acknowledged.size).toBeLessThan(N);

    const client = createClient({ url: t.url });
    try {
      // Nothing was acknowledged that is not committed.
      const stored = new Set(
        (await client.execute("SELECT svix_id FROM webhook_events")).rows.map((r) =>
          String(r.svix_id),
        ),
      );
      expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      client.close();
    }

    // The restart; the provider retries every delivery (those answered too: it may).
    const second = await startServer(env);
    child = second.child;
    const statuses = await Promise.all(deliveries.map((d) => deliver(second.base, d)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    second.child.kill("SIGTERM");
    await once(second.child, "exit");

    const after = createClient({ url: t.url });
    try {
      expect(await countIn(after, "SELECT count(*) AS n FROM webhook_events")).toBe(N);
      expect(
        await countIn(after, "SELECT count(*) AS n FROM outbox_messages WHERE outcome IS NOT NULL"),
      ).toBe(N);
      expect(await countIn(after, "SELECT count(*) AS n FROM suppressions")).toBe(N / 10);
      expect(
        await countIn(after, "SELECT count(*) AS n FROM consent_events WHERE event = 'bounced'"),
      ).toBe(N / 10);
    } finally {
      after.close();
    }
  } finally {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("when the database fails", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
    await seedSentMessages(t.client, 10, t.deps.config.secretKey);
  });
  afterEach(() => t.close());

  test("a group that cannot be read answers 500 to its requests, and the next group still runs", async () => {
    await t.client.execute("ALTER TABLE webhook_events RENAME TO webhook_events_away");
    const failed = await Promise.all([1, 2, 3].map((i) => postWebhook(t, delivered(i).event)));
    expect(failed.map((res) => res.status)).toEqual([500, 500, 500]);

    await t.client.execute("ALTER TABLE webhook_events_away RENAME TO webhook_events");
    const retried = await Promise.all([1, 2, 3].map((i) => postWebhook(t, delivered(i).event)));
    expect(retried.map((res) => res.status)).toEqual([200, 200, 200]);
  }, 30_000);
});
