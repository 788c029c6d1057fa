// The status page for machines: Statuspage JSON shapes, RSS, the badge and the framable embed.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ ORG_NAME: "Org <& Co>" });
  bearer = await t.token();
  await t.api(bearer, "POST", "/api/v1/components", { slug: "api", name: "API", group: "Core" });
  await t.api(bearer, "POST", "/api/v1/components", { slug: "web", name: "Web" });
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "api-slow",
    title: "API <slow> & flaky",
    status: "investigating",
    impact: "minor",
    body: "Latence **élevée**.",
    components: [{ slug: "api", status: "partial_outage" }],
  });
  expect(res.status).toBe(201);
  await t.api(bearer, "POST", "/api/v1/maintenances", {
    title: "Upgrade",
    body: "Short.",
    starts_at: "2026-02-01T22:00:00Z",
    ends_at: "2026-02-01T23:00:00Z",
    components: ["web"],
  });
});
afterAll(() => t.close());

type Json = Record<string, unknown>;
const get = async (path: string) => {
  const res = await t.request(path);
  expect(res.status).toBe(200);
  return res;
};

describe("Statuspage shapes", () => {
  test("/api/v2/status.json: page and status{indicator, description}", async () => {
    const res = await get("/api/v2/status.json");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await res.json()) as Json;
    expect(Object.keys(body).sort()).toEqual(["page", "status"]);
    expect(body.page).toMatchObject({
      id: expect.any(String),
      name: "Org <& Co>",
      url: expect.any(String),
      time_zone: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(body.status).toEqual({ indicator: "major", description: "Partial System Outage" });
  });

  test("/api/v2/summary.json: components (groups too), incidents with updates, scheduled maintenance", async () => {
    const body = (await (await get("/api/v2/summary.json")).json()) as {
      components: Json[];
      incidents: Json[];
      scheduled_maintenances: Json[];
      status: Json;
    };
    const api = body.components.find((c) => c.id === "api");
    expect(api).toMatchObject({
      name: "API",
      status: "partial_outage",
      group: false,
      group_id: expect.any(String),
    });
    const group = body.components.find((c) => c.id === api?.group_id);
    expect(group).toMatchObject({
      name: "Core",
      group: true,
      components: ["api"],
      status: "partial_outage",
    });
    expect(body.components.find((c) => c.id === "web")).toMatchObject({
      status: "operational",
      group_id: null,
    });
    expect(body.incidents).toHaveLength(1);
    expect(body.incidents[0]).toMatchObject({
      id: "api-slow",
      name: "API <slow> & flaky",
      status: "investigating",
      impact: "minor",
      resolved_at: null,
      shortlink: expect.stringContaining("/incidents/api-slow"),
      components: [{ id: "api", name: "API", status: "partial_outage" }],
      incident_updates: [],
    });
    expect(body.scheduled_maintenances[0]).toMatchObject({
      name: "Upgrade",
      status: "scheduled",
      impact: "maintenance",
      scheduled_for: "2026-02-01T22:00:00.000Z",
      scheduled_until: "2026-02-01T23:00:00.000Z",
      components: [{ id: "web", name: "Web", status: "under_maintenance" }],
    });
  });
});

test("/incidents.rss is valid RSS 2.0 with escaped text and the org's name", async () => {
  const res = await get("/incidents.rss");
  expect(res.headers.get("content-type")).toContain("application/rss+xml");
  const xml = await res.text();
  expect(XMLValidator.validate(xml)).toBe(true);
  const feed = new XMLParser().parse(xml) as { rss: { channel: { title: string; item: Json } } };
  expect(feed.rss.channel.title).toBe("Org <& Co> — incidents");
  expect(feed.rss.channel.item.title).toBe("API <slow> & flaky");
  expect(String(feed.rss.channel.item.description)).toContain("<strong>élevée</strong>");
});

describe("/badge.svg", () => {
  test("the overall status, or one component's; an unknown one is 404", async () => {
    const res = await get("/badge.svg");
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
    const svg = await res.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("Org &lt;&amp; Co&gt;");
    expect(svg).toContain("Panne partielle en cours");
    const web = await (
      await t.request("/badge.svg?component=web", { headers: { "Accept-Language": "en" } })
    ).text();
    expect(web).toContain(">Web<");
    expect(web).toContain(">Operational<");
    expect((await t.request("/badge.svg?component=nope")).status).toBe(404);
  });
});

describe("/embed/status", () => {
  test("may be framed by any site; the home page may not", async () => {
    const embed = await get("/embed/status");
    expect(embed.headers.get("x-frame-options")).toBeNull();
    expect(embed.headers.get("content-security-policy")).toContain("frame-ancestors *");
    const html = await embed.text();
    expect(html).toContain("Panne partielle en cours");
    expect(html).toContain("API &lt;slow&gt; &amp; flaky");
    expect(html).not.toContain("<form");
    const home = await get("/");
    expect(home.headers.get("x-frame-options")).toBe("DENY");
  });
});
