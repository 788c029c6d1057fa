// The status home: banner, grouped components with their 90-day strips, incidents, maintenance.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

const DAY = 24 * 3600_000;

beforeAll(async () => {
  t = await createTestApp({ ORG_NAME: "Association Exemple" });
  bearer = await t.token();
  t.clock.set("2026-01-01T08:00:00.000Z");
  for (const [slug, name, group] of [
    ["website", "Site web", "Public"],
    ["mail", "Messagerie", "Courrier"],
  ]) {
    expect((await t.api(bearer, "POST", "/api/v1/components", { slug, name, group })).status).toBe(
      201,
    );
  }
  // Two weeks later an outage of the mail, for a day and a half.
  t.clock.set("2026-01-14T20:00:00.000Z");
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "mail-down",
    title: "Messagerie en panne",
    title_en: "Mail is down",
    status: "investigating",
    impact: "major",
    body: "x",
    components: [{ slug: "mail", status: "major_outage" }],
  });
  expect(res.status).toBe(201);
  t.clock.set("2026-01-15T08:00:00.000Z");
});
afterAll(() => t.close());

const home = async (lang: "fr" | "en") => {
  const res = await t.request("/", { headers: { "Accept-Language": lang } });
  expect(res.status).toBe(200);
  return { res, html: await res.text() };
};

describe("GET /", () => {
  test("opens with the worst status in words and when it began, then the sections in order", async () => {
    const { res, html } = await home("en");
    expect(html).toContain("Association Exemple");
    expect(html).toContain("Major outage in progress");
    expect(html).toMatch(/since <time datetime="2026-01-14T20:00:00.000Z"/);
    const order = ['id="overall-status"', 'id="components-title"', 'id="incidents-title"'].map(
      (s) => html.indexOf(s),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain("<h3>Public</h3>");
    expect(html).toContain("<h3>Courrier</h3>");
    expect(res.headers.get("cache-control")).toContain("s-maxage");
  });

  test("each component has 90 cells; the outage days are coloured and name the incident", async () => {
    const { html } = await home("en");
    const strips = html.match(/<ol class="strip"[\s\S]*?<\/ol>/g) ?? [];
    expect(strips).toHaveLength(2);
    for (const strip of strips) expect(strip.match(/<li[ >]/g)).toHaveLength(90);
    // An ordinary operational day is a bare cell, its optional end tag left out.
    expect(strips[0]).toContain("<li><li>");
    const mail = strips.find((s) => s.includes("Messagerie")) ?? "";
    const outage = mail.match(/<li class="s-major_outage"[^>]*>[\s\S]*?<\/li>/g) ?? [];
    expect(outage).toHaveLength(2); // the 14th and the 15th (today)
    expect(outage[0]).toContain('tabindex="0"');
    expect(outage[0]).toContain('<a href="/incidents/mail-down">Mail is down</a>');
    // Before the component existed: no data (grey, nothing to say).
    expect(mail).toContain('<li class="s-none"><li');
    expect(mail).toContain("(2 days with a problem)");
  });

  test("resolving brings the banner back to operational, and the strip keeps the outage", async () => {
    t.clock.advance(DAY / 4);
    const id = ((await (await t.request("/incidents/mail-down.json")).json()) as { slug: string })
      .slug;
    expect(id).toBe("mail-down");
    const list = (await (await t.api(bearer, "GET", "/api/v1/incidents/1")).json()) as {
      id: number;
    };
    const res = await t.api(bearer, "POST", `/api/v1/incidents/${list.id}/updates`, {
      status: "resolved",
      body: "Réparé.",
    });
    expect(res.status).toBe(201);
    const { html } = await home("fr");
    expect(html).toContain("Tous les services fonctionnent");
    expect(html).toContain("Incidents récents");
    const mail = (html.match(/<ol class="strip"[\s\S]*?<\/ol>/g) ?? []).find((s) =>
      s.includes("Messagerie"),
    );
    expect(mail?.match(/s-major_outage/g)).toHaveLength(2);
  });
});

describe("the banner without components", () => {
  test("an open incident is not hidden behind 'all systems operational'", async () => {
    const bare = await createTestApp();
    try {
      const token = await bare.token();
      await bare.api(token, "POST", "/api/v1/incidents", {
        slug: "outage",
        title: "Panne",
        status: "investigating",
        impact: "critical",
        body: "x",
      });
      const html = await (await bare.request("/", { headers: { "Accept-Language": "en" } })).text();
      expect(html).not.toContain("All systems operational");
      expect(html).toContain("Major outage in progress");
      expect(html).toMatch(/since <time datetime="2026-01-15T08:00:00.000Z"/);
    } finally {
      bare.close();
    }
  });
});
