// Item 3 of issue 20: human times in the organisation's zone everywhere; ISO only for machines.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, parseConfig } from "../src/config";
import { formatDuration, formatInstant, relativeHint } from "../src/time";
import { createTestApp, type TestApp } from "./helpers";
import { invitedParticipants } from "./participant-helpers";

describe("the formatter", () => {
  const at = "2026-12-04T03:13:52.086Z";
  test("French and English, in Paris time by default", () => {
    expect(formatInstant(at, "fr")).toBe("4 déc. 2026, 04:13");
    expect(formatInstant(at, "en")).toBe("4 Dec 2026, 04:13");
    expect(formatInstant(at, "en", "America/New_York")).toBe("3 Dec 2026, 22:13");
  });

  test("relative hints and durations", () => {
    const now = new Date(at);
    expect(relativeHint(new Date(now.getTime() - 3 * 60_000), now, "en")).toBe("3 min. ago");
    expect(relativeHint(new Date(now.getTime() + 30 * 86_400_000), now, "en")).toBe("in 30 days");
    expect(relativeHint(new Date(now.getTime() - 2 * 3_600_000), now, "fr")).toBe(
      "il y a 2\u00a0h",
    );
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(200)).toBe("3 min 20 s");
    expect(formatDuration(3_900)).toBe("1 h 05 min");
  });

  test("ORG_TIMEZONE is checked at start", () => {
    expect(parseConfig({ ORG_TIMEZONE: "America/New_York" }, "node").orgTimezone).toBe(
      "America/New_York",
    );
    expect(parseConfig({}, "node").orgTimezone).toBe("Europe/Paris");
    expect(() => parseConfig({ ORG_TIMEZONE: "Mars/Olympus" }, "node")).toThrow(ConfigError);
  });
});

describe("the pages", () => {
  let t: TestApp;
  let cookie: string;
  let sendId: number;
  let listId: number;
  beforeAll(async () => {
    t = await createTestApp();
    const bearer = await t.token();
    cookie = await t.signIn();
    ({ sendId, listId } = await invitedParticipants(t, bearer));
    await t.form("/admin/sending/pause", { reason: "Storm" }, { Cookie: cookie });
  });
  afterAll(() => t.close());

  /** Text shown to people (tags and attributes removed) that looks like a raw ISO instant. */
  const isoInText = (html: string) =>
    html.replace(/<[^>]*>/g, " ").match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[^\s<]*/g) ?? [];

  test("admin pages show 15 Jan 2026, 09:00 (Paris), never the ISO string", async () => {
    const paths = [
      "/admin/audit",
      "/admin/mailbox",
      "/admin/sending",
      `/admin/sends/${sendId}`,
      "/admin/deliverability",
      `/admin/deliverability/sends/${sendId}`,
      `/admin/lists/${listId}`,
      "/admin/admins",
      "/admin/account",
    ];
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      const res = await t.request(path, { headers: { Cookie: cookie } });
      expect(res.status, path).toBe(200);
      const iso = isoInText(await res.text());
      if (iso.length > 0) found[path] = iso;
    }
    expect(found).toEqual({});
    const audit = await (await t.request("/admin/audit", { headers: { Cookie: cookie } })).text();
    expect(audit).toContain("15 Jan 2026, 09:00");
    expect(audit).toContain('datetime="2026-01-15T08:00:00.000Z"');
  });

  test("the status check speaks the visitor's language and zone", async () => {
    const fr = await (await t.request("/status", { headers: { "Accept-Language": "fr" } })).text();
    expect(isoInText(fr)).toEqual([]);
    expect(fr).toContain("15 janv. 2026, 09:00");
  });
});
