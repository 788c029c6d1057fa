// Rotating SECRET_KEY on a database in use (issue 17, defect 3): links already mailed, cookies
// already set, suppressions and votes made under the old key must still hold after the change,
// and a start with an unknown key must refuse instead of silently breaking all of them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { signInvitation } from "../src/polls/invitation";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";
import { invitedParticipants, linksInMail } from "./participant-helpers";
import { castVote, newPoll, readResults, visitPoll } from "./poll-helpers";

const OLD_KEY = "the-old-secret-key-used-for-two-years-0001";
const NEW_KEY = "the-new-secret-key-given-after-a-leak-00002";

let dirs: string[] = [];
const apps: TestApp[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A database file that outlives one app: each start opens it again with other settings. */
function databaseFile() {
  const dir = mkdtempSync(join(tmpdir(), "relance-keys-"));
  dirs.push(dir);
  return `file:${join(dir, "keys.db")}`;
}

/** Starts the app on `url`; `SECRET_KEY: ""` means started without one (a key is generated). */
async function start(url: string, env: Record<string, string>) {
  const app = await createTestApp({
    DATABASE_URL: url,
    VOTE_LIMIT_PER_IP_PER_MINUTE: "1000",
    ...env,
  });
  apps.push(app);
  return app;
}

/** Stops an app without removing the database file. */
const stop = (app: TestApp) => {
  apps.splice(apps.indexOf(app), 1);
  app.close();
};

/** Everything that depends on the key, made under the first key. */
async function beforeRotation(t: TestApp) {
  const bearer = await t.token();
  const { listId } = await invitedParticipants(t, bearer);
  const alice = await linksInMail(t, "alice@example.org");
  const bob = await linksInMail(t, "bob@example.org");
  const dave = await linksInMail(t, "dave@example.org");
  // Dave erases himself: his address must stay suppressed.
  expect((await t.form(`${dave.preferences}/erase`, {})).status).toBe(200);
  // Carol is suppressed by the admin and stays a contact: sends must keep leaving her out.
  const suppress = await t.form(
    `/admin/lists/${listId}/bulk`,
    { action: "suppress", status: "", q: "carol@example.org", expected: "1" },
    { Cookie: await t.signIn() },
  );
  expect(suppress.status).toBe(303);
  expect(await suppressedContacts(t)).toEqual(["carol@example.org"]);
  // A public poll voted with a cookie, an invite-only poll voted through its link.
  const poll = await newPoll(t, bearer, { results_visibility: "always" });
  const { cookie } = await visitPoll(t, poll.slug);
  expect((await castVote(t, poll.slug, poll.options[0]?.id ?? 0, cookie)).status).toBe(303);
  const invitePoll = await newPoll(t, bearer, {
    audience: "list",
    list_id: listId,
    results_visibility: "always",
  });
  const voteLink = `/v/${signInvitation(t.deps.config.secretKey, { pollId: invitePoll.id, contactId: 3 })}`;
  expect((await voteByLink(t, voteLink, invitePoll.options[0]?.id ?? 0)).status).toBe(303);
  return { listId, alice, bob, poll, cookie, invitePoll, voteLink };
}

const voteByLink = (t: TestApp, path: string, option: number) =>
  t.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams([["option", String(option)]]).toString(),
  });

/** Contacts whose hash is suppressed, by the very predicate eligibility uses in SQL. */
const suppressedContacts = async (t: TestApp) =>
  (
    await t.client.execute(
      "SELECT email FROM contacts c WHERE EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = c.email_hash) ORDER BY email",
    )
  ).rows.map((row) => row.email);

const total = async (t: TestApp, slug: string) =>
  ((await (await readResults(t, slug)).json()) as { total: number }).total;

/** What must still hold after the key changed. */
async function expectNothingBroken(t: TestApp, made: Awaited<ReturnType<typeof beforeRotation>>) {
  expect((await t.request(made.alice.consent as string)).status).toBe(200);
  expect((await t.request(made.alice.preferences as string)).status).toBe(200);
  const oneClick = await t.request(made.bob.unsubscribe as string, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(oneClick.status).toBe(200);
  // Carol, suppressed under the old key, is still out of every send; Bob, who just unsubscribed
  // under the new key, too.
  expect(await suppressedContacts(t)).toEqual(["bob@example.org", "carol@example.org"]);
  // Dave, erased under the old key, cannot be imported again.
  const bearer = await t.token();
  const reimport = await t.request(`/api/v1/lists/${made.listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: "email,name\ndave@example.org,Dave again\n",
  });
  expect(await reimport.json()).toMatchObject({
    imported: 0,
    rejected: [{ line: 2, reason: "suppressed" }],
  });
  // The old voter cookie is still the same voter: a second vote is refused.
  expect(
    (await castVote(t, made.poll.slug, made.poll.options[1]?.id ?? 0, made.cookie)).status,
  ).not.toBe(303);
  expect(await total(t, made.poll.slug)).toBe(1);
  // The old voting link still opens, and still counts once.
  expect((await t.request(made.voteLink)).status).toBe(200);
  await voteByLink(t, made.voteLink, made.invitePoll.options[1]?.id ?? 0);
  expect(await total(t, made.invitePoll.slug)).toBe(1);
}

describe("changing SECRET_KEY on a database in use", () => {
  test("first run without SECRET_KEY, later given one: old links, suppressions and votes hold", async () => {
    const url = databaseFile();
    const first = await start(url, { SECRET_KEY: "" });
    const made = await beforeRotation(first);
    stop(first);
    const second = await start(url, { SECRET_KEY: NEW_KEY });
    await expectNothingBroken(second, made);
  });

  test("with SECRET_KEY_PREVIOUS naming the old key: old links, suppressions and votes hold", async () => {
    const url = databaseFile();
    const first = await start(url, { SECRET_KEY: OLD_KEY });
    const made = await beforeRotation(first);
    stop(first);
    const second = await start(url, {
      SECRET_KEY: NEW_KEY,
      SECRET_KEY_PREVIOUS: `some-even-older-key-of-at-least-32-chars,${OLD_KEY}`,
    });
    await expectNothingBroken(second, made);
  });

  test("a start with another key and no SECRET_KEY_PREVIOUS refuses, in one line naming both variables", async () => {
    const url = databaseFile();
    stop(await start(url, { SECRET_KEY: OLD_KEY }));
    const config = parseConfig(
      {
        DATABASE_URL: url,
        SEED: "none",
        SECRET_KEY: NEW_KEY,
        PUBLIC_URL: ORIGIN,
        ADMIN_EMAIL: "a@b.example",
        ADMIN_PASSWORD: "correct horse battery",
      },
      "node",
    );
    const { openNodeClient } = await import("../src/node");
    const client = openNodeClient(config);
    try {
      const refused = await boot(config, client).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/SECRET_KEY\b/);
      expect(refused).toContain("SECRET_KEY_PREVIOUS");
      expect(refused).not.toContain("\n");
      expect(refused).not.toContain(OLD_KEY);
      expect(refused).not.toContain(NEW_KEY);
    } finally {
      client.close();
    }
  });

  test("a sign-in lockout started under the old key still holds after the rotation", async () => {
    const url = databaseFile();
    const first = await start(url, { SECRET_KEY: OLD_KEY });
    const from = { "X-Forwarded-For": "198.51.100.23" };
    for (let i = 0; i < 5; i++) {
      const wrong = { email: ADMIN.email, password: `wrong-${i}` };
      expect((await first.form("/admin/login", wrong, from)).status).toBe(401);
    }
    expect((await first.form("/admin/login", ADMIN, from)).status).toBe(429);
    stop(first);
    const second = await start(url, { SECRET_KEY: NEW_KEY, SECRET_KEY_PREVIOUS: OLD_KEY });
    expect((await second.form("/admin/login", ADMIN, from)).status).toBe(429);
  });

  test("proof of consent by client address still matches answers given before the rotation", async () => {
    const url = databaseFile();
    const first = await start(url, { SECRET_KEY: OLD_KEY });
    const { listId } = await invitedParticipants(first, await first.token());
    const { consent } = await linksInMail(first, "alice@example.org");
    const answer = await first.form(
      consent as string,
      { answer: "confirm" },
      { "X-Forwarded-For": "203.0.113.7" },
    );
    expect(answer.status).toBeLessThan(400);
    stop(first);
    const second = await start(url, { SECRET_KEY: NEW_KEY, SECRET_KEY_PREVIOUS: OLD_KEY });
    const path = `/api/v1/lists/${listId}/consent-evidence/verify-ip`;
    const res = await second.api(await second.token(), "POST", path, { ip: "203.0.113.7" });
    const body = (await res.json()) as { matches: { event: string }[] };
    expect(body.matches.map((m) => m.event)).toEqual(["confirmed"]);
  });

  test("a password changed in the app is not replaced by the same ADMIN_PASSWORD after the rotation", async () => {
    const url = databaseFile();
    const first = await start(url, { SECRET_KEY: OLD_KEY });
    const changed = "a password chosen later in the app";
    await first.client.execute({
      sql: "UPDATE admins SET password_hash = ? WHERE email = ?",
      args: [await first.deps.passwords.hash(changed), ADMIN.email],
    });
    stop(first);
    const second = await start(url, { SECRET_KEY: NEW_KEY, SECRET_KEY_PREVIOUS: OLD_KEY });
    expect(second.report.admin).toBe("unchanged");
    expect((await second.form("/admin/login", { ...ADMIN, password: changed })).status).toBe(303);
  });

  test("SECRET_KEY_PREVIOUS holds keys of 32+ characters, comma-separated; a bad one is named, not shown", () => {
    const env = { SECRET_KEY: NEW_KEY, SEED: "none" };
    expect(
      parseConfig({ ...env, SECRET_KEY_PREVIOUS: ` ${OLD_KEY} ,, ${NEW_KEY}x ` }, "node")
        .secretKeyPrevious,
    ).toEqual([OLD_KEY, `${NEW_KEY}x`]);
    expect(() =>
      parseConfig({ ...env, SECRET_KEY_PREVIOUS: `${OLD_KEY},too-short` }, "node"),
    ).toThrow(
      "Invalid SECRET_KEY_PREVIOUS: expected keys of at least 32 characters, comma-separated.",
    );
  });
});
