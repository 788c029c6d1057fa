// `npm run admin -- reset-password EMAIL`: the way back in for a locked-out admin (issue 17, defect 6).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";

const ROOT = join(import.meta.dirname, "..");

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function adminCommand(t: TestApp, ...args: string[]) {
  const env = {
    ...process.env,
    DATABASE_URL: t.url,
    SECRET_KEY: "test-secret-key-that-is-at-least-32-chars",
    PUBLIC_URL: ORIGIN,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SEED: "none",
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "admin", "--", ...args],
      { cwd: ROOT, env, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run admin -- reset-password", () => {
  test("prints a one-time link that lets a locked-out admin back in, once", async () => {
    const from = { "X-Forwarded-For": "192.0.2.10" };
    for (let i = 0; i < 5; i++) {
      await t.form("/admin/login", { email: ADMIN.email, password: "wrong" }, from);
    }
    const owner = await t.token();
    expect((await t.form("/admin/login", ADMIN, from)).status).toBe(429);

    const run = await adminCommand(t, "reset-password", ADMIN.email.toUpperCase());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("valid 72 hours");
    const url = /http:\/\/\S+\/invite\/\S+/.exec(run.stdout)?.[0];
    expect(url).toBeDefined();
    const path = new URL(url ?? "").pathname;

    const set = await t.form(path, { password: "a brand new password" }, from);
    expect(set.status).toBe(303);
    expect(set.headers.get("set-cookie")).toContain("relance_session=");
    // The old password and the old token are gone; the new password works from that address.
    expect((await t.api(owner, "GET", "/api/v1/sending")).status).toBe(401);
    expect((await t.form("/admin/login", ADMIN, from)).status).toBe(401);
    await t.signIn(ADMIN.email, "a brand new password");
    expect((await t.form(path, { password: "and once more please" })).status).toBe(410);
    const audit = await t.client.execute("SELECT action FROM audit_log ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(["admin.password_reset_link", "admin.password_reset"]),
    );
  }, 90_000);

  test("an unknown address or command is one line on stderr and exit code 1", async () => {
    const unknown = await adminCommand(t, "reset-password", "ghost@test.example");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe("relance admin: ghost@test.example is not an admin here.");
    const wrong = await adminCommand(t, "frobnicate");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Usage: npm run admin -- reset-password EMAIL");
  }, 90_000);
});
