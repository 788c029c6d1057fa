// ORG_TIMEZONE on the public side: incident and poll pages show times in the organisation's zone,
// named, like the admin does (one formatter, src/time.ts), never a zone written into a view.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ ORG_TIMEZONE: "America/New_York" });
  t.clock.set("2026-01-15T17:30:00Z"); // 12:30 in New York, 18:30 in Paris
  const bearer = await t.token();
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "panne",
    title: "Panne",
    status: "investigating",
    impact: "minor",
    body: "x",
  });
});
afterAll(() => t.close());

test("an incident page shows its time in ORG_TIMEZONE, the zone named", async () => {
  const html = await (
    await t.request("/incidents/panne", { headers: { "Accept-Language": "en" } })
  ).text();
  expect(html).toContain("12:30");
  expect(html).not.toContain("18:30");
  expect(html).toMatch(/12:30[^<]*(EST|GMT-5|UTC-5)/);
});
