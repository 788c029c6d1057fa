// Sign-in lockout under parallel attempts and from several places (issue 17, defects 1 and 6).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ADMIN, createTestApp, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const from = (address: string) => ({ "X-Forwarded-For": address });

describe("lockout", () => {
  test("29 wrong passwords and the right one sent at once give no session", async () => {
    const attempts = [
      ...Array.from({ length: 29 }, (_, i) => ({ email: ADMIN.email, password: `wrong${i}` })),
      ADMIN,
    ];
    const answers = await Promise.all(
      attempts.map((fields) => t.form("/admin/login", fields, from("198.51.100.7"))),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 303)).toEqual([]);
    expect(answers.every((res) => res.headers.get("set-cookie") === null)).toBe(true);
    // At most five wrong passwords were ever checked.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    const sessions = await t.client.execute("SELECT count(*) AS n FROM admin_sessions");
    expect(Number(sessions.rows[0]?.n)).toBe(0);
  });

  test("the same race on the token endpoint issues no token", async () => {
    const answers = await Promise.all(
      [...Array.from({ length: 29 }, () => ({ ...ADMIN, password: "nope-nope" })), ADMIN].map(
        (body) =>
          t.request("/api/v1/tokens", {
            method: "POST",
            headers: { "Content-Type": "application/json", ...from("198.51.100.8") },
            body: JSON.stringify(body),
          }),
      ),
    );
    expect(answers.map((res) => res.status)).not.toContain(201);
  });

  test("failures from one place do not lock the owner out elsewhere", async () => {
    for (let i = 0; i < 6; i++) {
      await t.form("/admin/login", { email: ADMIN.email, password: "bad" }, from("203.0.113.9"));
    }
    expect((await t.form("/admin/login", ADMIN, from("203.0.113.9"))).status).toBe(429);
    expect((await t.form("/admin/login", ADMIN, from("192.0.2.44"))).status).toBe(303);
  });

  test("the failures of a right password attempt are not counted", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await t.form("/admin/login", ADMIN, from("192.0.2.1"))).status).toBe(303);
    }
    for (let i = 0; i < 4; i++) {
      await t.form("/admin/login", { email: ADMIN.email, password: "bad" }, from("192.0.2.1"));
    }
    expect((await t.form("/admin/login", ADMIN, from("192.0.2.1"))).status).toBe(303);
  });
});
