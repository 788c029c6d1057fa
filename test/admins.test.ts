// A team, not one admin: invitations, roles, removal, tokens (issue 17, "Admins and roles").
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ADMIN, createTestApp, type TestApp } from "./helpers";
import { addMember } from "./team-helpers";

let t: TestApp;
let owner: string;
beforeEach(async () => {
  t = await createTestApp();
  owner = await t.token();
});
afterEach(() => t.close());

const HOUR = 60 * 60_000;
const audit = async () =>
  (await t.client.execute("SELECT action, summary FROM audit_log ORDER BY id")).rows.map((r) => ({
    action: String(r.action),
    summary: String(r.summary),
  }));

describe("invitations", () => {
  test("the first admin is an owner; an invitation gives a one-time link that sets the password", async () => {
    const listed = await (await t.api(owner, "GET", "/api/v1/admins")).json();
    expect(listed.items).toEqual([expect.objectContaining({ email: ADMIN.email, role: "owner" })]);

    const res = await t.api(owner, "POST", "/api/v1/admins", {
      email: "Bea@Test.example",
      role: "editor",
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({
      id: expect.any(Number),
      email: "bea@test.example",
      role: "editor",
      created_at: expect.any(String),
      invite_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:8787\/invite\/[\w-]{43}$/),
    });
    const path = new URL(body.invite_url).pathname;
    // Not an admin yet: no password works.
    expect(
      (await t.form("/admin/login", { email: "bea@test.example", password: "!" })).status,
    ).toBe(401);
    const page = await t.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("bea@test.example");
    expect((await t.form(path, { password: "short" })).status).toBe(422);
    const set = await t.form(path, { password: "bea's own password" });
    expect(set.status).toBe(303);
    expect(set.headers.get("set-cookie")).toContain("relance_session=");
    await t.signIn("bea@test.example", "bea's own password");
    // Once only.
    expect((await t.form(path, { password: "another password" })).status).toBe(410);
    expect((await t.request(path)).status).toBe(410);
    expect((await audit()).map((e) => e.action)).toEqual(
      expect.arrayContaining(["admin.invited", "admin.invitation_accepted"]),
    );
  });

  test("an invitation expires after 72 hours", async () => {
    const body = await (
      await t.api(owner, "POST", "/api/v1/admins", { email: "late@test.example", role: "viewer" })
    ).json();
    t.clock.advance(72 * HOUR + 1000);
    const path = new URL(body.invite_url).pathname;
    expect((await t.request(path)).status).toBe(410);
    expect((await t.form(path, { password: "too late for this" })).status).toBe(410);
  });

  test("bad input is a 400 or 422 and changes nothing; an existing address is a 409", async () => {
    expect((await t.api(owner, "POST", "/api/v1/admins", "{nope")).status).toBe(400);
    const invalid = await t.api(owner, "POST", "/api/v1/admins", { email: "x", role: "king" });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).errors.map((e: { field: string }) => e.field)).toEqual([
      "email",
      "role",
    ]);
    const dup = await t.api(owner, "POST", "/api/v1/admins", {
      email: ADMIN.email,
      role: "viewer",
    });
    expect(dup.status).toBe(409);
    expect(dup.headers.get("content-type")).toBe("application/problem+json");
    expect((await (await t.api(owner, "GET", "/api/v1/admins")).json()).items).toHaveLength(1);
  });
});

describe("roles", () => {
  test("a role change is audited; the last owner cannot be demoted or removed", async () => {
    const bea = await addMember(t, owner, "viewer", "bea@test.example");
    const changed = await t.api(owner, "PATCH", `/api/v1/admins/${bea.id}`, { role: "sender" });
    expect(changed.status).toBe(200);
    expect((await changed.json()).role).toBe("sender");
    expect(await audit()).toContainEqual({
      action: "admin.role_changed",
      summary: "Role of bea@test.example: viewer → sender.",
    });
    const me = (await (await t.api(owner, "GET", "/api/v1/admins")).json()).items[0].id;
    expect((await t.api(owner, "PATCH", `/api/v1/admins/${me}`, { role: "viewer" })).status).toBe(
      409,
    );
    expect((await t.api(owner, "DELETE", `/api/v1/admins/${me}`)).status).toBe(409);
    expect((await t.api(owner, "PATCH", "/api/v1/admins/999", { role: "viewer" })).status).toBe(
      404,
    );
  });

  test("a viewer is refused writes with a 403 problem, and the admins API entirely", async () => {
    const viewer = await addMember(t, owner, "viewer");
    const write = await t.api(viewer.token, "POST", "/api/v1/lists", { name: "x" });
    expect(write.status).toBe(403);
    expect(write.headers.get("content-type")).toBe("application/problem+json");
    expect((await write.json()).detail).toMatch(/viewer.*editor/);
    expect((await t.api(viewer.token, "GET", "/api/v1/admins")).status).toBe(403);
    expect((await t.api(viewer.token, "GET", "/api/v1/sending")).status).toBe(200);
    // Anyone may stop all sending; resuming needs a sender.
    expect((await t.api(viewer.token, "POST", "/api/v1/sending/pause")).status).not.toBe(403);
    expect((await t.api(viewer.token, "POST", "/api/v1/sending/resume")).status).toBe(403);
  });

  test("on the admin site a refusal is a clear page", async () => {
    const viewer = await addMember(t, owner, "viewer");
    const cookie = await t.signIn(viewer.email, viewer.password);
    const res = await t.form("/admin/lists/1/archive", {}, { Cookie: cookie });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Your role (viewer) may not do this");
  });
});

describe("removal", () => {
  test("removing an admin ends their sessions and tokens at once", async () => {
    const sam = await addMember(t, owner, "sender");
    const cookie = await t.signIn(sam.email, sam.password);
    expect((await t.api(sam.token, "GET", "/api/v1/sending")).status).toBe(200);
    expect((await t.api(owner, "DELETE", `/api/v1/admins/${sam.id}`)).status).toBe(204);
    expect((await t.api(sam.token, "GET", "/api/v1/sending")).status).toBe(401);
    expect((await t.request("/admin", { headers: { Cookie: cookie } })).status).toBe(303);
    expect(
      (await t.form("/admin/login", { email: sam.email, password: sam.password })).status,
    ).toBe(401);
    const listed = (await (await t.api(owner, "GET", "/api/v1/admins")).json()).items;
    expect(listed.map((a: { email: string }) => a.email)).toEqual([ADMIN.email]);
    expect((await audit()).map((e) => e.action)).toContain("admin.removed");
  });
});

describe("API tokens", () => {
  test("tokens have a name, are listed with role and last use, and can be revoked", async () => {
    const res = await t.request("/api/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...ADMIN, name: "CI" }),
    });
    expect(res.status).toBe(201);
    const { token } = await res.json();
    t.clock.advance(5 * 60_000);
    const listed = await (await t.api(token, "GET", "/api/v1/tokens")).json();
    expect(listed.items).toHaveLength(2);
    const ci = listed.items.find((i: { name: string | null }) => i.name === "CI");
    expect(ci).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      name: "CI",
      role: "owner",
      created_at: "2026-01-15T08:00:00.000Z",
      expires_at: expect.any(String),
      last_used_at: "2026-01-15T08:05:00.000Z",
    });
    expect((await t.api(owner, "DELETE", `/api/v1/tokens/${ci.id}`)).status).toBe(204);
    expect((await t.api(token, "GET", "/api/v1/tokens")).status).toBe(401);
    expect((await t.api(owner, "DELETE", `/api/v1/tokens/${ci.id}`)).status).toBe(404);
  });

  test("nobody can revoke another admin's token", async () => {
    const viewer = await addMember(t, owner, "viewer");
    const mine = (await (await t.api(owner, "GET", "/api/v1/tokens")).json()).items[0];
    expect((await t.api(viewer.token, "DELETE", `/api/v1/tokens/${mine.id}`)).status).toBe(404);
    expect((await t.api(owner, "GET", "/api/v1/tokens")).status).toBe(200);
  });
});
