// The 90-day strip's days are the organisation's calendar days (ORG_TIMEZONE), not UTC's.
import { afterEach, beforeEach, expect, test } from "vitest";
import { components } from "../db/schema";
import { historyDays } from "../src/status/history";
import { componentHistories } from "../src/status/summary";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterEach(() => t.close());

test("an incident at 23:30 UTC counts on the next day in Paris (winter, UTC+1)", async () => {
  expect(t.deps.config.orgTimezone).toBe("Europe/Paris");
  const made = await t.api(bearer, "POST", "/api/v1/components", { slug: "api", name: "API" });
  expect(made.status).toBe(201);
  t.clock.set("2026-01-20T23:30:00.000Z"); // 00:30 on 21 January in Paris
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "late",
    title: "Tard",
    status: "investigating",
    impact: "major",
    body: "Panne.",
    notify: false,
    components: [{ slug: "api", status: "major_outage" }],
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  t.clock.set("2026-01-20T23:50:00.000Z");
  const resolved = await t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, {
    status: "resolved",
    body: "Fini.",
    notify: false,
  });
  expect(resolved.status).toBe(201);
  t.clock.set("2026-01-25T12:00:00.000Z");

  const all = await t.deps.db.select().from(components);
  const strip = (await componentHistories(t.deps, all)).get(all[0]?.id ?? 0) ?? [];
  const day = (date: string) => strip.find((d) => d.date === date);
  expect(strip.at(-1)?.date).toBe("2026-01-25");
  expect(day("2026-01-21")?.worst).toBe("major_outage");
  expect(day("2026-01-21")?.incidents.map((i) => i.slug)).toEqual(["late"]);
  expect(day("2026-01-20")?.worst).toBe("operational");
  expect(day("2026-01-20")?.incidents).toEqual([]);
});

test("the day summer time begins in Paris lasts 23 hours, and the strip ends today there", () => {
  const strip = historyDays(new Date("2026-04-02T22:30:00.000Z"), "Europe/Paris");
  expect(strip).toHaveLength(90);
  expect(strip.at(-1)?.date).toBe("2026-04-03"); // 00:30 on 3 April in Paris
  expect(strip.find((d) => d.date === "2026-03-29")).toEqual({
    date: "2026-03-29",
    start: "2026-03-28T23:00:00.000Z",
    end: "2026-03-29T22:00:00.000Z",
  });
});
