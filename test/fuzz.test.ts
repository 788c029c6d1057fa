// Hostile and random input on every JSON and form endpoint: never a 5xx, a clear error, and a
// refused request changes nothing.
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApp } from "../src/app";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
let token: string;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "100000" });
  token = await t.token();
  cookie = await t.signIn();
  // Something to point ids at: a list with contacts, a campaign, an incident and a poll.
  const list = (await (
    await t.api(token, "POST", "/api/v1/lists", { slug: "fuzz", name: "Fuzz", purpose: "Testing." })
  ).json()) as { id: number };
  await t.request(`/api/v1/lists/${list.id}/imports?source=fuzz`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
    body: "email,name\na@example.org,A\nb@example.org,B\n",
  });
  await t.api(token, "POST", "/api/v1/campaigns", { list_id: list.id, subject: "S", text: "T" });
  await t.api(token, "POST", "/api/v1/incidents", {
    slug: "fuzz",
    title: "T",
    status: "investigating",
    impact: "minor",
    body: "B",
  });
  await t.api(token, "POST", "/api/v1/polls", {
    slug: "fuzz",
    question: "Q?",
    options: ["a", "b"],
  });
});
afterAll(() => t.close());

const HOSTILE = [
  "",
  " ",
  "\u0000",
  "\r\nBcc: all@example.org",
  "<script>alert(1)</script>",
  "'; DROP TABLE contacts; --",
  "../../etc/passwd",
  "%2e%2e%2f",
  "\uD800",
  "x".repeat(100_000),
  "1e309",
  "-1",
  "NaN",
  "😀".repeat(500),
];

const hostileValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);
const hostileObject = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "email",
      "name",
      "slug",
      "purpose",
      "subject",
      "text",
      "html",
      "deadline",
      "dry_run",
      "list_id",
      "reason",
      "title",
      "status",
      "impact",
      "body",
      "question",
      "options",
      "closes_at",
      "attributes",
      "password",
    ),
    fc.string({ maxLength: 10 }),
  ),
  hostileValue,
  { maxKeys: 8 },
);
const hostileBody = fc.oneof(
  hostileObject.map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.constant(`${"[".repeat(5000)}${"]".repeat(5000)}`),
  fc.constant("{"),
);

/** Rows of every table but the ones any request may touch (limits, tokens, sessions). */
async function snapshot() {
  const tables = (
    await t.client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
  ).rows
    .map((r) => String(r.name))
    .filter(
      (n) =>
        ![
          "rate_limit_hits",
          "api_tokens",
          "admin_sessions",
          "login_failures",
          "_migrations",
        ].includes(n),
    );
  const out: Record<string, unknown> = {};
  for (const table of tables)
    out[table] = (await t.client.execute(`SELECT * FROM "${table}"`)).rows;
  return JSON.stringify(out);
}

function writeRoutes(prefix: RegExp) {
  const seen = new Set<string>();
  return createApp(t.deps)
    .routes.filter(
      (r) =>
        ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) &&
        prefix.test(r.path) &&
        !r.path.includes("*"),
    )
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1") }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

test("every JSON API write: hostile bodies never give a 5xx; refusals are problem+json and change nothing", async () => {
  const routes = writeRoutes(/^\/api\/v1\//).filter(
    (r) => !r.path.includes("/sending/") && r.path !== "/api/v1/tokens",
  );
  expect(routes.length).toBeGreaterThan(8);
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(
        hostileBody,
        fc.constantFrom(
          "application/json",
          "text/csv",
          "text/plain",
          "application/x-www-form-urlencoded",
        ),
        async (body, type) => {
          const before = await snapshot();
          const res = await t.request(route.path, {
            method: route.method,
            headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
            body,
          });
          expect(res.status, `${route.method} ${route.path} ${body.slice(0, 80)}`).toBeLessThan(
            500,
          );
          if (res.status >= 400) {
            expect(res.headers.get("content-type"), route.path).toBe("application/problem+json");
            const problem = (await res.json()) as { detail?: string; title?: string };
            expect(problem.detail || problem.title).toBeTruthy();
            expect(
              await snapshot(),
              `${route.method} ${route.path} changed state on ${res.status}`,
            ).toBe(before);
          }
        },
      ),
      { numRuns: 25 },
    );
  }
}, 300_000);

test("every form: hostile fields never give a 5xx", async () => {
  const routes = writeRoutes(/^\/(?!api\/|webhooks\/)/).filter((r) => !r.path.endsWith("/logout"));
  expect(routes.length).toBeGreaterThan(5);
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 100 })),
          { maxKeys: 6 },
        ),
        async (fields) => {
          const res = await t.request(route.path, {
            method: route.method,
            headers: {
              Cookie: cookie,
              Origin: ORIGIN,
              "Content-Type": "application/x-www-form-urlencoded",
            },
            body: new URLSearchParams(fields).toString(),
          });
          expect(
            res.status,
            `${route.method} ${route.path} ${JSON.stringify(fields).slice(0, 120)}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: 15 },
    );
  }
}, 300_000);

/** Percent-encodes, turning a lone surrogate into the invalid UTF-8 a client could still send. */
const enc = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
};

test("hostile query strings and paths on every GET never give a 5xx and never change state", async () => {
  const seen = new Set<string>();
  const gets = createApp(t.deps)
    .routes.filter((r) => r.method === "GET" && !r.path.includes("*"))
    .map((r) => r.path)
    .filter((p) => !seen.has(p) && seen.add(p));
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...gets),
      fc.constantFrom(...HOSTILE.filter((h) => h.length < 1000)),
      async (path, value) => {
        const url = `${path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, enc(value) || "x")}?q=${enc(value)}&status=${enc(value)}&limit=${enc(value)}&cursor=${enc(value)}&to=${enc(value)}`;
        const res = await t.request(url, {
          headers: { Cookie: cookie, Authorization: `Bearer ${token}` },
        });
        expect(res.status, url.slice(0, 200)).toBeLessThan(500);
      },
    ),
    { numRuns: 300 },
  );
  // SQL in a filter or search parameter changes nothing, and no GET writes (invariant 7).
  expect(await snapshot()).toBe(before);
}, 300_000);
