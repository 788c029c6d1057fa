// The team page (owners) and one's account page: invite, change role, remove, password, revoke.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ADMIN, createTestApp, type TestApp } from "./helpers";
import { addMember } from "./team-helpers";

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  cookie = await t.signIn();
});
afterEach(() => t.close());

const page = async (path: string, c = cookie) => {
  const res = await t.request(path, { headers: { Cookie: c } });
  return { status: res.status, html: await res.text() };
};

describe("team page", () => {
  test("an owner invites, changes a role and removes an admin from the page", async () => {
    const invited = await t.form(
      "/admin/admins",
      { email: "cleo@test.example", role: "editor" },
      { Cookie: cookie },
    );
    expect(invited.status).toBe(200);
    const html = await invited.text();
    expect(html).toContain("cleo@test.example is invited as editor.");
    const url = /http:\/\/[^<\s]+\/invite\/[\w-]+/.exec(html)?.[0];
    expect(url).toBeDefined();
    const id = /\/admin\/admins\/(\d+)\/role/.exec(
      html.slice(html.indexOf("<td>cleo@test.example</td>")),
    )?.[1];
    const changed = await t.form(
      `/admin/admins/${id}/role`,
      { role: "sender" },
      { Cookie: cookie },
    );
    expect(await changed.text()).toContain("cleo@test.example is now sender.");
    const bad = await t.form(`/admin/admins/${id}/role`, { role: "king" }, { Cookie: cookie });
    expect(bad.status).toBe(422);
    const removed = await t.form(`/admin/admins/${id}/remove`, {}, { Cookie: cookie });
    expect(removed.status).toBe(200);
    expect((await page("/admin/admins")).html).not.toContain("cleo@test.example");
    // The invitation died with the removal.
    expect((await t.request(new URL(url ?? "").pathname)).status).toBe(410);
  });

  test("an editor sees a clear refusal instead of the team page", async () => {
    const editor = await addMember(t, await t.token(), "editor");
    const theirs = await t.signIn(editor.email, editor.password);
    const res = await page("/admin/admins", theirs);
    expect(res.status).toBe(403);
    expect(res.html).toContain("Your role (editor) may not do this: it needs owner");
    expect((await page("/admin/account", theirs)).status).toBe(200);
  });
});

describe("account page", () => {
  test("a password change checks the current one, keeps this browser, ends other sessions", async () => {
    const other = await t.signIn();
    const wrong = await t.form(
      "/admin/account/password",
      { current_password: "nope", new_password: "a new long password" },
      { Cookie: cookie },
    );
    expect(wrong.status).toBe(401);
    const short = await t.form(
      "/admin/account/password",
      { current_password: ADMIN.password, new_password: "short" },
      { Cookie: cookie },
    );
    expect(short.status).toBe(422);
    const ok = await t.form(
      "/admin/account/password",
      { current_password: ADMIN.password, new_password: "a new long password" },
      { Cookie: cookie },
    );
    expect(ok.status).toBe(200);
    expect((await page("/admin")).status).toBe(200);
    expect((await page("/admin", other)).status).toBe(303);
    await t.signIn(ADMIN.email, "a new long password");
    const audit = await t.client.execute("SELECT action FROM audit_log");
    expect(audit.rows.map((r) => r.action)).toContain("admin.password_changed");
  });

  test("sessions and tokens are listed and can be ended one by one", async () => {
    const other = await t.signIn();
    await t.token();
    const html = (await page("/admin/account")).html;
    expect(html).toContain("this browser");
    const sessionId = /\/admin\/account\/sessions\/([0-9a-f]{16})\/revoke/.exec(html)?.[1];
    const tokenId = /\/admin\/account\/tokens\/([0-9a-f]{16})\/revoke/.exec(html)?.[1];
    expect(
      (await t.form(`/admin/account/sessions/${sessionId}/revoke`, {}, { Cookie: cookie })).status,
    ).toBe(200);
    expect((await page("/admin", other)).status).toBe(303);
    expect(
      (await t.form(`/admin/account/tokens/${tokenId}/revoke`, {}, { Cookie: cookie })).status,
    ).toBe(200);
    expect(
      (await t.form(`/admin/account/tokens/${tokenId}/revoke`, {}, { Cookie: cookie })).status,
    ).toBe(404);
  });
});
