// The rest of Statuspage's public read API that integrations poll (components, incidents,
// unresolved, scheduled maintenance: all, upcoming, active), every instant with its offset, and
// the dates and the page's zone in ORG_TIMEZONE, not UTC.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { createTestApp, type TestApp } from "./helpers";

type Json = Record<string, unknown>;

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ ORG_TIMEZONE: "Europe/Paris" });
  bearer = await t.token();
  // 23:30 in UTC is already the 15th in Paris.
  t.clock.set("2026-01-14T23:30:00.000Z");
  const post = async (path: string, body: Json) => {
    const res = await t.api(bearer, "POST", path, body);
    expect(res.status).toBe(201);
    return (await res.json()) as Json;
  };
  await post("/api/v1/components", { slug: "api", name: "API", group: "Core" });
  await post("/api/v1/components", { slug: "web", name: "Web" });
  const old = await post("/api/v1/incidents", {
    slug: "old",
    title: "Ancien",
    status: "investigating",
    impact: "major",
    body: "x",
    components: [{ slug: "web", status: "major_outage" }],
    notify: false,
  });
  t.clock.set("2026-01-15T08:00:00.000Z");
  const resolved = await t.api(bearer, "POST", `/api/v1/incidents/${old.id}/updates`, {
    status: "resolved",
    body: "Réparé.",
    notify: false,
  });
  expect(resolved.status).toBe(201);
  await post("/api/v1/incidents", {
    slug: "open",
    title: "En cours",
    status: "identified",
    impact: "minor",
    body: "y",
    components: [{ slug: "api", status: "degraded" }],
    notify: false,
  });
  const window = (from: string, to: string, title: string) =>
    post("/api/v1/maintenances", {
      title,
      body: "z",
      starts_at: from,
      ends_at: to,
      components: ["web"],
      notify: false,
    });
  await window("2026-01-15T06:00:00Z", "2026-01-15T07:00:00Z", "Finie");
  await window("2026-01-15T07:30:00Z", "2026-01-15T09:00:00Z", "En cours");
  await window("2026-01-20T07:30:00Z", "2026-01-20T09:00:00Z", "Prévue");
  await runPeriodicJobs(t.deps, minuteJobs);
});
afterAll(() => t.close());

const get = async (path: string) => {
  const res = await t.request(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("cache-control"), path).toBe("public, max-age=15, s-maxage=30");
  expect(res.headers.get("access-control-allow-origin"), path).toBe("*");
  expect(res.headers.get("etag"), path).toMatch(/^(W\/)?"/);
  return (await res.json()) as Json;
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const INSTANT_KEY = /(_at|^scheduled_for|^scheduled_until)$/;

/** Every instant-named field in the body: [path, value]. */
function instants(value: unknown, path = ""): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => instants(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(INSTANT_KEY.test(k) && v !== null ? [[`${path}.${k}`, v] as [string, unknown]] : []),
    ...instants(v, `${path}.${k}`),
  ]);
}

const PATHS = [
  "/api/v2/status.json",
  "/api/v2/summary.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/api/v2/incidents/unresolved.json",
  "/api/v2/scheduled-maintenances.json",
  "/api/v2/scheduled-maintenances/upcoming.json",
  "/api/v2/scheduled-maintenances/active.json",
];

describe("time", () => {
  test("the page's zone is ORG_TIMEZONE and a component's start_date its local day", async () => {
    const body = (await get("/api/v2/summary.json")) as { page: Json; components: Json[] };
    expect(body.page.time_zone).toBe("Europe/Paris");
    expect(body.components.find((c) => c.id === "api")?.start_date).toBe("2026-01-15");
  });

  test("every instant of every endpoint is ISO 8601 with its offset", async () => {
    for (const path of PATHS) {
      const found = instants(await get(path));
      expect(found.length, path).toBeGreaterThan(0);
      for (const [where, value] of found) expect(value, `${path} ${where}`).toMatch(INSTANT);
    }
  });
});

describe("shapes", () => {
  test("components.json: {page, components}, groups included, as in summary.json", async () => {
    const body = (await get("/api/v2/components.json")) as { components: Json[] };
    expect(Object.keys(body).sort()).toEqual(["components", "page"]);
    const summary = (await get("/api/v2/summary.json")) as { components: Json[] };
    expect(body.components).toEqual(summary.components);
    expect(body.components.find((c) => c.group === true)).toMatchObject({ name: "Core" });
  });

  test("incidents.json has resolved ones too, with their updates; unresolved.json only the open", async () => {
    const all = (await get("/api/v2/incidents.json")) as { incidents: Json[] };
    expect(Object.keys(all).sort()).toEqual(["incidents", "page"]);
    expect(all.incidents.map((i) => i.id).sort()).toEqual(["old", "open"]);
    const old = all.incidents.find((i) => i.id === "old");
    expect(old).toMatchObject({
      status: "resolved",
      resolved_at: "2026-01-15T08:00:00.000Z",
      components: [{ id: "web", name: "Web" }],
    });
    expect(((old?.incident_updates ?? []) as Json[])[0]).toMatchObject({
      status: "resolved",
      body: "Réparé.",
    });
    const open = (await get("/api/v2/incidents/unresolved.json")) as { incidents: Json[] };
    expect(Object.keys(open).sort()).toEqual(["incidents", "page"]);
    expect(open.incidents.map((i) => i.id)).toEqual(["open"]);
  });

  test("scheduled-maintenances: all (completed too), upcoming (scheduled), active (in progress)", async () => {
    const names = async (path: string) => {
      const body = (await get(path)) as { scheduled_maintenances: Json[] };
      expect(Object.keys(body).sort(), path).toEqual(["page", "scheduled_maintenances"]);
      return body.scheduled_maintenances.map((m) => [m.name, m.status]);
    };
    expect((await names("/api/v2/scheduled-maintenances.json")).sort()).toEqual(
      [
        ["En cours", "in_progress"],
        ["Finie", "completed"],
        ["Prévue", "scheduled"],
      ].sort(),
    );
    expect(await names("/api/v2/scheduled-maintenances/upcoming.json")).toEqual([
      ["Prévue", "scheduled"],
    ]);
    expect(await names("/api/v2/scheduled-maintenances/active.json")).toEqual([
      ["En cours", "in_progress"],
    ]);
  });
});
