import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterEach(() => t.close());

const newList = { slug: "nets-2001", name: "Les Nets d'Or 2001", purpose: "News of the contest." };

describe("lists API", () => {
  test("creates a list and answers 201 with its fields", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/lists", newList);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      slug: "nets-2001",
      name: "Les Nets d'Or 2001",
      purpose: "News of the contest.",
    });
    expect(typeof body.id).toBe("number");
  });

  test("lists lists and shows one with counts for every consent state", async () => {
    const { id } = (await (await t.api(bearer, "POST", "/api/v1/lists", newList)).json()) as {
      id: number;
    };
    await t.api(bearer, "POST", `/api/v1/lists/${id}/contacts`, { email: "a@example.org" });
    const all = (await (await t.api(bearer, "GET", "/api/v1/lists")).json()) as {
      items: { id: number }[];
    };
    expect(all.items.map((l) => l.id)).toEqual([id]);
    const one = (await (await t.api(bearer, "GET", `/api/v1/lists/${id}`)).json()) as {
      counts: Record<string, number>;
    };
    expect(one.counts).toEqual({
      legacy: 1,
      pending: 0,
      invited: 0,
      confirmed: 0,
      declined: 0,
      expired: 0,
      unsubscribed: 0,
      bounced: 0,
      complained: 0,
      erased: 0,
    });
  });

  test("a duplicate slug is a 422 naming the field, and nothing is created", async () => {
    await t.api(bearer, "POST", "/api/v1/lists", newList);
    const res = await t.api(bearer, "POST", "/api/v1/lists", { ...newList, name: "Other" });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(["slug"]);
    const all = (await (await t.api(bearer, "GET", "/api/v1/lists")).json()) as {
      items: unknown[];
    };
    expect(all.items).toHaveLength(1);
  });

  test("malformed JSON is 400, invalid values 422, no token 401, unknown list 404", async () => {
    expect((await t.api(bearer, "POST", "/api/v1/lists", "{nope")).status).toBe(400);
    const invalid = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "Bad Slug!",
      name: "",
      purpose: "x",
    });
    expect(invalid.status).toBe(422);
    const fields = ((await invalid.json()) as { errors: { field: string }[] }).errors.map(
      (e) => e.field,
    );
    expect(fields).toEqual(expect.arrayContaining(["slug", "name"]));
    expect((await t.request("/api/v1/lists")).status).toBe(401);
    expect((await t.api(bearer, "GET", "/api/v1/lists/999")).status).toBe(404);
    expect((await t.api(bearer, "GET", "/api/v1/lists/abc")).status).toBe(404);
  });

  test("changing the purpose makes a new consent-text version; events record the version", async () => {
    const { id } = (await (await t.api(bearer, "POST", "/api/v1/lists", newList)).json()) as {
      id: number;
    };
    await t.api(bearer, "POST", `/api/v1/lists/${id}/contacts`, { email: "v1@example.org" });
    const edited = await t.api(bearer, "PATCH", `/api/v1/lists/${id}`, {
      purpose: "News and the 2001 entry form.",
    });
    expect(((await edited.json()) as { purpose_version: number }).purpose_version).toBe(2);
    const same = await t.api(bearer, "PATCH", `/api/v1/lists/${id}`, {
      purpose: "News and the 2001 entry form.",
    });
    expect(((await same.json()) as { purpose_version: number }).purpose_version).toBe(2);
    await t.api(bearer, "POST", `/api/v1/lists/${id}/contacts`, { email: "v2@example.org" });
    const rows = await t.client.execute(
      "SELECT c.email, e.text_version FROM consent_events e JOIN contacts c ON c.id = e.contact_id ORDER BY e.id",
    );
    expect(rows.rows.map((r) => [r.email, r.text_version])).toEqual([
      ["v1@example.org", 1],
      ["v2@example.org", 2],
    ]);
    const versions = await t.client.execute(
      "SELECT version, text FROM list_purposes ORDER BY version",
    );
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2]);
  });
});
