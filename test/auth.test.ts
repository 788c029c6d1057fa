import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const MINUTE = 60_000;

describe("admin sign-in", () => {
  test("GET /admin without a session redirects to /admin/login", async () => {
    const res = await t.request("/admin");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/login?next=%2Fadmin");
    expect((await t.request("/admin/login")).status).toBe(200);
  });

  test("the printed credentials reach the admin home", async () => {
    const cookie = await t.signIn();
    const res = await t.request("/admin", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Signed in as ${ADMIN.email}`);
  });

  test("the address is compared case-insensitively and trimmed", async () => {
    await t.signIn(`  ${ADMIN.email.toUpperCase()} `);
  });

  test("a wrong password and an unknown email get the identical answer", async () => {
    const wrong = await t.form("/admin/login", { email: ADMIN.email, password: "nope" });
    const unknown = await t.form("/admin/login", { email: "ghost@test.example", password: "nope" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<p class="notice error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
    expect(message(await wrong.text())).toBe("Wrong email or password.");
    expect(message(await unknown.text())).toBe("Wrong email or password.");
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  test("an empty form re-renders with a message and no session", async () => {
    const res = await t.form("/admin/login", { email: "", password: "" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Enter your email address.");
  });

  test("five wrong passwords lock the account for 15 minutes, even for the right password", async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.form("/admin/login", { email: ADMIN.email, password: `bad${i}` })).status,
      ).toBe(401);
    }
    const locked = await t.form("/admin/login", ADMIN);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(await locked.text()).toContain("locked");
    t.clock.advance(14 * MINUTE);
    expect((await t.form("/admin/login", ADMIN)).status).toBe(429);
    t.clock.advance(1 * MINUTE + 1000);
    expect((await t.form("/admin/login", ADMIN)).status).toBe(303);
  });

  test("failures spread over more than 15 minutes do not lock", async () => {
    for (let i = 0; i < 8; i++) {
      await t.form("/admin/login", { email: ADMIN.email, password: "bad" });
      t.clock.advance(4 * MINUTE);
    }
    expect((await t.form("/admin/login", ADMIN)).status).toBe(303);
  });

  test("an unknown address locks exactly like a known one", async () => {
    const tries = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await t.form("/admin/login", { email, password: "bad" })).status);
      }
      return statuses;
    };
    expect(await tries("ghost@test.example")).toEqual(await tries(ADMIN.email));
  });

  test("an Origin from another site is refused and creates no session (CSRF)", async () => {
    const evil = await t.form("/admin/login", ADMIN, { Origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("set-cookie")).toBeNull();
    const none = await t.request("/admin/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(ADMIN).toString(),
    });
    expect(none.status).toBe(403);
    const rows = await t.client.execute("SELECT count(*) AS n FROM admin_sessions");
    expect(rows.rows[0]?.n).toBe(0);
  });

  test("the next parameter cannot send the admin to another site", async () => {
    const res = await t.form("/admin/login", { ...ADMIN, next: "//evil.example/admin" });
    expect(res.headers.get("location")).toBe("/admin");
  });
});

describe("sessions", () => {
  test("the cookie is HttpOnly, SameSite=Lax, and not Secure on http", async () => {
    const res = await t.form("/admin/login", ADMIN);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  test("the cookie is Secure when PUBLIC_URL is https", async () => {
    const https = await createTestApp({ PUBLIC_URL: "https://relance.example.org" });
    try {
      const res = await https.form("/admin/login", ADMIN, {
        Origin: "https://relance.example.org",
      });
      expect(res.headers.get("set-cookie")).toMatch(/Secure/);
    } finally {
      https.close();
    }
  });

  test("session ids are stored hashed", async () => {
    const cookie = await t.signIn();
    const id = cookie.split("=")[1] ?? "";
    const rows = await t.client.execute("SELECT id_hash FROM admin_sessions");
    expect(rows.rows).toHaveLength(1);
    expect(String(rows.rows[0]?.id_hash)).not.toContain(id);
    expect(String(rows.rows[0]?.id_hash)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("signing in gives a new id and revokes the one the browser had (no fixation)", async () => {
    const first = await t.signIn();
    const res = await t.form("/admin/login", ADMIN, { Cookie: first });
    const second = res.headers.get("set-cookie")?.split(";")[0];
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await t.request("/admin", { headers: { Cookie: first } })).status).toBe(303);
    expect((await t.request("/admin", { headers: { Cookie: second ?? "" } })).status).toBe(200);
  });

  test("signing out revokes the session", async () => {
    const cookie = await t.signIn();
    const out = await t.form("/admin/logout", {}, { Cookie: cookie });
    expect(out.status).toBe(303);
    expect((await t.request("/admin", { headers: { Cookie: cookie } })).status).toBe(303);
  });

  test("sessions expire after 12 hours", async () => {
    const cookie = await t.signIn();
    t.clock.advance(11 * 60 * MINUTE);
    expect((await t.request("/admin", { headers: { Cookie: cookie } })).status).toBe(200);
    t.clock.advance(61 * MINUTE);
    expect((await t.request("/admin", { headers: { Cookie: cookie } })).status).toBe(303);
  });

  test("a forged cookie is just no session", async () => {
    const res = await t.request("/admin", { headers: { Cookie: "relance_session=forged" } });
    expect(res.status).toBe(303);
  });
});

describe("API tokens", () => {
  const post = (body: string) =>
    t.request("/api/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });

  test("POST /api/v1/tokens issues a token with an ISO 8601 expiry", async () => {
    const res = await post(JSON.stringify(ADMIN));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; expires_at: string };
    expect(body.token).toMatch(/^rl_[A-Za-z0-9_-]{40,}$/);
    expect(new Date(body.expires_at).toISOString()).toBe(body.expires_at);
    const stored = await t.client.execute("SELECT token_hash FROM api_tokens");
    expect(String(stored.rows[0]?.token_hash)).not.toContain(body.token);
  });

  test("wrong password and unknown email give the identical 401 problem", async () => {
    const wrong = await post(JSON.stringify({ email: ADMIN.email, password: "nope" }));
    const unknown = await post(JSON.stringify({ email: "ghost@test.example", password: "nope" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toBe("application/problem+json");
    expect(await wrong.text()).toBe(await unknown.text());
  });

  test("malformed JSON is a 400 and missing fields a 422 with field errors", async () => {
    const malformed = await post("{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("content-type")).toBe("application/problem+json");
    const invalid = await post(JSON.stringify({ email: "" }));
    expect(invalid.status).toBe(422);
    const problem = (await invalid.json()) as {
      type: string;
      title: string;
      detail: string;
      errors: { field: string }[];
    };
    expect(problem.type).toBeTruthy();
    expect(problem.title).toBeTruthy();
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["email", "password"]);
  });

  test("the token endpoint is locked out like the form", async () => {
    for (let i = 0; i < 5; i++) await post(JSON.stringify({ email: ADMIN.email, password: "bad" }));
    const locked = await post(JSON.stringify(ADMIN));
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toBeTruthy();
  });

  test("every other /api/v1 route answers 401 problem+json without a valid token", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/lists"],
      ["POST", "/api/v1/campaigns"],
      ["GET", "/api/v1/sending"],
      ["GET", "/api/v1/anything"],
    ] as const) {
      const res = await t.request(path, { method });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const bad = await t.api("rl_forged", method, path);
      expect(bad.status, path).toBe(401);
    }
  });

  test("a valid token passes the guard; an expired one does not", async () => {
    const token = await t.token();
    const unknown = await t.api(token, "GET", "/api/v1/no-such-route");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    t.clock.advance(31 * 24 * 60 * MINUTE);
    expect((await t.api(token, "GET", "/api/v1/no-such-route")).status).toBe(401);
  });
});

describe("first admin", () => {
  test("is created once, with a scrypt hash, never a plain or fast hash", async () => {
    const rows = await t.client.execute("SELECT email, password_hash FROM admins");
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.email).toBe(ADMIN.email);
    expect(String(rows.rows[0]?.password_hash)).toMatch(/^scrypt\$16384\$8\$5\$/);
    expect(String(rows.rows[0]?.password_hash)).not.toContain(ADMIN.password);
  });
});

describe("pages and errors", () => {
  test("an unknown page is a 404 HTML page; a thrown error a 500 page showing nothing internal", async () => {
    const missing = await t.request("/no/such/page");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/text\/html/);
    expect(await missing.text()).toContain("Page introuvable");

    const app = createApp(t.deps);
    app.get("/boom", () => {
      throw new Error("secret internal detail");
    });
    const original = console.error;
    console.error = () => {};
    try {
      const boom = await app.request(`${ORIGIN}/boom`, { headers: { "Accept-Language": "en" } });
      expect(boom.status).toBe(500);
      const html = await boom.text();
      expect(html).toContain("Server error");
      expect(html).not.toContain("secret internal detail");
    } finally {
      console.error = original;
    }
  });

  test("secure headers: CSP without inline script or eval, no framing", async () => {
    const res = await t.request("/");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("bodies over 1 MB are refused with 413", async () => {
    const res = await t.request("/api/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
  });
});

describe("languages", () => {
  test("Accept-Language picks English, French is the default", async () => {
    expect(
      await (await t.request("/", { headers: { "Accept-Language": "en-GB,en;q=0.9" } })).text(),
    ).toContain('<html lang="en">');
    expect(await (await t.request("/")).text()).toContain('<html lang="fr">');
    expect(
      await (
        await t.request("/", { headers: { "Accept-Language": "de, en;q=0.5, fr;q=0.8" } })
      ).text(),
    ).toContain('<html lang="fr">');
  });

  test("the visible switch sets a cookie that wins over Accept-Language", async () => {
    const res = await t.form("/lang", { lang: "en", back: "/status" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/status");
    const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toBe("lang=en");
    const page = await t.request("/", { headers: { Cookie: cookie, "Accept-Language": "fr" } });
    expect(await page.text()).toContain('<html lang="en">');
  });

  test("the switch never redirects off-site and ignores unknown languages", async () => {
    const res = await t.form("/lang", { lang: "xx", back: "//evil.example" });
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
