// Components: the state rule (unit), the API, and how incidents hold and release them.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { settledStatus, worstStatus } from "../src/status/components";
import { createTestApp, type TestApp } from "./helpers";

describe("the component state rule", () => {
  test("nothing held: operational", () => {
    expect(settledStatus([])).toBe("operational");
  });
  test("the worst held status wins, an outage over maintenance", () => {
    expect(settledStatus(["degraded", "major_outage", "partial_outage"])).toBe("major_outage");
    expect(settledStatus(["maintenance", "degraded"])).toBe("degraded");
    expect(settledStatus(["maintenance"])).toBe("maintenance");
    expect(worstStatus(["operational", "maintenance"])).toBe("maintenance");
  });
});

let t: TestApp;
let bearer: string;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterAll(() => t.close());

type Json = Record<string, unknown>;

async function component(group?: string) {
  const slug = `component-${++n}`;
  const res = await t.api(bearer, "POST", "/api/v1/components", {
    slug,
    name: `Service ${n}`,
    group,
  });
  expect(res.status).toBe(201);
  return slug;
}

const statusOf = async (slug: string) => {
  const res = await t.api(bearer, "GET", "/api/v1/components");
  const body = (await res.json()) as { components: Json[] };
  return body.components.find((c) => c.slug === slug)?.status;
};

async function incident(components: { slug: string; status: string }[]) {
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: `incident-${++n}`,
    title: "Panne",
    status: "investigating",
    impact: "major",
    body: "Ça ne marche pas.",
    components,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const resolve = (id: number) =>
  t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, { status: "resolved", body: "Réglé." });

describe("components over HTTP", () => {
  test("POST creates one (201), in its group; GET lists it operational", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/components", {
      slug: "website",
      name: "Website",
      group: "Public",
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      slug: "website",
      name: "Website",
      group: "Public",
      status: "operational",
      status_since: "2026-01-15T08:00:00.000Z",
    });
    expect(await statusOf("website")).toBe("operational");
  });

  test("a taken slug and invalid fields are 422, malformed JSON 400, nothing created", async () => {
    const again = await t.api(bearer, "POST", "/api/v1/components", { slug: "website", name: "X" });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { errors: Json[] }).errors[0]).toMatchObject({ field: "slug" });
    const bad = await t.api(bearer, "POST", "/api/v1/components", { slug: "Bad Slug", name: "" });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map(
      (e) => e.field,
    );
    expect(fields.sort()).toEqual(["name", "slug"]);
    const malformed = await t.api(bearer, "POST", "/api/v1/components", "{");
    expect(malformed.status).toBe(400);
  });

  test("PATCH sets a status; an unknown status is 422, an unknown slug 404", async () => {
    const slug = await component();
    const res = await t.api(bearer, "PATCH", `/api/v1/components/${slug}`, { status: "degraded" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slug, status: "degraded" });
    const bad = await t.api(bearer, "PATCH", `/api/v1/components/${slug}`, { status: "broken" });
    expect(bad.status).toBe(422);
    const missing = await t.api(bearer, "PATCH", "/api/v1/components/nope", { status: "degraded" });
    expect(missing.status).toBe(404);
    expect(await statusOf(slug)).toBe("degraded");
  });
});

describe("incidents hold components", () => {
  test("an incident puts its components in the status it names; resolving returns them", async () => {
    const a = await component();
    const b = await component();
    const id = await incident([
      { slug: a, status: "major_outage" },
      { slug: b, status: "degraded" },
    ]);
    expect(await statusOf(a)).toBe("major_outage");
    expect(await statusOf(b)).toBe("degraded");
    const page = (await (await t.api(bearer, "GET", `/api/v1/incidents/${id}`)).json()) as Json;
    expect(page.components).toEqual([
      { slug: a, name: expect.any(String), status: "major_outage" },
      { slug: b, name: expect.any(String), status: "degraded" },
    ]);
    expect((await resolve(id)).status).toBe(201);
    expect(await statusOf(a)).toBe("operational");
    expect(await statusOf(b)).toBe("operational");
  });

  test("another open incident still holding a component keeps its worst held status", async () => {
    const shared = await component();
    const first = await incident([{ slug: shared, status: "major_outage" }]);
    const second = await incident([{ slug: shared, status: "partial_outage" }]);
    expect(await statusOf(shared)).toBe("major_outage");
    await resolve(first);
    expect(await statusOf(shared)).toBe("partial_outage");
    await resolve(second);
    expect(await statusOf(shared)).toBe("operational");
  });

  test("an update moves a component to a new status", async () => {
    const slug = await component();
    const id = await incident([{ slug, status: "major_outage" }]);
    const res = await t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, {
      status: "monitoring",
      body: "Mieux.",
      components: [{ slug, status: "degraded" }],
    });
    expect(res.status).toBe(201);
    expect(await statusOf(slug)).toBe("degraded");
  });

  test("an unknown component slug is 422 and creates no incident", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "never-created",
      title: "Panne",
      status: "investigating",
      impact: "major",
      body: "x",
      components: [{ slug: "no-such-component", status: "degraded" }],
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: Json[] }).errors[0]).toMatchObject({
      field: "components",
    });
    const page = await t.request("/incidents/never-created.json");
    expect(page.status).toBe(404);
  });
});

describe("roles", () => {
  test("editors and above manage components and maintenance; every admin reads them", async () => {
    const { leastRoleFor } = await import("../src/auth/roles");
    expect(leastRoleFor("POST", "/api/v1/components")).toBe("editor");
    expect(leastRoleFor("PATCH", "/api/v1/components/api")).toBe("editor");
    expect(leastRoleFor("POST", "/api/v1/maintenances")).toBe("editor");
    expect(leastRoleFor("POST", "/admin/status/components/api")).toBe("editor");
    expect(leastRoleFor("GET", "/api/v1/components")).toBe("viewer");
  });
});
