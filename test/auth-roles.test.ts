// Every write route × every role, enumerated from the router itself (never typed by hand):
// each is refused with 403 below the role the table asks for, and admitted at or above it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { leastRoleFor, ROLES, roleAtLeast } from "../src/auth/roles";
import type { Role } from "../src/auth/service";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { addMember } from "./team-helpers";

let t: TestApp;
const tokens = {} as Record<Role, string>;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp();
  tokens.owner = await t.token();
  cookies.owner = await t.signIn();
  for (const role of ["viewer", "editor", "sender"] as const) {
    const member = await addMember(t, tokens.owner, role);
    tokens[role] = member.token;
    cookies[role] = await t.signIn(member.email, member.password);
  }
}, 120_000);
afterAll(() => t.close());

const PUBLIC = new Set(["POST /admin/login", "POST /api/v1/tokens"]);
const isRead = (method: string) => method === "GET" || method === "HEAD";

/** A concrete path for a route pattern: ids that name nothing, the first of each alternative. */
const concrete = (pattern: string) =>
  pattern
    .replace(/:[A-Za-z]+\{([^}|]+)[^}]*\}/g, "$1")
    .replace(/:[A-Za-z]+/g, "987654")
    .replace(/\*$/, "anything");

/** Write routes behind sign-in, from the app's own route table; sign-out last (it ends the session). */
function writeRoutes() {
  const seen = new Set<string>();
  const routes: { method: string; path: string }[] = [];
  for (const { method, path } of t.app.routes) {
    if (method === "ALL" || isRead(method) || (path.includes("*") && !path.endsWith("/*")))
      continue;
    if (!path.startsWith("/admin") && !path.startsWith("/api/v1/")) continue;
    const key = `${method} ${path}`;
    if (PUBLIC.has(key) || seen.has(key)) continue;
    seen.add(key);
    routes.push({ method, path });
  }
  return routes.sort(
    (a, b) => Number(a.path === "/admin/logout") - Number(b.path === "/admin/logout"),
  );
}

async function call(role: Role, method: string, path: string) {
  if (path.startsWith("/api/")) {
    return t.api(tokens[role], method, path, {});
  }
  return t.request(path, {
    method,
    headers: {
      Cookie: cookies[role],
      Origin: ORIGIN,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "",
  });
}

describe("role table", () => {
  test("the router has write routes in every part that needs a role", () => {
    const routes = writeRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const least = new Set(routes.map((r) => leastRoleFor(r.method, concrete(r.path))));
    expect([...least].sort()).toEqual(["editor", "owner", "sender", "viewer"]);
  });

  test("every write route × every role: refused below its least role, admitted at or above", async () => {
    const mismatches: string[] = [];
    for (const { method, path } of writeRoutes()) {
      const url = concrete(path);
      const least = leastRoleFor(method, url);
      for (const role of ROLES) {
        const res = await call(role, method, url);
        const refused = res.status === 403 && (await res.text()).includes(`Your role (${role})`);
        // Signing out answers with the sign-in page too: that is its success, not a missing session.
        const unauthenticated =
          res.status === 401 ||
          (path !== "/admin/logout" && res.headers.get("location")?.startsWith("/admin/login"));
        const expected = roleAtLeast(role, least) ? "admitted" : "refused";
        const got = refused ? "refused" : unauthenticated ? "unauthenticated" : "admitted";
        if (got !== expected)
          mismatches.push(
            `${method} ${path} as ${role}: ${got} (${res.status}), expected ${expected}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000);

  test("the decisions the contract names", () => {
    const cases: [string, string, Role][] = [
      ["POST", "/api/v1/lists", "editor"],
      ["POST", "/api/v1/lists/1/imports", "editor"],
      ["PATCH", "/api/v1/lists/1/contacts/2", "editor"],
      ["POST", "/api/v1/incidents", "editor"],
      ["POST", "/api/v1/polls", "editor"],
      ["POST", "/api/v1/campaigns", "editor"],
      ["PATCH", "/api/v1/campaigns/1", "editor"],
      ["POST", "/api/v1/campaigns/1/duplicate", "editor"],
      ["POST", "/api/v1/components", "editor"],
      ["POST", "/api/v1/maintenances", "editor"],
      ["PATCH", "/api/v1/maintenances/1", "editor"],
      ["POST", "/api/v1/maintenances/1/cancel", "editor"],
      ["POST", "/admin/status/maintenances/1", "editor"],
      ["POST", "/admin/status/maintenances/1/cancel", "editor"],
      ["POST", "/api/v1/campaigns/1/send", "sender"],
      ["POST", "/api/v1/campaigns/1/test", "sender"],
      ["POST", "/api/v1/sends/1/approve", "sender"],
      ["POST", "/api/v1/sends/1/reject", "sender"],
      ["POST", "/api/v1/sends/1/cancel", "sender"],
      ["POST", "/api/v1/sends/1/retry-failed", "sender"],
      ["POST", "/api/v1/sends/1/resume", "sender"],
      ["POST", "/api/v1/lists/1/reconsent", "sender"],
      ["POST", "/api/v1/polls/1/invite", "sender"],
      ["POST", "/api/v1/suppressions/abc/lift", "sender"],
      ["POST", "/api/v1/sending/resume", "sender"],
      ["POST", "/api/v1/campaigns/1/schedule", "sender"],
      ["POST", "/api/v1/campaigns/1/cancel", "sender"],
      ["POST", "/admin/sends/1/approve", "sender"],
      ["POST", "/admin/suppressions/remove", "sender"],
      ["POST", "/admin/campaigns/1/duplicate", "editor"],
      ["POST", "/admin/lists/1/contacts/2/erase", "editor"],
      ["POST", "/api/v1/sending/pause", "viewer"],
      ["POST", "/admin/sending/pause", "viewer"],
      ["GET", "/api/v1/admins", "owner"],
      ["POST", "/api/v1/admins", "owner"],
      ["PATCH", "/api/v1/admins/2", "owner"],
      ["DELETE", "/api/v1/admins/2", "owner"],
      ["POST", "/api/v1/webhook-endpoints", "owner"],
      ["GET", "/admin/admins", "owner"],
      ["GET", "/api/v1/tokens", "viewer"],
      ["DELETE", "/api/v1/tokens/abc", "viewer"],
      ["GET", "/api/v1/sends/1/failures", "viewer"],
      ["GET", "/api/v1/lists/1/consent-evidence", "viewer"],
    ];
    expect(cases.map(([m, p]) => [m, p, leastRoleFor(m, p)])).toEqual(cases);
  });
});
