// The sending pipeline at scale: 50,000 re-consent invitations dispatched by the Node dispatcher
// (the dispatcher object's `run`, as `npm start` runs it) through the real Resend SDK to the local fake of the
// Resend API, which allows R calls per second. Measures throughput against the fake's own count,
// the dispatcher's CPU per message, and how long a pause takes to stop the provider calls.
//
// Three processes, so that each CPU figure is one thing's alone: this one sets the data up (CSV
// import, enqueue), watches the send and pauses it; the dispatcher runs in a process of its own
// on the same database file, as the server would, and reports its CPU (database work, rendering,
// HTTP client); the fake runs in a third.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { importCsv } from "../src/contacts/import";
import type { Deps } from "../src/deps";
import { createList } from "../src/lists/service";
import { openNodeClient } from "../src/node";
import { pauseSending, resumeSending } from "../src/sending/kill-switch";
import { inviteLegacyContacts, reconsentInput } from "../src/sending/service";
import { bundleForNode, productionNodeCommand } from "./bundle";

const RECIPIENTS = 50_000;
/** Provider calls per second, both what the fake allows and SEND_RATE_PER_SECOND. */
const RATE = 5;
const BATCH_SIZE = 100;
/** A second, smaller send, paused and resumed at random moments. */
const PAUSE_RECIPIENTS = 3_000;
const PAUSE_TRIALS = 5;

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What the dispatcher's process reports: its CPU, its peak RSS and its garbage collections. */
type DispatcherUsage = NodeJS.CpuUsage & {
  maxRssKb: number;
  gc: { young: number; youngMs: number; full: number; fullMs: number };
};

type FakeStats = {
  /** [arrival ms, status, messages accepted] per call, in order. */
  calls: [number, number, number][];
  delivered: number;
  addresses: number;
};

/** The fake Resend in its own process, driven over IPC. */
export async function startFakeProcess(rate = RATE) {
  const script = `
    import { startFakeResend } from "./test/fake-resend.ts";
    const fake = await startFakeResend({ ratePerSecond: ${rate} });
    process.on("message", async (m) => {
      if (m === "stats") process.send({
        calls: fake.calls.map((c) => [c.at, c.status, c.count]),
        delivered: fake.delivered.length,
        addresses: new Set(fake.delivered.map((e) => String(e.to))).size,
      });
      if (m === "stop") { await fake.stop(); process.exit(0); }
    });
    process.send({ url: fake.url, apiKey: fake.apiKey });`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const [hello] = (await once(child, "message")) as [{ url: string; apiKey: string }];
  return {
    ...hello,
    async stats(): Promise<FakeStats> {
      child.send("stats");
      return ((await once(child, "message")) as [FakeStats])[0];
    },
    async stop() {
      child.send("stop");
      await once(child, "exit");
    },
  };
}

/**
 * The Node dispatcher in a process of its own, on the bench's database, driven over IPC. It runs
 * bundled, under plain `node` with the flags and environment settings of `npm run start:prod`, as
 * in production: under tsx the loader alone held about 50 MB of the process's memory.
 */
export async function startDispatcherProcess(env: Record<string, string>) {
  const entry = await bundleForNode("bench/dispatcher-process.ts", "dispatcher-process");
  const production = productionNodeCommand();
  const child: ChildProcess = spawn(process.execPath, [...production.flags, entry], {
    cwd: ROOT,
    env: { ...process.env, ...production.env, RELANCE_BENCH_ENV: JSON.stringify(env) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await once(child, "message");
  return {
    /** The dispatcher's CPU since it started, in µs, and its process's peak RSS so far, in KB. */
    async cpu(): Promise<DispatcherUsage> {
      child.send("cpu");
      return ((await once(child, "message")) as [DispatcherUsage])[0];
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send("stop");
      await once(child, "exit");
    },
  };
}

/** The settings of a bench's Relance: its database, the fake Resend, its rate, batches of 100. */
export const benchEnv = (
  databaseUrl: string,
  fake: { apiKey: string; url: string },
  rate: number,
): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  SEED: "none",
  SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
  ADMIN_EMAIL: "admin@bench.example",
  ADMIN_PASSWORD: "bench password",
  MAIL_TRANSPORT: "resend",
  MAIL_REPLY_TO: "equipe@netsdor.example",
  RESEND_API_KEY: fake.apiKey,
  RESEND_BASE_URL: fake.url,
  SEND_RATE_PER_SECOND: String(rate),
  SEND_BATCH_SIZE: String(BATCH_SIZE),
  // The bench measures the pipeline's pace: no second admin and no canary hold in the way.
  APPROVAL_THRESHOLD: "off",
  CANARY_PERCENT: "0",
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds a list of `count` legacy contacts through the real CSV importer. */
export async function legacyList(deps: Deps, slug: string, count: number, from: number) {
  const created = await createList(deps, "bench", {
    slug,
    name: `Bench ${slug}`,
    purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
  });
  if (!created.ok) throw new Error(`list ${slug}: ${JSON.stringify(created.errors)}`);
  const rows = Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return `p${n}@example.org,Participant ${n},${n % 2 ? "en" : "fr"}`;
  });
  const csv = `email,name,language\n${rows.join("\n")}\n`;
  const result = await importCsv(
    deps,
    { listId: created.list.id, source: "bench", actor: "bench" },
    new Response(csv).body as ReadableStream<Uint8Array>,
  );
  if (!result.ok || result.report.imported !== count) {
    throw new Error(`import into ${slug} failed: ${JSON.stringify(result).slice(0, 300)}`);
  }
  return created.list;
}

export async function invite(deps: Deps, list: Awaited<ReturnType<typeof legacyList>>) {
  const report = await inviteLegacyContacts(
    deps,
    "bench",
    list,
    reconsentInput.parse({ deadline: "2030-01-01T00:00:00Z" }),
  );
  if (!report.ok || report.sendId === null) throw new Error(`send refused: ${report}`);
  return report;
}

/** Waits for the send to be done, looking at its status only (a cheap query, not a count). */
export async function untilDone(deps: Deps, sendId: number) {
  for (;;) {
    const rows = await deps.client.execute({
      sql: "SELECT status FROM sends WHERE id = ?",
      args: [sendId],
    });
    if (rows.rows[0]?.status === "done") return;
    await sleep(250);
  }
}

async function sentCount(deps: Deps, sendId: number) {
  const rows = await deps.client.execute({
    sql: "SELECT count(*) AS n FROM outbox_messages WHERE send_id = ? AND status = 'sent'",
    args: [sendId],
  });
  return Number(rows.rows[0]?.n);
}

export default async function sendBench() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-send-"));
  const fake = await startFakeProcess();
  let dispatcher: Awaited<ReturnType<typeof startDispatcherProcess>> | undefined;
  try {
    const env = benchEnv(`file:${join(dir, "bench.db")}`, fake, RATE);
    const config = parseConfig(env, "node");
    const client = openNodeClient(config);
    const { deps } = await boot(config, client);

    let t = performance.now();
    const main = await legacyList(deps, "bench", RECIPIENTS, 0);
    const paused = await legacyList(deps, "bench-pause", PAUSE_RECIPIENTS, RECIPIENTS);
    console.log(
      `setup: ${RECIPIENTS + PAUSE_RECIPIENTS} legacy contacts imported through the CSV importer in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    t = performance.now();
    const cpu = process.cpuUsage();
    const report = await invite(deps, main);
    const enqueueCpu = process.cpuUsage(cpu);
    console.log(
      `enqueue: inviteLegacyContacts wrote ${report.recipients} outbox rows in ${((performance.now() - t) / 1000).toFixed(2)} s ` +
        `(CPU ${((enqueueCpu.user + enqueueCpu.system) / 1000).toFixed(0)} ms)`,
    );

    // Throughput and CPU: the dispatcher in its own process, from its start to the send's end.
    const started = Date.now();
    dispatcher = await startDispatcherProcess(env);
    await untilDone(deps, report.sendId as number);
    const dispatchCpu = await dispatcher.cpu();
    const finished = Date.now();
    const stats = await fake.stats();
    const accepted = stats.calls.filter(([, status]) => status === 200);
    const lastCall = accepted.at(-1)?.[0] ?? finished;
    const seconds = (lastCall - started) / 1000;
    const throughput = stats.delivered / seconds;
    const ceiling = RATE * BATCH_SIZE;
    const cpuMs = (dispatchCpu.user + dispatchCpu.system) / 1000;
    const status429 = stats.calls.filter(([, status]) => status === 429).length;
    // The limiter spaces call starts; arrivals at the fake jitter by a few ms either way.
    let tightest = Number.POSITIVE_INFINITY;
    for (let i = RATE; i < stats.calls.length; i++) {
      tightest = Math.min(tightest, (stats.calls[i]?.[0] ?? 0) - (stats.calls[i - RATE]?.[0] ?? 0));
    }
    console.log(
      `throughput: the fake counted ${stats.delivered} messages to ${stats.addresses} addresses in ${accepted.length} calls ` +
        `(${status429} answered 429) over ${seconds.toFixed(1)} s from dispatcher start to the last call: ` +
        `${throughput.toFixed(1)} messages/s = ${((100 * throughput) / ceiling).toFixed(1)}% of R × batch = ${ceiling}/s (target ≥ 90%)`,
    );
    console.log(
      `rate: shortest time between a call's arrival at the fake and the ${RATE}th next one: ${tightest} ms`,
    );
    console.log(
      `cpu: the dispatcher's process ${cpuMs.toFixed(0)} ms (user ${(dispatchCpu.user / 1000).toFixed(0)}, system ${(dispatchCpu.system / 1000).toFixed(0)}) ` +
        `for ${stats.delivered} messages = ${(cpuMs / stats.delivered).toFixed(3)} ms per message (target ≤ 0.2 ms); ` +
        `send done ${((finished - lastCall) / 1000).toFixed(1)} s after the last call`,
    );
    const { gc } = dispatchCpu;
    console.log(
      `memory: the dispatcher's process peaked at ${(dispatchCpu.maxRssKb / 1024).toFixed(1)} MB RSS during the ${stats.delivered}-message send (target ≤ 120 MB); ` +
        `garbage collection ${gc.young} young (${gc.youngMs.toFixed(0)} ms), ${gc.full} full (${gc.fullMs.toFixed(0)} ms)`,
    );

    // Pause latency: pause at random moments of a second send; count the calls that arrive after.
    const second = await invite(deps, paused);
    const trials: { calls: number; messages: number; latencyMs: number }[] = [];
    const before = (await fake.stats()).calls.length;
    for (let i = 0; i < PAUSE_TRIALS; i++) {
      await sleep(300 + Math.random() * 1200);
      const requested = Date.now();
      await pauseSending(deps, "bench", "bench");
      await sleep(1_500); // far longer than a call to the local fake takes to arrive
      const after = (await fake.stats()).calls.filter(([at]) => at >= requested);
      trials.push({
        calls: after.length,
        messages: after.reduce((n, [, , count]) => n + count, 0),
        latencyMs: after.length ? (after.at(-1)?.[0] ?? requested) - requested : 0,
      });
      await resumeSending(deps, "bench");
    }
    const sent = await sentCount(deps, second.sendId as number);
    await dispatcher.stop();
    const pauseCalls = (await fake.stats()).calls.length - before;
    console.log(
      `pause: ${PAUSE_TRIALS} pauses at random moments of a ${PAUSE_RECIPIENTS}-recipient send (${sent} sent, ${pauseCalls} calls meanwhile); ` +
        `provider calls arriving after the pause request: ${trials.map((x) => x.calls).join(", ")} ` +
        `(messages ${trials.map((x) => x.messages).join(", ")}; max ${Math.max(...trials.map((x) => x.messages))}, one batch = ${BATCH_SIZE}); ` +
        `pause request to last call: max ${Math.max(...trials.map((x) => x.latencyMs))} ms`,
    );
    client.close();
  } finally {
    await dispatcher?.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
