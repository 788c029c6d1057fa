import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Every concrete route of the app, from its router: what a new feature adds is covered too. */
function routes() {
  const app = createApp(t.deps);
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1") }))
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

const PUBLIC = new Set(["GET /admin/login", "POST /admin/login", "POST /api/v1/tokens"]);

describe("every admin and API route refuses anonymous access", () => {
  test("the router has the routes we expect to guard", () => {
    const guarded = routes().filter((r) => /^\/(admin|api\/v1)(\/|$)/.test(r.path));
    expect(guarded.length).toBeGreaterThan(20);
  });

  test("/admin routes redirect to sign-in, /api/v1 routes answer 401 problem+json", async () => {
    const checked: string[] = [];
    for (const route of routes()) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key) || !/^\/(admin|api\/v1)(\/|$)/.test(route.path)) continue;
      const res = await t.request(route.path, {
        method: route.method,
        headers: { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
        body: route.method === "GET" || route.method === "HEAD" ? undefined : "a=b",
      });
      if (route.path.startsWith("/admin")) {
        expect(res.status, key).toBe(303);
        expect(res.headers.get("location"), key).toMatch(/^\/admin\/login/);
      } else {
        expect(res.status, key).toBe(401);
        expect(res.headers.get("content-type"), key).toBe("application/problem+json");
      }
      checked.push(key);
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  test("every state-changing admin form refuses another site's Origin, even signed in", async () => {
    const cookie = await t.signIn();
    for (const route of routes()) {
      if (
        !route.path.startsWith("/admin") ||
        route.method === "GET" ||
        route.path === "/admin/login"
      )
        continue;
      const res = await t.request(route.path, {
        method: route.method,
        headers: {
          Cookie: cookie,
          Origin: "https://evil.example",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "a=b",
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });
});

describe("abuse limits per client address", () => {
  test("sign-in: 30 a minute per address, then 429 with Retry-After; other addresses unaffected", async () => {
    const from = (ip: string) => ({ "X-Forwarded-For": ip });
    for (let i = 0; i < 30; i++) {
      const res = await t.form(
        "/admin/login",
        { email: `nobody${i}@test.example`, password: "x" },
        from("198.51.100.1"),
      );
      expect(res.status).toBe(401);
    }
    const limited = await t.form("/admin/login", ADMIN, from("198.51.100.1"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await t.form("/admin/login", ADMIN, from("198.51.100.2"))).status).toBe(303);
    t.clock.advance(61_000);
    expect((await t.form("/admin/login", ADMIN, from("198.51.100.1"))).status).toBe(303);
  });

  test("token issue shares the sign-in limit and answers problem+json", async () => {
    const post = (i: number) =>
      t.request("/api/v1/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Forwarded-For": "198.51.100.3" },
        body: JSON.stringify({ email: `nobody${i}@test.example`, password: "x" }),
      });
    for (let i = 0; i < 30; i++) expect((await post(i)).status).toBe(401);
    const limited = await post(30);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(limited.headers.get("retry-after")).toBeTruthy();
  });

  test("the counters are stored hashed, never the address", async () => {
    await t.form("/admin/login", ADMIN, { "X-Forwarded-For": "203.0.113.77" });
    const rows = await t.client.execute("SELECT key FROM rate_limit_hits");
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) expect(String(r.key)).not.toContain("203.0.113.77");
  });
});

describe("faults", () => {
  test("the database gone: 503 page or problem, Retry-After, nothing internal shown", async () => {
    const token = await t.token();
    t.client.close();
    const original = console.error;
    console.error = () => {};
    try {
      const page = await t.request("/status", { headers: { "Accept-Language": "en" } });
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("5");
      const html = await page.text();
      expect(html).toContain("Service unavailable");
      expect(html).not.toMatch(/CLIENT_CLOSED|Libsql/i);
      const api = await t.api(token, "GET", "/api/v1/lists");
      expect(api.status).toBe(503);
      expect(api.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      console.error = original;
    }
  });

  test("the database locked by another writer: 503 and no partial write", async () => {
    const other = createClient({ url: t.url });
    const tx = await other.transaction("write");
    await tx.execute("INSERT INTO settings (key, value) VALUES ('lock', 'held')");
    const original = console.error;
    console.error = () => {};
    try {
      const res = await t.form("/admin/login", { email: ADMIN.email, password: "wrong" });
      expect(res.status).toBe(503);
    } finally {
      console.error = original;
      await tx.rollback();
      other.close();
    }
    const failures = await t.client.execute("SELECT count(*) AS n FROM login_failures");
    expect(failures.rows[0]?.n).toBe(0);
  }, 60_000);
});

describe("body size limits", () => {
  test("a 10 MB body is refused on every write route without a 5xx (413, or 400 for a CSV import)", async () => {
    const token = await t.token();
    const cookie = await t.signIn();
    const big = "x".repeat(10 * 1024 * 1024);
    const writes = routes().filter((r) => r.method !== "GET" && r.method !== "HEAD");
    for (const route of writes) {
      const res = await t.request(route.path, {
        method: route.method,
        headers: {
          Authorization: `Bearer ${token}`,
          Cookie: cookie,
          Origin: ORIGIN,
          "Content-Type": route.path.includes("/imports")
            ? "text/csv"
            : "application/x-www-form-urlencoded",
        },
        body: big,
      });
      const key = `${route.method} ${route.path}`;
      expect(res.status, key).toBeLessThan(500);
      expect(res.status, key).toBeGreaterThanOrEqual(400);
    }
  }, 120_000);
});

describe("security headers", () => {
  test("every kind of response carries the CSP and the anti-framing headers", async () => {
    const responses = {
      page: await t.request("/"),
      redirect: await t.request("/admin"),
      notFound: await t.request("/nope"),
      apiUnauthorized: await t.request("/api/v1/lists"),
      csrfRefused: await t.form("/admin/login", ADMIN, { Origin: "https://evil.example" }),
      tooLarge: await t.request("/api/v1/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "x".repeat(1024 * 1024 + 1),
      }),
      asset: await t.request("/app.css"),
    };
    for (const [kind, res] of Object.entries(responses)) {
      expect(res.headers.get("content-security-policy"), kind).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options"), kind).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), kind).toBe("nosniff");
    }
  });
});
