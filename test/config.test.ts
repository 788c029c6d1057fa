import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { ConfigError, parseConfig } from "../src/config";

/** Real deployments must name their first admin (the demo credentials are refused there). */
const REAL_ADMIN = { ADMIN_EMAIL: "owner@example.org", ADMIN_PASSWORD: "a real long password" };

const configError = (env: Record<string, string>, runtime: "node" | "workers" = "node") => {
  try {
    parseConfig(env, runtime);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("parseConfig", () => {
  test("defaults on Node match the brief", () => {
    const config = parseConfig({}, "node");
    expect(config.port).toBe(8787);
    expect(config.host).toBe("127.0.0.1");
    expect(config.databaseUrl).toBe("file:db/relance.db");
    expect(config.publicUrl).toBe("http://127.0.0.1:8787");
    expect(config.mail.transport).toBe("outbox");
    expect(config.sending).toEqual({ ratePerSecond: 2, batchSize: 100 });
    expect(config.seed).toBe("demo");
    expect(config.breaker).toEqual({ bounceRate: 0.05, complaintRate: 0.003 });
    expect(config.voteLimitPerIpPerMinute).toBe(120);
    expect(config.eventRetentionDays).toBe(90);
    expect(config.reconsentMinDays).toBe(7);
    expect(config.secretKey).toBeUndefined();
    expect(config.admin.isDemo).toBe(true);
  });

  test("values are parsed into their types and trailing slashes dropped", () => {
    const config = parseConfig(
      {
        PORT: "9000",
        SEND_BATCH_SIZE: "50",
        PUBLIC_URL: "https://relance.example.org/",
        SEED: "none",
        ...REAL_ADMIN,
      },
      "node",
    );
    expect(config.port).toBe(9000);
    expect(config.sending.batchSize).toBe(50);
    expect(config.publicUrl).toBe("https://relance.example.org");
    expect(config.seed).toBe("none");
  });

  test("RECONSENT_MIN_DAYS=0 allows any future deadline", () => {
    expect(parseConfig({ RECONSENT_MIN_DAYS: "0" }, "node").reconsentMinDays).toBe(0);
    expect(parseConfig({ RECONSENT_MIN_DAYS: "14" }, "node").reconsentMinDays).toBe(14);
  });

  test("an empty variable means unset", () => {
    expect(parseConfig({ PORT: "" }, "node").port).toBe(8787);
  });

  test.each([
    [{ PORT: "abc" }, /^Invalid PORT \(got "abc"\): expected a port number/],
    [{ PORT: "70000" }, /^Invalid PORT/],
    [{ DATABASE_URL: "ftp://x" }, /^Invalid DATABASE_URL \(got "ftp:\/\/x"\): expected a file:/],
    [{ SEND_BATCH_SIZE: "500" }, /^Invalid SEND_BATCH_SIZE \(got "500"\): expected .*1 to 100/],
    [
      { PUBLIC_URL: "not a url" },
      /^Invalid PUBLIC_URL \(got "not a url"\): expected an absolute http/,
    ],
    [{ MAIL_TRANSPORT: "smtp" }, /^Invalid MAIL_TRANSPORT/],
    [
      { MAIL_TRANSPORT: "resend" },
      /^Invalid RESEND_API_KEY: expected required when MAIL_TRANSPORT=resend/,
    ],
    [{ BREAKER_BOUNCE_RATE: "2" }, /^Invalid BREAKER_BOUNCE_RATE/],
    [
      { EVENT_RETENTION_DAYS: "7" },
      /^Invalid EVENT_RETENTION_DAYS \(got "7"\): expected at least 30 days/,
    ],
    [
      { RECONSENT_MIN_DAYS: "-1" },
      /^Invalid RECONSENT_MIN_DAYS \(got "-1"\): expected a whole number of days, 0 or more/,
    ],
    [{ RECONSENT_MIN_DAYS: "a week" }, /^Invalid RECONSENT_MIN_DAYS \(got "a week"\)/],
    [{ RECONSENT_MIN_DAYS: "1.5" }, /^Invalid RECONSENT_MIN_DAYS/],
    [{ ADMIN_EMAIL: "boss@example.org" }, /^Invalid ADMIN_PASSWORD/],
    [{ SECRET_KEY: "short" }, /^Invalid SECRET_KEY: expected at least 32/],
  ])("%j is refused with one line naming the variable", (env, message) => {
    const text = configError(env);
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  test("with real mail, the human Reply-To mailbox must be set explicitly", () => {
    const resend = { MAIL_TRANSPORT: "resend", RESEND_API_KEY: "re_x", ...REAL_ADMIN };
    expect(configError(resend)).toMatch(
      /^Missing MAIL_REPLY_TO: required when MAIL_TRANSPORT=resend/,
    );
    expect(parseConfig({ ...resend, MAIL_REPLY_TO: "team@example.org" }, "node").mail.replyTo).toBe(
      "team@example.org",
    );
    expect(configError({ ...resend, MAIL_REPLY_TO: "not an address" })).toMatch(
      /^Invalid MAIL_REPLY_TO/,
    );
  });

  test("a secret is never echoed back in the error", () => {
    expect(configError({ SECRET_KEY: "hunter2" })).not.toContain("hunter2");
  });

  test("Workers refuses to start without SECRET_KEY; Node does not", () => {
    expect(configError({}, "workers")).toMatch(/^Missing SECRET_KEY: required on Workers/);
    expect(() => parseConfig({}, "node")).not.toThrow();
    const workers = {
      SECRET_KEY: "x".repeat(32),
      PUBLIC_URL: "https://relance.example.org",
      ...REAL_ADMIN,
    };
    expect(parseConfig(workers, "workers").seed).toBe("none");
    expect(configError({ SECRET_KEY: "x".repeat(32) }, "workers")).toMatch(/^Missing PUBLIC_URL/);
  });
});

describe("npm start with a bad value", () => {
  test.each([
    ["PORT", "abc"],
    ["DATABASE_URL", "ftp://x"],
    ["SEND_BATCH_SIZE", "500"],
    ["PUBLIC_URL", "not a url"],
  ])("%s=%s stops with one line, a non-zero exit and no stack trace", (name, value) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/server.ts"], {
      env: {
        ...process.env,
        [name]: value,
        DATABASE_URL: name === "DATABASE_URL" ? value : ":memory:",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^relance: Invalid ${name}`));
    expect(run.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });
});
