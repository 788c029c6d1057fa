import { afterEach, beforeEach, expect, test } from "vitest";
import { DEMO_LIST, DEMO_PARTICIPANTS, DEMO_SOURCE, demoListStep } from "../src/lists/seed";
import { seedDemo } from "../src/seed";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

test("the demo seeds the 2000 participants once, as legacy, with their entry data", async () => {
  expect(await seedDemo(t.deps, [demoListStep])).toEqual(["list-nets-dor-2001"]);
  expect(await seedDemo(t.deps, [demoListStep])).toEqual([]);
  const bearer = await t.token();
  const lists = (await (await t.api(bearer, "GET", "/api/v1/lists")).json()) as {
    items: { id: number; name: string }[];
  };
  expect(lists.items.map((l) => l.name)).toEqual([DEMO_LIST.name]);
  const id = lists.items[0]?.id;
  const list = (await (await t.api(bearer, "GET", `/api/v1/lists/${id}`)).json()) as {
    counts: Record<string, number>;
  };
  expect(list.counts.legacy).toBe(DEMO_PARTICIPANTS);
  const page = (await (
    await t.api(bearer, "GET", `/api/v1/lists/${id}/contacts?limit=2`)
  ).json()) as {
    items: { email: string; attributes: Record<string, string> }[];
  };
  expect(page.items[0]?.email).toMatch(/@example\.org$/);
  expect(Object.keys(page.items[0]?.attributes ?? {})).toEqual([
    "site",
    "url",
    "category",
    "language",
  ]);
  const sources = await t.client.execute("SELECT DISTINCT source FROM consent_events");
  expect(sources.rows.map((r) => r.source)).toEqual([DEMO_SOURCE]);
});
