// Invariant 4, exactly once: a real dispatcher process (test/fixtures/dispatch-child.ts) is killed
// with SIGKILL at random instants, over and over, while it sends a re-consent invitation through
// the real Resend SDK to the local fake; then a last process finishes the send. Every recipient
// must end with exactly one delivered message (same-key retries allowed), every outbox row sent.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { ADMIN, createTestApp, ORIGIN } from "./helpers";
import { listWithContacts } from "./sending-helpers";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/dispatch-child.ts", import.meta.url));
const RECIPIENTS = 400;
const BATCH_SIZE = 7;
/** Kill runs: at least MIN_RUNS, then more while the time budget lasts, at most MAX_RUNS. */
const MIN_RUNS = 20;
const MAX_RUNS = 40;
const BUDGET_MS = 75_000;

let fake: FakeResend;
/** Called synchronously each time the fake records a provider call, before it answers. */
let onProviderCall: (() => void) | undefined;

beforeAll(async () => {
  fake = await startFakeResend();
  const push = fake.calls.push;
  fake.calls.push = function (...items) {
    const length = push.apply(this, items);
    onProviderCall?.();
    return length;
  };
});
afterAll(() => fake.stop());

/** How one run's process dies. */
type KillPlan =
  /** At a random instant after spawning, often before the dispatcher has started. */
  | { kind: "early"; ms: number }
  /** At a random, mostly very short, delay after the dispatcher has started. */
  | { kind: "running"; ms: number }
  /** When the fake receives the run's n-th provider call, at once or a few ms later. */
  | { kind: "call"; n: number; ms: number | null };

/**
 * The kill plans come from a seeded generator (mulberry32): the test prints its seed, and
 * DISPATCH_CRASH_SEED=<seed> replays the same plans (the instants still depend on the machine).
 */
const SEED = Number(process.env.DISPATCH_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);

function randomPlan(): KillPlan {
  const r = random();
  if (r < 0.2) return { kind: "early", ms: Math.floor(random() * 1500) };
  if (r < 0.45) return { kind: "running", ms: Math.floor(120 * random() ** 2) };
  const n = 1 + Math.floor(random() * 3);
  return { kind: "call", n, ms: random() < 0.5 ? null : Math.floor(random() * 8) };
}

/** Spawns the dispatcher process on the prepared database. */
function spawnChild(env: Record<string, string>, output: { stderr: string }) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString("utf8");
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("ready")) resolve();
    });
  });
  return { child, ready };
}

/** Runs one process and kills it according to `plan`; resolves once it is dead. */
async function killedRun(env: Record<string, string>, plan: KillPlan, output: { stderr: string }) {
  const { child, ready } = spawnChild(env, output);
  const exited = once(child, "exit");
  const kill = (p: ChildProcess) => {
    if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  };
  // Whatever the plan, a process that has nothing left to do is killed after a while.
  const fallback = setTimeout(() => kill(child), 20_000);
  if (plan.kind === "early") {
    setTimeout(() => kill(child), plan.ms);
  } else if (plan.kind === "running") {
    void ready.then(() => setTimeout(() => kill(child), plan.ms));
    void ready.then(() => setTimeout(() => kill(child), 3_000));
  } else {
    let calls = 0;
    onProviderCall = () => {
      if (++calls !== plan.n) return;
      if (plan.ms === null) kill(child);
      else setTimeout(() => kill(child), plan.ms);
    };
    void ready.then(() => setTimeout(() => kill(child), 3_000));
  }
  await exited;
  clearTimeout(fallback);
  onProviderCall = undefined;
  return child.exitCode === null ? "killed" : `exited with ${child.exitCode}`;
}

test("killing the dispatcher at random instants neither loses nor duplicates a message", {
  timeout: 300_000,
}, async () => {
  console.log(`dispatch crash test: seed ${SEED} (replay with DISPATCH_CRASH_SEED=${SEED})`);
  // Prepared once, through the API: a list of legacy contacts and one re-consent send.
  const t = await createTestApp({
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: String(BATCH_SIZE),
  });
  const dir = dirname(t.url.slice("file:".length));
  try {
    const bearer = await t.token();
    const { listId, contacts } = await listWithContacts(t, bearer, RECIPIENTS);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: "2030-01-01T00:00:00Z",
    });
    expect(res.status).toBe(202);
    const { send_id: sendId, recipients } = (await res.json()) as {
      send_id: number;
      recipients: number;
    };
    expect(recipients).toBe(RECIPIENTS);
    t.client.close();

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TMPDIR: process.env.TMPDIR ?? "/tmp",
      DATABASE_URL: t.url,
      SEED: "none",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SECRET_KEY: t.deps.config.secretKey,
      PUBLIC_URL: ORIGIN,
      MAIL_TRANSPORT: "resend",
      MAIL_REPLY_TO: "equipe@netsdor.example",
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      SEND_BATCH_SIZE: String(BATCH_SIZE),
      SEND_RATE_PER_SECOND: "1000",
    };
    const output = { stderr: "" };
    const started = Date.now();
    const kills: Record<KillPlan["kind"], number> = { early: 0, running: 0, call: 0 };
    const endings: string[] = [];
    let runs = 0;
    // Once everything is delivered, further kills could only interrupt bookkeeping: stop there.
    while (
      runs < MAX_RUNS &&
      (runs < MIN_RUNS || Date.now() - started < BUDGET_MS) &&
      fake.delivered.length < RECIPIENTS
    ) {
      const plan = randomPlan();
      kills[plan.kind]++;
      endings.push(await killedRun(env, plan, output));
      runs++;
    }
    const deliveredBeforeFinish = fake.delivered.length;

    // The last process runs until nothing is left to send, then exits on its own.
    const last = spawnChild({ ...env, EXIT_WHEN_DONE: "1" }, output);
    const [code] = await once(last.child, "exit");
    expect(code, `seed ${SEED}: ${output.stderr}`).toBe(0);

    const seen = new Set<string>();
    let retried = 0;
    for (const call of fake.calls) {
      if (!call.idempotencyKey) continue;
      if (seen.has(call.idempotencyKey)) retried++;
      seen.add(call.idempotencyKey);
    }
    console.log(
      `dispatch crash test (seed ${SEED}): ${runs} killed runs (${kills.early} early, ${kills.running} while running, ` +
        `${kills.call} on a provider call) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `${fake.calls.length} provider calls, ${retried} of them retries of a key seen before; ` +
        `${deliveredBeforeFinish} of ${RECIPIENTS} delivered before the last run`,
    );

    // The fake never saw one key with two payloads (409), nor anything but success.
    expect(fake.calls.filter((c) => c.status === 409)).toEqual([]);
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
    expect(
      endings.filter((e) => e !== "killed"),
      output.stderr,
    ).toEqual([]);
    expect(output.stderr, `seed ${SEED}`).toBe("");
    // The kills landed between provider calls and the database updates that record them.
    expect(retried).toBeGreaterThan(0);

    // Exactly one delivered message per recipient.
    const perAddress = new Map<string, string[]>();
    for (const email of fake.delivered) {
      const to = String(email.to);
      perAddress.set(to, [...(perAddress.get(to) ?? []), email.id]);
    }
    expect(fake.delivered).toHaveLength(RECIPIENTS);
    expect([...perAddress.keys()].sort()).toEqual([...contacts.keys()].sort());
    expect([...perAddress.values()].every((ids) => ids.length === 1)).toBe(true);

    // Every outbox row is sent, with the id the provider gave its one delivery; the send is done.
    const client = createClient({ url: t.url });
    try {
      const rows = (
        await client.execute({
          sql: `SELECT c.email, o.status, o.provider_id FROM outbox_messages o
                  JOIN contacts c ON c.id = o.contact_id WHERE o.send_id = ? ORDER BY o.id`,
          args: [sendId],
        })
      ).rows;
      expect(rows).toHaveLength(RECIPIENTS);
      for (const row of rows) {
        expect(row.status).toBe("sent");
        expect(row.provider_id).toBe(perAddress.get(String(row.email))?.[0]);
      }
      const send = await client.execute({
        sql: "SELECT status, total FROM sends WHERE id = ?",
        args: [sendId],
      });
      expect(send.rows[0]).toMatchObject({ status: "done", total: RECIPIENTS });
      const batches = await client.execute(
        "SELECT status, count(*) AS n FROM send_batches GROUP BY status",
      );
      expect(batches.rows.map((r) => [r.status, Number(r.n)])).toEqual([
        ["sent", Math.ceil(RECIPIENTS / BATCH_SIZE)],
      ]);
    } finally {
      client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
