// Hostile and random input on every JSON and form endpoint: never a 5xx, a clear error, and a
// refused request changes nothing.
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApp } from "../src/app";
import { signFormStart } from "../src/polls/bot-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
let token: string;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "100000", WEBHOOK_ALLOW_PRIVATE: "1" });
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
  // The second wave's ids: a send (a re-consent of the list), an outgoing webhook endpoint.
  const send = await t.api(token, "POST", `/api/v1/lists/${list.id}/reconsent`, {
    deadline: "2026-12-31T00:00:00Z",
  });
  expect(send.status).toBeLessThan(300);
  const endpoint = await t.api(token, "POST", "/api/v1/webhook-endpoints", {
    url: "http://127.0.0.1:9/hook",
    events: ["*"],
  });
  expect(endpoint.status).toBe(201);
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
      // The second wave's fields.
      "role",
      "url",
      "events",
      "services",
      "components",
      "send_at",
      "code",
      "audience",
      "results_visibility",
      "max_choices",
      "notify",
      "from_send",
      "approve",
    ),
    fc.string({ maxLength: 10 }),
  ),
  hostileValue,
  { maxKeys: 8 },
);
/** Strings and shapes that pass a schema's first checks, so the fuzz reaches nested ones. */
const hostileText = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 }));
const hostileDate = fc.oneof(
  hostileText,
  fc.constantFrom("2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z"),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const shapedObject = fc.record(
  {
    slug: fc.oneof(fc.constant("fuzz-2"), hostileText),
    email: fc.oneof(fc.constant("z@example.org"), hostileText),
    role: fc.oneof(fc.constantFrom("owner", "sender", "editor", "viewer"), hostileText),
    url: fc.oneof(fc.constant("http://127.0.0.1:9/x"), hostileText),
    events: fc.array(fc.oneof(fc.constantFrom("*", "incident.*"), hostileText), { maxLength: 30 }),
    services: fc.array(fc.oneof(hostileText, hostileValue), { maxLength: 30 }),
    components: fc.array(
      fc.oneof(fc.record({ slug: hostileText, status: hostileText }), hostileValue),
      { maxLength: 10 },
    ),
    options: fc.array(hostileText, { maxLength: 30 }),
    send_at: hostileDate,
    deadline: hostileDate,
    closes_at: hostileDate,
    reason: hostileText,
    code: fc.oneof(fc.constantFrom("000000", "123456"), hostileText),
    audience: fc.oneof(fc.constantFrom("public", "list"), hostileText),
    results_visibility: fc.oneof(
      fc.constantFrom("always", "after_vote", "after_close"),
      hostileText,
    ),
    max_choices: fc.oneof(fc.integer(), hostileValue),
    list_id: fc.oneof(fc.constant(1), fc.integer()),
    from_send: fc.oneof(fc.constant(1), hostileValue),
    notify: hostileValue,
    title: hostileText,
    status: hostileText,
    impact: hostileText,
    body: hostileText,
    question: hostileText,
    subject: hostileText,
    text: hostileText,
    name: hostileText,
  },
  { requiredKeys: [] },
);
const hostileBody = fc.oneof(
  hostileObject.map((o) => JSON.stringify(o)),
  shapedObject.map((o) => JSON.stringify(o)),
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
  return (
    createApp(t.deps)
      .routes.filter(
        (r) =>
          ["POST", "PATCH", "PUT", "DELETE"].includes(r.method) &&
          prefix.test(r.path) &&
          !r.path.includes("*"),
      )
      // Ids point at the rows made above (1), slugs at "fuzz": the fuzz reaches the bodies.
      .map((r) => ({
        method: r.method,
        path: r.path.replace(/:slug/g, "fuzz").replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1"),
      }))
      .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
  );
}

test("every JSON API write: hostile bodies never give a 5xx; refusals are problem+json and change nothing", async () => {
  // Deletions last: the rows the other routes' ids point at are still there when they are fuzzed.
  const routes = writeRoutes(/^\/api\/v1\//)
    .filter((r) => !r.path.includes("/sending/") && r.path !== "/api/v1/tokens")
    .sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
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

/** Form fields: named like the app's (repeated, as checkboxes are) or random; some carry a valid display time. */
const hostileForm = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            "email",
            "name",
            "consent",
            "role",
            "url",
            "events",
            "components",
            "services",
            "code",
            "send_at",
            "reason",
            "option",
            "website",
            "pow",
            "password",
          ),
          fc.string({ maxLength: 12 }),
        ),
        fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 100 })),
      ),
      { maxLength: 8 },
    ),
    fc.boolean(),
  )
  .map(([entries, shown]) => {
    const fields = new URLSearchParams(entries);
    // A form shown a moment ago passes the bot checks, so the fuzz reaches the fields behind them.
    if (shown)
      fields.set("form_started", signFormStart(t.deps, new Date(t.clock.now().getTime() - 5000)));
    return fields;
  });

test("every form: hostile fields never give a 5xx; a refusal changes nothing", async () => {
  const routes = writeRoutes(/^\/(?!api\/|webhooks\/)/).filter((r) => !r.path.endsWith("/logout"));
  expect(routes.length).toBeGreaterThan(5);
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(hostileForm, async (fields) => {
        // Past the per-client limit of the public forms (10 a minute), the fuzz would meet 429s.
        t.clock.advance(6_100);
        const before = await snapshot();
        const res = await t.request(route.path, {
          method: route.method,
          headers: {
            Cookie: cookie,
            Origin: ORIGIN,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: fields.toString(),
        });
        const what = `${route.method} ${route.path} ${fields.toString().slice(0, 160)}`;
        expect(res.status, what).toBeLessThan(500);
        if (res.status >= 400) expect(await snapshot(), `${what} changed state`).toBe(before);
      }),
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
