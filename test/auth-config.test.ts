// The admin the environment names: demo credentials refused where they would be dangerous
// (issue 17, defect 5) and a changed ADMIN_PASSWORD taking effect, said truthfully (defect 4).
import { describe, expect, test } from "vitest";
import { configuredAdminLine } from "../src/auth/configured-admin";
import { ConfigError, parseConfig } from "../src/config";
import { ADMIN, createTestApp } from "./helpers";

const refusal = (env: Record<string, string>, runtime: "node" | "workers" = "node") => {
  try {
    parseConfig(env, runtime);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "started";
};

describe("demo admin credentials", () => {
  const resend = {
    MAIL_TRANSPORT: "resend",
    RESEND_API_KEY: "re_x",
    MAIL_REPLY_TO: "t@example.org",
  };
  const workers = { SECRET_KEY: "x".repeat(32), PUBLIC_URL: "https://relance.example.org" };
  const demoLine = /^Missing ADMIN_EMAIL and ADMIN_PASSWORD: /;

  test("are refused, in one line naming the variables, when mail leaves the machine", () => {
    const message = refusal(resend);
    expect(message).toMatch(demoLine);
    expect(message).toContain("MAIL_TRANSPORT=resend");
    expect(message).not.toContain("\n");
  });

  test("are refused on Workers and with an https PUBLIC_URL", () => {
    expect(refusal(workers, "workers")).toMatch(demoLine);
    expect(refusal({ PUBLIC_URL: "https://relance.example.org" })).toMatch(demoLine);
  });

  test("are refused even when typed in explicitly", () => {
    const demo = parseConfig({}, "node").admin;
    expect(demo.isDemo).toBe(true);
    const typed = { ADMIN_EMAIL: "me@example.org", ADMIN_PASSWORD: demo.password };
    expect(refusal({ ...workers, ...typed }, "workers")).toMatch(
      /^Invalid ADMIN_PASSWORD: the published demo password/,
    );
  });

  test("still serve the local demo, and real credentials start anywhere", () => {
    expect(refusal({})).toBe("started");
    expect(refusal({ PUBLIC_URL: "http://localhost:8787" })).toBe("started");
    const real = { ADMIN_EMAIL: "me@example.org", ADMIN_PASSWORD: "a long real password" };
    expect(refusal({ ...resend, ...real })).toBe("started");
    expect(refusal({ ...workers, ...real }, "workers")).toBe("started");
  });
});

describe("ADMIN_PASSWORD after the first start", () => {
  test("a new ADMIN_PASSWORD replaces the old one, is audited and reported", async () => {
    const first = await createTestApp();
    expect(first.report.admin).toBe("created");
    const again = await createTestApp({ DATABASE_URL: first.url });
    expect(again.report.admin).toBe("unchanged");
    expect(configuredAdminLine(again.deps.config, "unchanged")).toContain(
      "unless changed since in the app",
    );
    again.client.close();
    const changed = await createTestApp({
      DATABASE_URL: first.url,
      ADMIN_PASSWORD: "the new one!",
    });
    try {
      expect(changed.report.admin).toBe("password-updated");
      expect(configuredAdminLine(changed.deps.config, changed.report.admin)).toBe(
        `email ${ADMIN.email}: password replaced by the new ADMIN_PASSWORD at this start; their sessions and tokens were ended`,
      );
      await changed.signIn(ADMIN.email, "the new one!");
      const old = await changed.form("/admin/login", ADMIN);
      expect(old.status).toBe(401);
      const audit = await changed.client.execute("SELECT action, summary FROM audit_log");
      expect(audit.rows.map((r) => r.action)).toContain("admin.password_from_environment");
    } finally {
      changed.client.close();
      first.close();
    }
  });
});

describe("ADMIN_EMAIL naming nobody", () => {
  test("is reported at start, not silently ignored", async () => {
    const first = await createTestApp();
    const other = await createTestApp({ DATABASE_URL: first.url, ADMIN_EMAIL: "new@test.example" });
    try {
      expect(other.report.admin).toBe("not-an-admin");
      expect(configuredAdminLine(other.deps.config, "not-an-admin")).toMatch(
        /^ADMIN_EMAIL new@test\.example is not an admin here/,
      );
      expect(
        (await other.form("/admin/login", { email: "new@test.example", password: ADMIN.password }))
          .status,
      ).toBe(401);
    } finally {
      other.client.close();
      first.close();
    }
  });
});
