// Deliver 3 (issue 22): only `/embed/…` pages may be framed, by whom EMBED_FRAME_ANCESTORS says;
// every other route of the router, whatever it answers, keeps `frame-ancestors 'none'`.
import { afterEach, beforeEach, expect, test } from "vitest";
import { createApp } from "../src/app";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ EMBED_FRAME_ANCESTORS: "https://news.example 'self'" });
});
afterEach(() => t.close());

/** Every concrete route of the app, from its router (what a new feature adds is covered too). */
function routes() {
  const seen = new Set<string>();
  return createApp(t.deps)
    .routes.filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1") }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

test("every route's answer: /embed/ framable only by EMBED_FRAME_ANCESTORS, all else never", async () => {
  const cookie = await t.signIn();
  const all = routes();
  expect(all.some((r) => r.path.startsWith("/embed/"))).toBe(true);
  for (const route of all) {
    for (const headers of [{}, { Cookie: cookie }] as Record<string, string>[]) {
      const res = await t.request(route.path, {
        method: route.method,
        headers: {
          Origin: ORIGIN,
          "Content-Type": "application/x-www-form-urlencoded",
          ...headers,
        },
        body: route.method === "GET" || route.method === "HEAD" ? undefined : "a=b",
      });
      const key = `${route.method} ${route.path} → ${res.status}`;
      const csp = res.headers.get("content-security-policy") ?? "";
      if (route.path.startsWith("/embed/")) {
        expect(csp, key).toContain("frame-ancestors https://news.example 'self'");
        expect(res.headers.get("x-frame-options"), key).toBeNull();
      } else {
        expect(csp, key).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options"), key).toBe("DENY");
      }
      await res.body?.cancel();
    }
  }
}, 120_000);

test("the embed page of an existing poll and a missing one both follow the setting", async () => {
  for (const path of ["/embed/polls/none-such", "/embed/status"]) {
    const res = await t.request(path);
    expect(res.headers.get("content-security-policy"), path).toContain(
      "frame-ancestors https://news.example 'self'",
    );
  }
});
