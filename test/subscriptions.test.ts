// Status subscriptions: double opt-in through the pipeline, answers that reveal nothing, the
// once-a-day limit, and the notices (one message per subscriber per update, with the headers).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, linksInMail, memberState, snapshot } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import {
  createIncident,
  mailCount,
  mailsTo,
  postUpdate,
  shownForm,
  subscribeAndConfirm,
} from "./subscription-helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterEach(() => t.close());

const pageListId = async () =>
  Number(
    (await t.client.execute("SELECT list_id FROM status_lists WHERE kind = 'page'")).rows[0]
      ?.list_id,
  );

describe("get updates: double opt-in", () => {
  test("the form makes a pending member and one confirmation mail; confirming makes it confirmed", async () => {
    const res = await t.form("/status/subscribe", { ...shownForm(t), email: "ana@example.org" });
    expect(res.status).toBe(200);
    const contact = await contactId(t, "ana@example.org");
    expect(await memberState(t, await pageListId(), contact)).toBe("pending");
    expect(await mailCount(t)).toBe(0); // the request only enqueues: the dispatcher sends
    await dispatchUntilIdle(t.deps);
    const [mail] = await mailsTo(t, "ana@example.org");
    expect(mail?.replyTo).toContain("@");
    expect(mail?.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/127\.0\.0\.1:8787\/u\//);
    expect(mail?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const { confirm } = await linksInMail(t, "ana@example.org");
    await t.form(confirm as string, {});
    expect(await memberState(t, await pageListId(), contact)).toBe("confirmed");
  });

  test("the answer is the same for a new, a pending, a confirmed and a suppressed address", async () => {
    await subscribeAndConfirm(t, "known@example.org");
    await subscribeAndConfirm(t, "gone@example.org");
    const { eraseContact } = await import("../src/erasure/service");
    await eraseContact(t.deps, await contactId(t, "gone@example.org"), {
      reason: "erased",
      actor: "test",
      source: "test",
    });
    t.clock.advance(25 * 3600_000);
    const page = async (email: string) =>
      (await (await t.form("/status/subscribe", { ...shownForm(t), email })).text()).replaceAll(
        email,
        "X",
      );
    const fresh = await page("new@example.org");
    expect(await page("known@example.org")).toBe(fresh);
    expect(await page("new@example.org")).toBe(fresh);
    expect(await page("gone@example.org")).toBe(fresh);
    await dispatchUntilIdle(t.deps);
    // The suppressed address got nothing (erasure forgot its earlier mail); the confirmed one
    // nothing more.
    expect(await mailsTo(t, "gone@example.org")).toHaveLength(0);
    expect(await mailsTo(t, "known@example.org")).toHaveLength(1);
  });

  test("a form can mail an address once a day at most, whichever status form is used", async () => {
    await createIncident(t, bearer, "api-down");
    await t.form("/status/subscribe", { ...shownForm(t), email: "victim@example.org" });
    await t.form("/incidents/api-down/follow", { ...shownForm(t), email: "victim@example.org" });
    t.clock.advance(2 * 3600_000);
    await t.form("/status/subscribe", { ...shownForm(t), email: "victim@example.org" });
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "victim@example.org")).toHaveLength(1);
    t.clock.advance(23 * 3600_000);
    await t.form("/incidents/api-down/follow", { ...shownForm(t), email: "victim@example.org" });
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "victim@example.org")).toHaveLength(2);
  });

  test("a malformed address or component is a 422 naming the field, and nothing changes", async () => {
    await createIncident(t, bearer, "api-down");
    const before = await snapshot(t);
    const bad = await t.form("/status/subscribe", { ...shownForm(t), email: "not an address" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('aria-invalid="true"');
    const badComponent = await t.form("/status/subscribe", {
      ...shownForm(t),
      email: "ok@example.org",
      components: "Not A Slug!",
    });
    expect(badComponent.status).toBe(422);
    expect(
      (await t.form("/incidents/api-down/follow", { ...shownForm(t), email: "" })).status,
    ).toBe(422);
    expect(
      (await t.form("/incidents/nope/follow", { ...shownForm(t), email: "a@example.org" })).status,
    ).toBe(404);
    expect(await snapshot(t)).toEqual(before);
  });

  test("the per-client limit answers 429 past 10 requests a minute", async () => {
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await t.form("/status/subscribe", { ...shownForm(t), email: `p${i}@example.org` })).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  test("the home page shows the form, and each incident page its follow form", async () => {
    await createIncident(t, bearer, "api-down");
    expect(await (await t.request("/")).text()).toContain('action="/status/subscribe"');
    const incident = await (await t.request("/incidents/api-down")).text();
    expect(incident).toContain('action="/incidents/api-down/follow"');
  });
});

describe("notices", () => {
  test("one message per confirmed subscriber per update, in their language, with the headers", async () => {
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "fr@example.org");
    await subscribeAndConfirm(t, "en@example.org", "/status/subscribe", "en");
    // Both a page subscriber and a follower: still one message per update.
    await subscribeAndConfirm(t, "both@example.org");
    t.clock.advance(25 * 3600_000);
    await subscribeAndConfirm(t, "both@example.org", "/incidents/api-down/follow");
    await subscribeAndConfirm(t, "follower@example.org", "/incidents/api-down/follow", "en");
    await t.form("/status/subscribe", { ...shownForm(t), email: "pending@example.org" }); // never confirms
    await dispatchUntilIdle(t.deps);
    const before = await mailCount(t);

    const res = await postUpdate(t, bearer, id, {
      status: "identified",
      body: "Cause trouvée.",
      body_en: "Cause found.",
    });
    expect(res.status).toBe(201);
    await dispatchUntilIdle(t.deps);
    expect((await mailCount(t)) - before).toBe(4);
    for (const to of [
      "fr@example.org",
      "en@example.org",
      "both@example.org",
      "follower@example.org",
    ]) {
      const notices = (await mailsTo(t, to)).filter((m) =>
        /^(Update:|Mise à jour :)/.test(m.subject),
      );
      expect(notices, to).toHaveLength(1);
      const [notice] = notices;
      expect(notice?.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/127\.0\.0\.1:8787\/u\//);
      expect(notice?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(notice?.replyTo).toContain("@");
    }
    const [en] = (await mailsTo(t, "en@example.org")).slice(-1);
    expect(en?.subject).toBe("Update: Outage api-down (Identified)");
    expect(en?.text).toContain("Cause found.");
    const [fr] = (await mailsTo(t, "fr@example.org")).slice(-1);
    expect(fr?.subject).toBe("Mise à jour : Panne api-down (Cause identifiée)");
    expect(fr?.text).toContain("http://127.0.0.1:8787/incidents/api-down");
    expect(await mailsTo(t, "pending@example.org")).toHaveLength(1); // its confirmation only
    const audit = await t.client.execute(
      "SELECT details FROM audit_log WHERE action = 'incident.notified' ORDER BY id",
    );
    expect(audit.rows.map((r) => JSON.parse(String(r.details)).recipients)).toEqual([3, 1]);
  });

  test("notify false sends nothing; a new incident notifies by default", async () => {
    await subscribeAndConfirm(t, "fr@example.org");
    const id = await createIncident(t, bearer, "quiet", { notify: false });
    await postUpdate(t, bearer, id, { status: "monitoring", body: "Calme.", notify: false });
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "fr@example.org")).toHaveLength(1);
    await createIncident(t, bearer, "loud");
    await dispatchUntilIdle(t.deps);
    const mails = await mailsTo(t, "fr@example.org");
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toBe("Incident : Panne loud (Analyse en cours)");
  });

  test("notify must be a boolean: anything else is a 422 and no incident", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "x",
      title: "X",
      status: "investigating",
      impact: "minor",
      body: "B",
      notify: "maybe",
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("notify");
  });

  test("one click on List-Unsubscribe ends the updates", async () => {
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "fr@example.org");
    await postUpdate(t, bearer, id, { status: "identified", body: "Trouvé." });
    await dispatchUntilIdle(t.deps);
    const [, notice] = await mailsTo(t, "fr@example.org");
    const url = /<http:\/\/[^/]+([^>]+)>/.exec(notice?.headers["List-Unsubscribe"] ?? "")?.[1];
    const res = await t.request(url as string, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    const contact = await contactId(t, "fr@example.org");
    expect(await memberState(t, await pageListId(), contact)).toBe("unsubscribed");
    await postUpdate(t, bearer, id, { status: "resolved", body: "Fini." });
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "fr@example.org")).toHaveLength(2);
  });
});

describe("components", () => {
  test("a subscriber who chose components hears only of incidents naming one of them, or none", async () => {
    const { notifySubscribers } = await import("../src/subscriptions/notify");
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "all@example.org");
    await subscribeAndConfirm(t, "api@example.org", "/status/subscribe", "fr", {
      components: "api",
    });
    const told = async (components: string[]) => {
      const [sendId] = await notifySubscribers(t.deps, {
        incidentId: id,
        updateId: null,
        components,
        actor: "test",
      });
      const rows = await t.client.execute({
        sql: "SELECT c.email FROM outbox_messages o JOIN contacts c ON c.id = o.contact_id WHERE o.send_id = ? ORDER BY c.email",
        args: [sendId ?? 0],
      });
      return rows.rows.map((r) => r.email);
    };
    expect(await told(["website"])).toEqual(["all@example.org"]);
    expect(await told(["api", "website"])).toEqual(["all@example.org", "api@example.org"]);
    expect(await told([])).toEqual(["all@example.org", "api@example.org"]);
    // Erasure forgets the choice with the person.
    const { eraseContact } = await import("../src/erasure/service");
    await eraseContact(t.deps, await contactId(t, "api@example.org"), {
      reason: "erased",
      actor: "test",
      source: "test",
    });
    const left = await t.client.execute("SELECT count(*) AS n FROM subscriber_components");
    expect(Number(left.rows[0]?.n)).toBe(0);
  });
});

describe("incidents name their components", () => {
  test("an incident on web tells the subscriber who chose web, not the one who chose api", async () => {
    for (const slug of ["api", "web"]) {
      const res = await t.api(bearer, "POST", "/api/v1/components", { slug, name: slug });
      expect(res.status).toBe(201);
    }
    await subscribeAndConfirm(t, "api@example.org", "/status/subscribe", "fr", {
      components: "api",
    });
    await subscribeAndConfirm(t, "web@example.org", "/status/subscribe", "fr", {
      components: "web",
    });
    const before = await mailCount(t);
    const id = await createIncident(t, bearer, "web-down", {
      components: [{ slug: "web", status: "major_outage" }],
    });
    await dispatchUntilIdle(t.deps);
    expect((await mailCount(t)) - before).toBe(1);
    expect(await mailsTo(t, "web@example.org")).toHaveLength(2);
    expect(await mailsTo(t, "api@example.org")).toHaveLength(1); // its confirmation only

    // An update that names no component still concerns the components the incident holds.
    await postUpdate(t, bearer, id, { status: "identified", body: "Trouvé." });
    await dispatchUntilIdle(t.deps);
    expect((await mailCount(t)) - before).toBe(2);
    expect(await mailsTo(t, "web@example.org")).toHaveLength(3);
  });
});

describe("admin view", () => {
  test("subscribers appear with their state, and their list shows each of them", async () => {
    await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "ana@example.org");
    await t.form("/status/subscribe", { ...shownForm(t), email: "bo@example.org" });
    t.clock.advance(25 * 3600_000);
    await t.form("/incidents/api-down/follow", { ...shownForm(t), email: "ana@example.org" });
    const cookie = await t.signIn();
    const get = async (path: string) =>
      (await t.request(path, { headers: { Cookie: cookie } })).text();
    const html = await get("/admin/subscribers");
    expect(html).toMatch(
      /every update<\/td>.*?<td data-state="pending">1<\/td><td data-state="confirmed">1<\/td>/s,
    );
    expect(html).toContain("Panne api-down");
    expect(await get("/admin/incidents")).toContain('href="/admin/subscribers"');
    const list = await get(`/admin/lists/${await pageListId()}`);
    expect(list).toContain("ana@example.org");
    expect(list).toContain("bo@example.org");
  });
});
