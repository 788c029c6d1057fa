// The Worker that `wrangler deploy` would upload (src/worker.ts bundled with wrangler.toml), run
// inside workerd with its Queue and crons, on the local Hrana server and the Resend fake: proof
// that Relance runs, and sends, on Cloudflare Workers + Turso + Queues.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_startWorker } from "wrangler";
import { migrations } from "../db/migrations.gen";
import { signToken } from "../src/tokens";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { type HranaServer, startHranaServer } from "./hrana-server";
import { svixSignature, WEBHOOK_SECRET } from "./webhook-helpers";

const ROOT = join(import.meta.dirname, "..");
const ADMIN = { email: "admin@workers.example", password: "correct horse battery" };
const SECRET_KEY = "workers-test-secret-key-of-at-least-32-chars";
const PUBLIC_URL = "https://relance.example.org";
/** The key a rotation moves to (the last tests). */
const NEXT_SECRET_KEY = "workers-test-next-secret-key-of-32-chars-plus";

// workerd and scrypt are slow on a small shared machine: be patient, assert nothing
// about time.
const START_TIMEOUT = 180_000;
const REQUEST_TIMEOUT = 120_000;
/** How long a send through the Queue may take to finish before the test gives up. */
const SEND_TIMEOUT = 240_000;
/** The every-minute Cron Trigger of wrangler.toml. */
const SAFETY_NET_CRON = "* * * * *";

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

/** `wrangler deploy --dry-run`: bundles as for a deploy, offline, without logging in. */
function buildForDeploy(outdir: string) {
  return promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: {
      ...process.env,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      WRANGLER_HIDE_BANNER: "true", // the banner asks npm for a newer wrangler
    },
    timeout: START_TIMEOUT,
  });
}

/**
 * wrangler.toml without some of its tables (`assets`, `queues.producers`…). Locally, a Worker with
 * assets cannot receive a Cron Trigger (workerd's asset router fails to pass the
 * ScheduledController on: DataCloneError); on Cloudflare, crons do not go through the router. So
 * the cron tests run the config without [assets].
 */
function configWithout(dir: string, tables: string[]) {
  let toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  for (const table of tables) {
    const name = table.replace(/\./g, "\\.");
    const without = toml.replace(
      new RegExp(`^\\[{1,2}${name}\\]{1,2}\\n(?:[^[\\n].*\\n)*`, "gm"),
      "",
    );
    if (without === toml) throw new Error(`wrangler.toml has no [${table}] table to leave out`);
    toml = without;
  }
  const file = join(dir, `wrangler.without-${tables.join("-")}.toml`);
  // Written elsewhere, so paths relative to the project (the assets directory) become absolute.
  writeFileSync(
    file,
    toml.replace(/= "\.\/([^"]*)"/g, (_, path) => `= "${join(ROOT, path)}"`),
  );
  return file;
}

/**
 * Starts the built bundle under workerd with wrangler.toml (assets, flags, vars) and these
 * variables. Running the prebuilt bundle, not src/, also keeps wrangler's watcher from
 * reloading the Worker mid-test when someone edits a source file.
 */
async function startWorker(
  bundle: string,
  vars: Record<string, string>,
  logLevel: "error" | "none" = "error",
  config = join(ROOT, "wrangler.toml"),
) {
  const worker = await unstable_startWorker({
    config,
    entrypoint: bundle,
    build: { bundle: false },
    // A path that does not exist: no developer's .dev.vars or .env leaks into the test.
    envFiles: [join(tmpdir(), "relance-no-such.env")],
    bindings: Object.fromEntries(
      Object.entries(vars).map(([name, value]) => [name, { type: "plain_text", value }]),
    ),
    sendMetrics: false,
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: false,
      persist: false,
      watch: false,
      logLevel,
    },
  });
  try {
    await worker.ready;
    return { worker, origin: (await worker.url).origin };
  } catch (error) {
    await worker.dispose();
    throw error;
  }
}

describe("Relance on Cloudflare Workers (workerd)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "relance-worker-build-"));
  const bundle = join(outdir, "worker.js");
  let build: { stdout: string; stderr: string };
  let db: HranaServer;
  let resend: FakeResend;
  let worker: Worker | undefined;
  let origin: string;
  /** The same bundle, database and settings, started without assets so that crons can run. */
  let cronWorker: Worker | undefined;
  let cronOrigin: string;

  beforeAll(async () => {
    build = await buildForDeploy(outdir);
    db = await startHranaServer();
    resend = await startFakeResend();
    const vars = {
      DATABASE_URL: db.url,
      SECRET_KEY,
      PUBLIC_URL,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEED: "none",
      MAIL_TRANSPORT: "resend",
      MAIL_REPLY_TO: "equipe@netsdor.example",
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      SEND_BATCH_SIZE: "4",
      SEND_RATE_PER_SECOND: "5",
      RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Above every other send of this file: only the approval test's send waits.
      APPROVAL_THRESHOLD: "12",
    };
    ({ worker, origin } = await startWorker(bundle, vars));
    ({ worker: cronWorker, origin: cronOrigin } = await startWorker(
      bundle,
      vars,
      "error",
      configWithout(outdir, ["assets"]),
    ));
  }, START_TIMEOUT * 3);

  afterAll(async () => {
    await worker?.dispose();
    await cronWorker?.dispose();
    await db?.stop();
    await resend?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }, START_TIMEOUT);

  it("bundles with `wrangler deploy --dry-run`, offline and without logging in", () => {
    expect(build.stdout).toContain("--dry-run: exiting now.");
    expect(existsSync(bundle)).toBe(true);
    expect(readFileSync(bundle, "utf8")).toContain("Relance cannot start");
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}${path}`, { headers, redirect: "manual" });

  /** What a start on this database needs besides the key. */
  const baseVars = () => ({
    DATABASE_URL: db.url,
    PUBLIC_URL,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SEED: "none",
  });

  it(
    "serves the public home page as HTML",
    async () => {
      const res = await get("/");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("<html");
    },
    REQUEST_TIMEOUT,
  );

  it(
    "serves the vendored htmx from the assets directory",
    async () => {
      const res = await get("/vendor/htmx.min.js");
      expect(res.status).toBe(200);
      const served = await res.text();
      expect(served).toBe(readFileSync(join(ROOT, "public/vendor/htmx.min.js"), "utf8"));
    },
    REQUEST_TIMEOUT,
  );

  it(
    "signs the first admin in through the login form, and the cookie opens /admin",
    async () => {
      const page = await get("/admin/login");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="password"');

      const signIn = await fetch(`${origin}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams(ADMIN).toString(),
      });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get("location")).toBe("/admin");
      const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
      expect(cookie).toMatch(/=.+/);

      const admin = await get("/admin", { Cookie: cookie as string });
      expect(admin.status).toBe(200);
      expect(admin.headers.get("content-type")).toContain("text/html");

      const anonymous = await get("/admin");
      expect(anonymous.status).not.toBe(200);
    },
    REQUEST_TIMEOUT,
  );

  it(
    "refuses a wrong password on the login form",
    async () => {
      const res = await fetch(`${origin}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams({ ...ADMIN, password: "not the password" }).toString(),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
    },
    REQUEST_TIMEOUT,
  );

  it(
    "issues an API token with POST /api/v1/tokens",
    async () => {
      const res = await fetch(`${origin}/api/v1/tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { token?: unknown; expires_at?: unknown };
      expect(typeof body.token).toBe("string");
      expect((body.token as string).length).toBeGreaterThan(20);
      expect(typeof body.expires_at).toBe("string");
    },
    REQUEST_TIMEOUT,
  );

  it(
    "signs in a second admin invited by the owner (node:crypto scrypt under nodejs_compat)",
    async () => {
      const issued = await fetch(`${origin}/api/v1/tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      const { token } = (await issued.json()) as { token: string };
      const invited = await fetch(`${origin}/api/v1/admins`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ email: "second@workers.example", role: "sender" }),
      });
      expect(invited.status).toBe(201);
      const { invite_url } = (await invited.json()) as { invite_url: string };
      const second = { email: "second@workers.example", password: "second admin password" };
      const accepted = await fetch(`${origin}${new URL(invite_url).pathname}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams({ password: second.password }).toString(),
      });
      expect(accepted.status).toBe(303);
      const signIn = await fetch(`${origin}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
        body: new URLSearchParams(second).toString(),
      });
      expect(signIn.status).toBe(303);
    },
    REQUEST_TIMEOUT,
  );

  it(
    "keeps its data in the Turso database: migrated, with the first admin",
    async () => {
      expect((await get("/")).status).toBe(200); // the Worker has booted
      const turso = createClient({ url: db.url });
      try {
        const tags = await turso.execute("SELECT tag FROM _migrations ORDER BY tag");
        expect(tags.rows.map((r) => r.tag)).toEqual(migrations.map((m) => m.tag).sort());
        const admins = await turso.execute("SELECT email, role FROM admins ORDER BY id");
        expect(admins.rows[0]).toMatchObject({ email: ADMIN.email, role: "owner" });
      } finally {
        turso.close();
      }
    },
    REQUEST_TIMEOUT,
  );

  // --- sending through the Queue, the kill switch, the cron, a vote ------------------------------

  let bearer: string | undefined;
  const api = async (method: string, path: string, body?: unknown, type = "application/json") => {
    bearer ??= await issueToken();
    return fetch(`${origin}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { "Content-Type": type }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  };
  const issueToken = async () => {
    const res = await fetch(`${origin}/api/v1/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  /** A list of `count` imported (legacy) contacts whose addresses start with `prefix`. */
  const listOf = async (slug: string, prefix: string, count: number) => {
    const created = await api("POST", "/api/v1/lists", {
      slug,
      name: `Liste ${slug}`,
      purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
    });
    expect(created.status).toBe(201);
    const listId = ((await created.json()) as { id: number }).id;
    const addresses = Array.from({ length: count }, (_, i) => `${prefix}${i}@example.org`);
    const csv = `email,name\n${addresses.map((a, i) => `${a},Participant ${i}`).join("\n")}\n`;
    const imported = await api(
      "POST",
      `/api/v1/lists/${listId}/imports?source=test`,
      csv,
      "text/csv",
    );
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ imported: count });
    return { listId, addresses };
  };

  type Send = { id: number; status: string; total: number; sent: number; failed: number };
  const reconsent = async (listId: number, recipients: number) => {
    const res = await api("POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: "2099-01-01T00:00:00.000Z",
    });
    expect(res.status).toBe(202);
    const report = (await res.json()) as { send_id: number; recipients: number };
    expect(report.recipients).toBe(recipients);
    return report.send_id;
  };
  const sendOf = async (id: number) =>
    (await (await api("GET", `/api/v1/sends/${id}`)).json()) as Send;

  /** Polls the send until it is done (the test's own timeout bounds the wait). */
  const untilDone = async (id: number) => {
    for (;;) {
      const send = await sendOf(id);
      if (send.status === "done") return send;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** How many emails the fake Resend accepted for each of these addresses. */
  const deliveries = (addresses: string[]) =>
    addresses.map(
      (a) =>
        resend.delivered.filter((e) => e.to === a || (Array.isArray(e.to) && e.to.includes(a)))
          .length,
    );

  const turso = async <T>(run: (client: ReturnType<typeof createClient>) => Promise<T>) => {
    const client = createClient({ url: db.url });
    try {
      return await run(client);
    } finally {
      client.close();
    }
  };

  /** Runs a Cron Trigger as Cloudflare would, through workerd's local trigger endpoint. */
  const cron = async (expression: string) => {
    const res = await fetch(
      `${cronOrigin}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(expression)}`,
    );
    return { status: res.status, outcome: await res.text() };
  };

  /** Long enough for a message on the local Queue to reach the consumer (max_batch_timeout 1 s). */
  const queueSettles = () => new Promise((resolve) => setTimeout(resolve, 3000));

  it(
    "a send at APPROVAL_THRESHOLD waits, calls nobody, and goes once a second admin signed in approves it",
    async () => {
      const { listId, addresses } = await listOf("approval", "a", 12);
      const sendId = await reconsent(listId, 12);
      await queueSettles();
      expect((await sendOf(sendId)).status).toBe("awaiting_approval");
      expect(deliveries(addresses)).toEqual(addresses.map(() => 0));
      // Its starter may not approve it.
      expect((await api("POST", `/api/v1/sends/${sendId}/approve`)).status).toBe(403);

      const approver = { email: "approver@workers.example", password: "approver password long" };
      const invited = await api("POST", "/api/v1/admins", {
        email: approver.email,
        role: "sender",
      });
      const { invite_url } = (await invited.json()) as { invite_url: string };
      const form = (path: string, fields: Record<string, string>, cookie?: string) =>
        fetch(`${origin}${path}`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: origin,
            ...(cookie ? { Cookie: cookie } : {}),
          },
          body: new URLSearchParams(fields).toString(),
        });
      expect(
        (await form(new URL(invite_url).pathname, { password: approver.password })).status,
      ).toBe(303);
      const signIn = await form("/admin/login", approver);
      expect(signIn.status).toBe(303);
      const cookie = signIn.headers.get("set-cookie")?.split(";")[0] as string;
      const page = await get(`/admin/sends/${sendId}`, { Cookie: cookie });
      expect(await page.text()).toContain("Approve and send");
      const approved = await form(`/admin/sends/${sendId}/approve`, {}, cookie);
      expect(approved.status).toBe(303);
      const done = await untilDone(sendId);
      expect(done).toMatchObject({ status: "done", total: 12, sent: 12 });
      expect(deliveries(addresses)).toEqual(addresses.map(() => 1));
    },
    SEND_TIMEOUT,
  );

  it(
    "sends a re-consent invitation through the Queue to completion: one email per contact, within the rate limit kept in Turso",
    async () => {
      const { listId, addresses } = await listOf("queue", "q", 10);
      const callsBefore = resend.calls.length;
      const sendId = await reconsent(listId, 10);
      const done = await untilDone(sendId);
      expect(done).toMatchObject({ status: "done", total: 10, sent: 10, failed: 0 });
      expect(deliveries(addresses)).toEqual(addresses.map(() => 1));
      for (const email of resend.delivered.filter((e) => addresses.includes(String(e.to)))) {
        expect(email.to).toEqual(expect.any(String)); // one recipient, never a list
        expect(email.text).toContain(`${PUBLIC_URL}/c/`);
      }
      // Batches of SEND_BATCH_SIZE (4): three calls, each admitted by the database rate limiter.
      const calls = resend.calls.slice(callsBefore).filter((c) => c.status === 200);
      expect(calls.map((c) => c.count)).toEqual([4, 4, 2]);
      const admitted = await turso((c) => c.execute("SELECT count(*) AS n FROM provider_calls"));
      expect(Number(admitted.rows[0]?.n)).toBeGreaterThanOrEqual(3);
    },
    SEND_TIMEOUT,
  );

  it(
    "stops at the kill switch: paused, the Queue consumer and the cron call nothing; resumed, the send completes once per contact",
    async () => {
      const { listId, addresses } = await listOf("stop", "s", 6);
      const paused = await api("POST", "/api/v1/sending/pause", { reason: "workerd test" });
      try {
        expect(paused.status).toBe(200);
        expect(await paused.json()).toMatchObject({ paused: true });
        const sendId = await reconsent(listId, 6); // enqueues a dispatch message
        await queueSettles();
        expect(await cron(SAFETY_NET_CRON)).toEqual({ status: 200, outcome: "ok" });
        await queueSettles();
        expect(deliveries(addresses)).toEqual(addresses.map(() => 0));
        expect(await sendOf(sendId)).toMatchObject({ sent: 0, total: 6 });

        const resumed = await api("POST", "/api/v1/sending/resume"); // enqueues again
        expect(await resumed.json()).toMatchObject({ paused: false });
        expect(await untilDone(sendId)).toMatchObject({ status: "done", sent: 6 });
        expect(deliveries(addresses)).toEqual(addresses.map(() => 1));
      } finally {
        await api("POST", "/api/v1/sending/resume");
      }
    },
    SEND_TIMEOUT,
  );

  it(
    "the cron's safety net enqueues work the Queue was never told about",
    async () => {
      const { listId, addresses } = await listOf("cron", "c", 5);
      expect((await api("POST", "/api/v1/sending/pause", { reason: "cron test" })).status).toBe(
        200,
      );
      try {
        const sendId = await reconsent(listId, 5);
        // The send's own message meets the pause; then sending resumes behind the app's back,
        // so no message is on its way: only the cron can get the send going.
        await queueSettles();
        await turso((c) => c.execute("UPDATE sending_state SET paused = 0, reason = NULL"));
        expect(deliveries(addresses)).toEqual(addresses.map(() => 0));

        expect(await cron(SAFETY_NET_CRON)).toEqual({ status: 200, outcome: "ok" });
        expect(await untilDone(sendId)).toMatchObject({ status: "done", sent: 5 });
        expect(deliveries(addresses)).toEqual(addresses.map(() => 1));
      } finally {
        await api("POST", "/api/v1/sending/resume");
      }
    },
    SEND_TIMEOUT,
  );

  it(
    "runs the periodic jobs from the hourly cron: unanswered invitations past their deadline expire",
    async () => {
      const { listId } = await listOf("expiry", "e", 3);
      const sendId = await reconsent(listId, 3);
      await untilDone(sendId);
      const statuses = () =>
        turso(async (c) =>
          (
            await c.execute({
              sql: "SELECT status, count(*) AS n FROM list_members WHERE list_id = ? GROUP BY 1",
              args: [listId],
            })
          ).rows.map((r) => [r.status, Number(r.n)]),
        );
      expect(await statuses()).toEqual([["invited", 3]]);
      await turso((c) =>
        c.execute({
          sql: "UPDATE sends SET deadline = '2000-01-01T00:00:00.000Z' WHERE id = ?",
          args: [sendId],
        }),
      );
      expect(await cron("0 * * * *")).toEqual({ status: 200, outcome: "ok" });
      expect(await statuses()).toEqual([["expired", 3]]);
    },
    SEND_TIMEOUT,
  );

  it(
    "records a vote on a poll, once per voter, and counts it in the results",
    async () => {
      const created = await api("POST", "/api/v1/polls", {
        slug: "sort-admin",
        question: "Que faire de notre administrateur de liste ?",
        options: ["Le gracier", "Le pendre"],
      });
      expect(created.status).toBe(201);
      const page = await get("/polls/sort-admin");
      expect(page.status).toBe(200);
      const cookie = page.headers.get("set-cookie")?.split(";")[0] as string;
      const options = [...(await page.text()).matchAll(/name="option" value="(\d+)"/g)].map(
        (m) => m[1] as string,
      );
      expect(options).toHaveLength(2);
      const html = await (await get("/polls/sort-admin", { Cookie: cookie })).text();
      const started = /name="form_started" value="([^"]+)"/.exec(html)?.[1] as string;
      // The form refuses answers sent faster than a person reads (polls/bot-check.ts).
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const vote = () =>
        fetch(`${origin}/polls/sort-admin/vote`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: origin,
            Cookie: cookie,
          },
          body: new URLSearchParams({
            option: options[0] as string,
            form_started: started,
          }).toString(),
        });
      const first = await vote();
      expect(first.status).toBe(303);
      expect(first.headers.get("location")).toBe("/polls/sort-admin");
      expect((await vote()).status).toBe(303); // a double click counts once
      // Results are shown after voting (the default): read them as the voter.
      const results = await get("/polls/sort-admin/results", {
        Accept: "application/json",
        Cookie: cookie,
      });
      // No live stream on Workers (an isolate cannot hold it for others' votes): pages poll.
      expect((await get("/polls/sort-admin/events")).status).toBe(404);
      expect(await results.json()).toMatchObject({
        total: 1,
        options: [
          { label: "Le gracier", votes: 1, percent: 100 },
          { label: "Le pendre", votes: 0, percent: 0 },
        ],
      });
    },
    REQUEST_TIMEOUT,
  );

  it(
    "verifies Svix-signed webhooks: a signed event is stored, a forged one refused",
    async () => {
      const body = JSON.stringify({
        type: "email.received",
        created_at: "2026-01-15T08:10:00.000Z",
        data: { email_id: "in_workers", from: "p1@example.org", to: [], subject: "RE" },
      });
      const post = (signature: string) =>
        fetch(`${origin}/webhooks/resend`, {
          method: "POST",
          headers: {
            "svix-id": "msg_workers",
            "svix-timestamp": String(ts),
            "svix-signature": signature,
          },
          body,
        });
      const ts = Math.floor(Date.now() / 1000);
      const forged = await post(
        svixSignature(`whsec_${btoa("not the secret")}`, "msg_workers", ts, body),
      );
      expect(forged.status).toBe(401);
      const signed = await post(svixSignature(WEBHOOK_SECRET, "msg_workers", ts, body));
      expect(signed.status).toBe(200);
      expect(await signed.json()).toMatchObject({ kind: "received" });
    },
    REQUEST_TIMEOUT,
  );

  it(
    "refuses to start without SECRET_KEY: 503 naming the variable",
    async () => {
      // Quiet: the Worker logs the refusal, which is the expected outcome here.
      const { worker: keyless, origin: keylessOrigin } = await startWorker(
        bundle,
        {
          DATABASE_URL: db.url,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          SEED: "none",
        },
        "none",
      );
      try {
        const res = await fetch(`${keylessOrigin}/`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("SECRET_KEY");
      } finally {
        await keyless.dispose();
      }
    },
    START_TIMEOUT,
  );

  it(
    "refuses to start without the Queue producer binding: 503 naming SEND_QUEUE",
    async () => {
      const { worker: queueless, origin: queuelessOrigin } = await startWorker(
        bundle,
        {
          DATABASE_URL: db.url,
          SECRET_KEY,
          PUBLIC_URL,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          SEED: "none",
        },
        "none",
        configWithout(outdir, ["queues.producers", "queues.consumers"]),
      );
      try {
        const res = await fetch(`${queuelessOrigin}/`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("Missing SEND_QUEUE");
      } finally {
        await queueless.dispose();
      }
    },
    START_TIMEOUT,
  );

  it(
    "refuses the published demo admin credentials: 503 naming ADMIN_EMAIL and ADMIN_PASSWORD",
    async () => {
      const { worker: demo, origin: demoOrigin } = await startWorker(
        bundle,
        { DATABASE_URL: db.url, SECRET_KEY, PUBLIC_URL, SEED: "none" },
        "none",
      );
      try {
        const res = await fetch(`${demoOrigin}/admin/login`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("Missing ADMIN_EMAIL and ADMIN_PASSWORD");
      } finally {
        await demo.dispose();
      }
    },
    START_TIMEOUT,
  );

  it(
    "refuses to start without a Turso DATABASE_URL: 503 naming the variable",
    async () => {
      const { worker: diskless, origin: disklessOrigin } = await startWorker(
        bundle,
        {
          SECRET_KEY,
          PUBLIC_URL,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          SEED: "none",
        },
        "none",
      );
      try {
        const res = await fetch(`${disklessOrigin}/`);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain("Missing DATABASE_URL");
      } finally {
        await diskless.dispose();
      }
    },
    START_TIMEOUT,
  );

  it(
    "refuses another SECRET_KEY on this database: 503 naming SECRET_KEY and SECRET_KEY_PREVIOUS",
    async () => {
      const { worker: other, origin: otherOrigin } = await startWorker(
        bundle,
        { ...baseVars(), SECRET_KEY: NEXT_SECRET_KEY },
        "none",
      );
      try {
        const res = await fetch(`${otherOrigin}/`);
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(text).toContain("SECRET_KEY is not the key this database was used with");
        expect(text).toContain("SECRET_KEY_PREVIOUS");
      } finally {
        await other.dispose();
      }
    },
    START_TIMEOUT,
  );

  // Last: it rotates the shared database to the next key.
  it(
    "rotates with SECRET_KEY_PREVIOUS: a link signed with the old key still opens",
    async () => {
      const contact = await turso(
        async (client) =>
          (await client.execute("SELECT id FROM contacts WHERE email_key IS NOT NULL LIMIT 1"))
            .rows[0]?.id,
      );
      const link = `/p/${await signToken(SECRET_KEY, { p: "preferences", c: Number(contact) })}`;
      const { worker: rotated, origin: rotatedOrigin } = await startWorker(
        bundle,
        { ...baseVars(), SECRET_KEY: NEXT_SECRET_KEY, SECRET_KEY_PREVIOUS: SECRET_KEY },
        "none",
      );
      try {
        expect((await fetch(`${rotatedOrigin}${link}`)).status).toBe(200);
        expect((await fetch(`${rotatedOrigin}/p/${link.slice(3, -2)}xx`)).status).toBe(400);
      } finally {
        await rotated.dispose();
      }
    },
    START_TIMEOUT,
  );
});
