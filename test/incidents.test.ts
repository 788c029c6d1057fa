// Incidents through HTTP: the API, the public page, its JSON, the Atom feed and the admin pages.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterAll(() => t.close());

let counter = 0;
type Created = { id: number; slug: string };

async function newIncident(extra: Record<string, unknown> = {}) {
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: `incident-${++counter}`,
    title: "Envoi massif non sollicité",
    status: "investigating",
    impact: "major",
    body: "Toute **réponse** part à toute la liste.",
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

const postUpdate = (id: number, body: Record<string, unknown>) =>
  t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, body);

describe("POST /api/v1/incidents", () => {
  test("creates an incident: 201 {id, slug, …}", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "mail-storm",
      title: "Mail storm",
      status: "identified",
      impact: "critical",
      body: "Replies reach everyone.",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      slug: "mail-storm",
      title: "Mail storm",
      status: "identified",
      impact: "critical",
      body: "Replies reach everyone.",
      created_at: "2026-01-15T08:00:00.000Z",
      updates: [],
    });
    expect(typeof body.id).toBe("number");
  });

  test("401 without a token, 400 for malformed JSON", async () => {
    const res = await t.request("/api/v1/incidents", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    const malformed = await t.api(bearer, "POST", "/api/v1/incidents", '{"slug":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toContain("application/problem+json");
  });

  test("invalid values are a 422 listing each field, and nothing is created", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "ok-slug",
      title: "",
      status: "exploded",
      impact: "huge",
      body: "x",
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(body.errors.map((e) => e.field).sort()).toEqual(["impact", "status", "title"]);
    expect(body.errors.find((e) => e.field === "status")?.message).toContain("investigating");
    expect((await t.request("/incidents/ok-slug")).status).toBe(404);
  });

  test("a slug already used is a 422 on slug", async () => {
    const first = await newIncident();
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: first.slug,
      title: "Again",
      status: "investigating",
      impact: "minor",
      body: "x",
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("slug");
  });
});

describe("updates and the timeline", () => {
  test("updates are listed newest first in the page and the JSON; the incident takes their status", async () => {
    const incident = await newIncident();
    const steps = [
      ["identified", "Un premier participant a répondu à tous."],
      ["monitoring", "Le serveur de messagerie sature."],
      ["resolved", "Serveur débranché à 8 h ; explication publiée."],
    ] as const;
    for (const [status, body] of steps) {
      t.clock.advance(3_600_000);
      const res = await postUpdate(incident.id, { status, body });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ status, body, incident_id: incident.id });
    }
    const json = await t.request(`/incidents/${incident.slug}.json`);
    expect(json.status).toBe(200);
    const body = (await json.json()) as Record<string, unknown> & {
      updates: { status: string; body: string; created_at: string }[];
    };
    expect(Object.keys(body).sort()).toEqual(
      ["body", "components", "created_at", "impact", "slug", "status", "title", "updates"].sort(),
    );
    expect(body.status).toBe("resolved");
    expect(body.updates.map((u) => u.status)).toEqual(["resolved", "monitoring", "identified"]);
    for (const u of body.updates)
      expect(Object.keys(u).sort()).toEqual(["body", "created_at", "status"]);
    expect((body.updates[0]?.created_at ?? "") > (body.updates[1]?.created_at ?? "")).toBe(true);

    const html = await (await t.request(`/incidents/${incident.slug}`)).text();
    const order = [
      "Serveur débranché",
      "Le serveur de messagerie sature",
      "Un premier participant",
    ].map((s) => html.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain("Résolu");
  });

  test("an update to an unknown incident is a 404 problem; an invalid one a 422", async () => {
    expect((await postUpdate(999_999, { status: "resolved", body: "x" })).status).toBe(404);
    expect((await postUpdate(Number.NaN, { status: "resolved", body: "x" })).status).toBe(404);
    const incident = await newIncident();
    const res = await postUpdate(incident.id, { status: "done", body: "" });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map(
      (e) => e.field,
    );
    expect(fields.sort()).toEqual(["body", "status"]);
  });

  test("the postmortem and the polls about the incident appear on its page", async () => {
    const incident = await newIncident();
    const pm = await t.api(bearer, "PUT", `/api/v1/incidents/${incident.id}/postmortem`, {
      postmortem: "## Ce que nous changeons\n\nUn destinataire par message.",
    });
    expect(pm.status).toBe(200);
    const poll = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: `about-${incident.slug}`,
      question: "Que faire de lui ?",
      options: ["Le pardonner", "La pendaison"],
      incident_slug: incident.slug,
    });
    expect(poll.status).toBe(201);
    expect(await poll.json()).toMatchObject({ incident_slug: incident.slug });
    const html = await (await t.request(`/incidents/${incident.slug}`)).text();
    expect(html).toContain("<h2>Ce que nous changeons</h2>");
    expect(html).toContain(`href="/polls/about-${incident.slug}"`);
    const pollPage = await (await t.request(`/polls/about-${incident.slug}`)).text();
    expect(pollPage).toContain(`href="/incidents/${incident.slug}"`);
  });

  test("unknown slugs are 404 (HTML page and JSON problem)", async () => {
    expect((await t.request("/incidents/nope")).status).toBe(404);
    const json = await t.request("/incidents/nope.json");
    expect(json.status).toBe(404);
    expect(json.headers.get("content-type")).toContain("application/problem+json");
  });

  test("public pages carry cache headers and an ETag answered with 304", async () => {
    const incident = await newIncident();
    const first = await t.request(`/incidents/${incident.slug}`);
    expect(first.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    const tag = first.headers.get("etag") ?? "";
    expect(tag).not.toBe("");
    const again = await t.request(`/incidents/${incident.slug}`, {
      headers: { "If-None-Match": tag },
    });
    expect(again.status).toBe(304);
  });
});

describe("markup typed into incidents", () => {
  test("Markdown is rendered; raw HTML, script URLs and markup in titles come out escaped", async () => {
    const incident = await newIncident({
      title: "<script>alert('title')</script>",
      body: [
        "**gras** et [un lien](https://example.org)",
        "",
        "<script>alert('body')</script>",
        "",
        '<img src=x onerror="alert(1)">',
        "",
        "[clic](javascript:alert(1))",
      ].join("\n"),
    });
    await postUpdate(incident.id, {
      status: "identified",
      body: '<iframe src="https://evil.example"></iframe> [x](JAVASCRIPT:alert(2))',
    });
    const html = await (await t.request(`/incidents/${incident.slug}`)).text();
    expect(html).toContain("<strong>gras</strong>");
    expect(html).toContain(
      '<a href="https://example.org" rel="nofollow noopener noreferrer">un lien</a>',
    );
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toMatch(/<iframe/);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;");
    expect(html).toContain("&lt;script&gt;alert(");
    expect(html).toContain("&lt;iframe");
    // The JSON keeps the source as typed.
    const json = (await (await t.request(`/incidents/${incident.slug}.json`)).json()) as {
      title: string;
    };
    expect(json.title).toBe("<script>alert('title')</script>");
  });
});

describe("the Atom feed", () => {
  test("is well-formed Atom with an id and updated per entry, one entry per incident, updates included", async () => {
    const incident = await newIncident({
      title: 'Feed <test> & "quotes" \u0001',
      body: "Body with <b>markup</b> & ampersand",
    });
    await postUpdate(incident.id, { status: "monitoring", body: "Update in the feed ]]> <x>" });
    const res = await t.request("/incidents.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === "entry",
    }).parse(xml).feed as {
      "@_xmlns": string;
      id: string;
      updated: string;
      title: string;
      author: { name: string };
      entry: { id: string; updated: string; title: string; content: { "#text": string } }[];
    };
    expect(feed["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.id).toBe("http://127.0.0.1:8787/incidents.atom");
    expect(feed.author.name).toBe("Les Nets d'Or");
    expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
    const ids = feed.entry.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of feed.entry) {
      expect(e.id).toMatch(/^http:\/\/127\.0\.0\.1:8787\/incidents\//);
      expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
    }
    const entry = feed.entry.find((e) => e.id.endsWith(`/incidents/${incident.slug}`));
    // Markup survives as text; the control character (forbidden in XML) is dropped.
    expect(entry?.title).toBe('Feed <test> & "quotes"');
    expect(entry?.content["#text"]).toContain("Update in the feed");
  });
});

describe("the home page", () => {
  test("lists open incidents and recently resolved ones", async () => {
    const open = await newIncident({ title: "Still open" });
    const done = await newIncident({ title: "Done already" });
    await postUpdate(done.id, { status: "resolved", body: "Fixed." });
    const html = await (await t.request("/")).text();
    expect(html).toContain(`href="/incidents/${open.slug}"`);
    expect(html).toContain(`href="/incidents/${done.slug}"`);
    expect(html.indexOf(`/incidents/${open.slug}"`)).toBeLessThan(
      html.indexOf(`/incidents/${done.slug}"`),
    );
  });
});

describe("admin pages", () => {
  test("create, update, resolve and write the postmortem through forms", async () => {
    const session = await t.signIn();
    const bad = await t.form(
      "/admin/incidents",
      { title: "", slug: "admin-incident", status: "investigating", impact: "major", body: "x" },
      { Cookie: session },
    );
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('id="title-error"');
    expect(badHtml).toContain("Enter a title.");
    expect(badHtml).toContain('value="admin-incident"'); // what was typed is kept

    const ok = await t.form(
      "/admin/incidents",
      {
        title: "Admin incident",
        slug: "admin-incident",
        status: "investigating",
        impact: "major",
        services: "mail, lists",
        body: "Something *happened*.",
      },
      { Cookie: session },
    );
    expect(ok.status).toBe(303);
    const location = ok.headers.get("location") ?? "";
    expect(location).toMatch(/^\/admin\/incidents\/\d+$/);

    const update = await t.form(
      `${location}/updates`,
      { status: "identified", body: "Cause found." },
      { Cookie: session },
    );
    expect(update.status).toBe(303);
    const empty = await t.form(
      `${location}/updates`,
      { status: "identified", body: "" },
      { Cookie: session },
    );
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write what changed.");

    await t.form(
      `${location}/updates`,
      { status: "resolved", body: "Resolved." },
      { Cookie: session },
    );
    await t.form(
      `${location}/postmortem`,
      { postmortem: "What we *learned*." },
      { Cookie: session },
    );

    const json = (await (await t.request("/incidents/admin-incident.json")).json()) as {
      status: string;
      updates: { status: string }[];
    };
    expect(json.status).toBe("resolved");
    expect(json.updates.map((u) => u.status)).toEqual(["resolved", "identified"]);
    const html = await (await t.request("/incidents/admin-incident")).text();
    expect(html).toContain("What we <em>learned</em>.");
    expect(html).toContain("mail, lists");
  });

  test("admin incident pages require a session", async () => {
    const res = await t.request("/admin/incidents");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/admin/login");
  });
});
