// The Worker that `wrangler deploy` would upload (src/worker.ts bundled with wrangler.toml), run
// inside workerd on the local Hrana server: proof that Relance runs on Cloudflare Workers + Turso.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_startWorker } from "wrangler";
import { migrations } from "../db/migrations.gen";
import { type HranaServer, startHranaServer } from "./hrana-server";
import { svixSignature, WEBHOOK_SECRET } from "./webhook-helpers";

const ROOT = join(import.meta.dirname, "..");
const ADMIN = { email: "admin@workers.example", password: "correct horse battery" };
const SECRET_KEY = "workers-test-secret-key-of-at-least-32-chars";
const PUBLIC_URL = "https://relance.example.org";

// workerd and scrypt in pure JS are slow on a small shared machine: be patient, assert nothing
// about time.
const START_TIMEOUT = 180_000;
const REQUEST_TIMEOUT = 120_000;

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
 * Starts the built bundle under workerd with wrangler.toml (assets, flags, vars) and these
 * variables. Running the prebuilt bundle, not src/, also keeps wrangler's watcher from
 * reloading the Worker mid-test when someone edits a source file.
 */
async function startWorker(
  bundle: string,
  vars: Record<string, string>,
  logLevel: "error" | "none" = "error",
) {
  const worker = await unstable_startWorker({
    config: join(ROOT, "wrangler.toml"),
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
  let worker: Worker | undefined;
  let origin: string;

  beforeAll(async () => {
    build = await buildForDeploy(outdir);
    db = await startHranaServer();
    ({ worker, origin } = await startWorker(bundle, {
      DATABASE_URL: db.url,
      SECRET_KEY,
      PUBLIC_URL,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEED: "none",
      RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }));
  }, START_TIMEOUT * 2);

  afterAll(async () => {
    await worker?.dispose();
    await db?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }, START_TIMEOUT);

  it("bundles with `wrangler deploy --dry-run`, offline and without logging in", () => {
    expect(build.stdout).toContain("--dry-run: exiting now.");
    expect(existsSync(bundle)).toBe(true);
    expect(readFileSync(bundle, "utf8")).toContain("Relance cannot start");
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${origin}${path}`, { headers, redirect: "manual" });

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
    "keeps its data in the Turso database: migrated, with the first admin",
    async () => {
      expect((await get("/")).status).toBe(200); // the Worker has booted
      const turso = createClient({ url: db.url });
      try {
        const tags = await turso.execute("SELECT tag FROM _migrations ORDER BY tag");
        expect(tags.rows.map((r) => r.tag)).toEqual(migrations.map((m) => m.tag).sort());
        const admins = await turso.execute("SELECT email FROM admins");
        expect(admins.rows.map((r) => r.email)).toEqual([ADMIN.email]);
      } finally {
        turso.close();
      }
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
});
