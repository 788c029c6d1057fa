// Two-step sign-in per admin (issue 17, Deliver 1, optional): TOTP (RFC 6238) with recovery
// codes; the secret sealed under SECRET_KEY, the recovery codes hashed; codes are counted by the
// lockout like passwords; and a key rotation keeps it working.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Secret, TOTP } from "otpauth";
import { afterEach, describe, expect, test } from "vitest";
import { unseal } from "../src/keys/sealed";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";

const OLD_KEY = "the-old-secret-key-used-for-two-years-0001";
const NEW_KEY = "the-new-secret-key-given-after-a-leak-00002";
const PAGE = "/admin/account/two-step";

let dir: string | undefined;
const apps: TestApp[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(env: Record<string, string> = {}) {
  const app = await createTestApp(env);
  apps.push(app);
  return app;
}

const codeAt = (secret: string, t: TestApp, offsetMs = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: t.clock.now().getTime() + offsetMs,
  });

let clients = 0;
/** Signs in from a fresh client address unless one is given (failures are counted per client). */
const login = (
  t: TestApp,
  code?: string,
  password = ADMIN.password,
  from = `198.51.100.${++clients}`,
) =>
  t.form(
    "/admin/login",
    { email: ADMIN.email, password, ...(code === undefined ? {} : { code }) },
    { "X-Forwarded-For": from },
  );

/** Turns two-step sign-in on through the pages; returns the secret and the recovery codes. */
async function enable(t: TestApp) {
  const cookie = await t.signIn();
  const started = await t.form(`${PAGE}/start`, {}, { Cookie: cookie });
  expect(started.status).toBe(200);
  const html = await started.text();
  expect(html).toContain('src="data:image/svg+xml;base64,');
  const secret = /by hand: <code>([A-Z2-7]+)<\/code>/.exec(html)?.[1] ?? "";
  expect(html).toContain(`otpauth://totp/Relance:${encodeURIComponent(ADMIN.email)}?`);
  const wrong = await t.form(`${PAGE}/enable`, { code: "000000" }, { Cookie: cookie });
  expect(wrong.status).toBe(422);
  expect(await wrong.text()).toContain("not the one your app shows now");
  const enabled = await t.form(`${PAGE}/enable`, { code: codeAt(secret, t) }, { Cookie: cookie });
  expect(enabled.status).toBe(200);
  const codes = [
    ...(await enabled.text()).matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g),
  ].map((m) => m[1] ?? "");
  expect(codes).toHaveLength(10);
  t.clock.advance(30_000); // the code used to confirm is spent; the next sign-in needs the next one
  return { secret, codes, cookie };
}

describe("two-step sign-in", () => {
  test("set up by scanning a QR code; the secret is sealed and the recovery codes hashed", async () => {
    const t = await start();
    const { secret, codes } = await enable(t);
    const row = (await t.client.execute("SELECT totp_secret FROM admins")).rows[0];
    expect(String(row?.totp_secret)).not.toContain(secret);
    expect(unseal([t.deps.config.secretKey], String(row?.totp_secret))?.plaintext).toBe(secret);
    const stored = JSON.stringify(
      (await t.client.execute("SELECT * FROM admin_recovery_codes")).rows,
    );
    for (const code of codes) expect(stored).not.toContain(code);
  });

  test("sign-in then asks the code: none or a wrong one fails, a code works once, a recovery code once", async () => {
    const t = await start();
    const { secret, codes } = await enable(t);
    expect((await login(t)).status).toBe(401);
    expect((await login(t, "123456")).status).toBe(401);
    const code = codeAt(secret, t);
    expect((await login(t, code)).status).toBe(303);
    expect((await login(t, code)).status).toBe(401); // replayed
    expect((await login(t, codeAt(secret, t), "wrong password")).status).toBe(401);
    t.clock.advance(30_000);
    expect((await login(t, codeAt(secret, t))).status).toBe(303);
    expect((await login(t, codes[0]?.toUpperCase())).status).toBe(303);
    expect((await login(t, codes[0])).status).toBe(401); // spent
    // The API's token endpoint asks it too.
    const token = (code?: string) =>
      t.request("/api/v1/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...ADMIN, ...(code ? { code } : {}) }),
      });
    expect((await token()).status).toBe(401);
    t.clock.advance(30_000);
    expect((await token(codeAt(secret, t))).status).toBe(201);
  });

  test("wrong codes count towards the lockout like wrong passwords", async () => {
    const t = await start();
    const { secret } = await enable(t);
    const from = "203.0.113.50";
    for (let i = 0; i < 5; i++) {
      expect((await login(t, `00000${i}`, ADMIN.password, from)).status).toBe(401);
    }
    expect((await login(t, codeAt(secret, t), ADMIN.password, from)).status).toBe(429);
  });

  test("turned off with a code; then the password alone signs in", async () => {
    const t = await start();
    const { secret, cookie } = await enable(t);
    const refused = await t.form(`${PAGE}/disable`, { code: "111111" }, { Cookie: cookie });
    expect(refused.status).toBe(422);
    const off = await t.form(`${PAGE}/disable`, { code: codeAt(secret, t) }, { Cookie: cookie });
    expect(off.status).toBe(200);
    expect(await off.text()).toContain("Two-step sign-in is off.");
    expect((await login(t)).status).toBe(303);
    const audit = await t.client.execute(
      "SELECT action FROM audit_log WHERE action LIKE 'admin.totp%'",
    );
    expect(audit.rows.map((r) => r.action)).toEqual(["admin.totp_enabled", "admin.totp_disabled"]);
  });

  test("across a rotation of SECRET_KEY, the same app keeps signing in, and the secret is sealed anew", async () => {
    dir = mkdtempSync(join(tmpdir(), "relance-totp-"));
    const url = `file:${join(dir, "totp.db")}`;
    const first = await start({ DATABASE_URL: url, SECRET_KEY: OLD_KEY });
    const { secret } = await enable(first);
    apps.splice(apps.indexOf(first), 1);
    first.close();
    const second = await start({
      DATABASE_URL: url,
      SECRET_KEY: NEW_KEY,
      SECRET_KEY_PREVIOUS: OLD_KEY,
    });
    second.clock.advance(60_000);
    expect((await login(second, codeAt(secret, second))).status).toBe(303);
    const row = (await second.client.execute("SELECT totp_secret FROM admins")).rows[0];
    expect(unseal([NEW_KEY], String(row?.totp_secret))?.plaintext).toBe(secret);
  });

  test("the server command turns it off for an admin who lost phone and recovery codes", async () => {
    const t = await start();
    await enable(t);
    const env = {
      ...process.env,
      DATABASE_URL: t.url,
      SECRET_KEY: t.deps.config.secretKey,
      PUBLIC_URL: ORIGIN,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    const run = (...args: string[]) =>
      promisify(execFile)("npm", ["run", "--silent", "admin", "--", ...args], {
        cwd: join(import.meta.dirname, ".."),
        env,
        timeout: 60_000,
      });
    const { stdout } = await run("reset-two-step", ADMIN.email.toUpperCase());
    expect(stdout).toContain("is off");
    expect((await login(t)).status).toBe(303);
    const again = await run("reset-two-step", ADMIN.email).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr.trim()).toBe(
      `relance admin: ${ADMIN.email} is not an admin with two-step sign-in on.`,
    );
  }, 90_000);
});
