// The status pages kept for a second: the same bytes and ETag meanwhile, 304 on revalidation,
// and any write that changes what they show is visible on the next request.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
  await t.api(bearer, "POST", "/api/v1/components", { slug: "api", name: "API" });
});
afterAll(() => t.close());

const en = { "Accept-Language": "en" };

test("the home is kept with its ETag, revalidates with 304, and a write shows at once", async () => {
  const first = await t.request("/", { headers: en });
  const second = await t.request("/", { headers: en });
  const tag = first.headers.get("etag");
  expect(tag).toMatch(/^"[0-9a-f]{40}"$/);
  expect(second.headers.get("etag")).toBe(tag);
  expect(second.headers.get("cache-control")).toBe("public, max-age=15, s-maxage=30");
  expect(second.headers.get("x-frame-options")).toBe("DENY");
  expect(await second.text()).toContain("All systems operational");
  const revalidated = await t.request("/", { headers: { ...en, "If-None-Match": tag ?? "" } });
  expect(revalidated.status).toBe(304);

  await t.api(bearer, "PATCH", "/api/v1/components/api", { status: "major_outage" });
  const after = await t.request("/", { headers: en });
  expect(after.headers.get("etag")).not.toBe(tag);
  expect(await after.text()).toContain("Major outage in progress");
  // The other language is its own page.
  expect(await (await t.request("/", { headers: { "Accept-Language": "fr" } })).text()).toContain(
    "Panne majeure en cours",
  );
  // The language cookie (the visible switch) wins over Accept-Language, before the router too.
  for (let i = 0; i < 2; i++) {
    const chosen = await t.request("/", { headers: { ...en, Cookie: "lang=fr" } });
    expect(await chosen.text()).toContain("Panne majeure en cours");
  }
});

test("an incident page is kept per language; an update shows at once; unknown is 404", async () => {
  const created = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "slow",
    title: "Lent",
    title_en: "Slow",
    status: "investigating",
    impact: "minor",
    body: "x",
  });
  const { id } = (await created.json()) as { id: number };
  expect(await (await t.request("/incidents/slow", { headers: en })).text()).toContain("Slow");
  await t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, {
    status: "resolved",
    body: "Fixed now.",
  });
  expect(await (await t.request("/incidents/slow", { headers: en })).text()).toContain(
    "Fixed now.",
  );
  expect((await t.request("/incidents/nope")).status).toBe(404);
  expect((await t.request("/incidents/nope")).status).toBe(404);
});

test("the incident page names the components it holds, in the reader's language", async () => {
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "api-down",
    title: "API en panne",
    status: "investigating",
    impact: "critical",
    body: "x",
    components: [{ slug: "api", status: "major_outage" }],
  });
  const fr = await (await t.request("/incidents/api-down")).text();
  expect(fr).toMatch(/API :\s*<span class="component-status s-major_outage">Panne majeure<\/span>/);
});

test("a poll opened or closed shows on the home at once (its open polls)", async () => {
  await t.request("/", { headers: en });
  const created = await t.api(bearer, "POST", "/api/v1/polls", {
    slug: "avis",
    question: "Your opinion?",
    options: ["Yes", "No"],
  });
  expect(created.status).toBe(201);
  expect(await (await t.request("/", { headers: en })).text()).toContain('href="/polls/avis"');
  const { id } = (await created.json()) as { id: number };
  await t.api(bearer, "POST", `/api/v1/polls/${id}/close`);
  expect(await (await t.request("/", { headers: en })).text()).not.toContain('href="/polls/avis"');
});

test("an answer from memory carries exactly the headers and bytes of the rendered one", async () => {
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "headers",
    title: "En-têtes",
    status: "investigating",
    impact: "minor",
    body: "x",
  });
  for (const path of ["/", "/incidents/headers"]) {
    for (const headers of [en, { Cookie: "lang=en" }, {}] as Record<string, string>[]) {
      t.deps.statusPages.forget();
      const rendered = await t.request(path, { headers });
      const remembered = await t.request(path, { headers });
      const all = (r: Response) => Object.fromEntries(r.headers);
      expect(all(remembered)).toEqual(all(rendered));
      expect(await remembered.text()).toBe(await rendered.text());
      expect(remembered.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(remembered.headers.get("vary")).toBe("Accept-Language, Cookie, Accept-Encoding");
      expect(remembered.headers.get("x-powered-by")).toBeNull();
    }
  }
  const fr = await t.request("/", { headers: { Cookie: "lang=fr", "Accept-Language": "en" } });
  expect(await fr.text()).toContain('lang="fr"');
});

test("browsers that take gzip get the same page gzipped, with its own ETag; others get it plain", async () => {
  const { gunzipSync } = await import("node:zlib");
  const browser = { ...en, "Accept-Encoding": "gzip, deflate, br, zstd" };
  for (const path of ["/", "/incidents/slow"]) {
    const plain = await t.request(path, { headers: en });
    const plainBytes = Buffer.from(await plain.arrayBuffer());
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toContain("Accept-Encoding");

    // Twice: the first render (the router's path), then the memory's answer before the router.
    for (let i = 0; i < 2; i++) {
      const zipped = await t.request(path, { headers: browser });
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      expect(zipped.headers.get("vary")).toContain("Accept-Encoding");
      expect(zipped.headers.get("x-frame-options")).toBe("DENY");
      const tag = zipped.headers.get("etag") ?? "";
      expect(tag).toBe(`${plain.headers.get("etag")?.slice(0, -1)}-gzip"`);
      const bytes = Buffer.from(await zipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(plainBytes.length / 2);
      expect(gunzipSync(bytes).equals(plainBytes)).toBe(true);
      const revalidated = await t.request(path, { headers: { ...browser, "If-None-Match": tag } });
      expect(revalidated.status).toBe(304);
    }
    for (const offer of ["GZIP", "br;q=1.0, gzip;q=0.8", "gzip"]) {
      const res = await t.request(path, { headers: { ...en, "Accept-Encoding": offer } });
      expect(res.headers.get("content-encoding")).toBe("gzip");
    }
    // gzip refused by its q-value, or not offered: the plain bytes.
    for (const refusal of ["gzip;q=0, br", "identity", "br", "x-gzip-ish", "GZIP;q=0"]) {
      const res = await t.request(path, { headers: { ...en, "Accept-Encoding": refusal } });
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(Buffer.from(await res.arrayBuffer()).equals(plainBytes)).toBe(true);
    }
  }
});
