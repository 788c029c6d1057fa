// Campaigns in French and English: a main version and at most one version per other language,
// each contact getting their language's, the main one otherwise.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { type FakeResend, startFakeResend } from "./fake-resend";
import type { TestApp } from "./helpers";
import { dispatchUntilIdle, moveTo, resendTestApp } from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    SEND_BATCH_SIZE: "10",
  });
  bearer = await t.token();
  cookie = await t.signIn();
  return () => t.close();
});

/** A list whose members all confirmed: one per language given ("" for none stated). */
async function confirmedList(languages: Record<string, string>) {
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "nets",
    name: "Les Nets d'Or 2001",
    purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
  });
  expect(res.status).toBe(201);
  const listId = ((await res.json()) as { id: number }).id;
  const rows = Object.entries(languages).map(
    ([name, lang]) => `${name}@example.org,${name},${lang}`,
  );
  const imported = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: `email,name,language\n${rows.join("\n")}\n`,
  });
  expect(imported.status).toBe(200);
  const ids = (await t.client.execute("SELECT id FROM contacts ORDER BY id")).rows;
  for (const row of ids) await moveTo(t.deps, listId, Number(row.id), ["invited", "confirmed"]);
  return listId;
}

const FRENCH = {
  lang: "fr",
  subject: "Inscriptions ouvertes",
  text: "Bonjour {{name|ami}}, les inscriptions sont ouvertes.",
};
const ENGLISH = {
  lang: "en",
  subject: "Registrations are open",
  text: "Hello {{name|friend}}, registrations are open.",
  html: "<p>Hello <b>{{name|friend}}</b>, registrations are open.</p>",
};

async function createCampaign(fields: Record<string, unknown>) {
  const res = await t.api(bearer, "POST", "/api/v1/campaigns", fields);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

type Detail = {
  lang: string;
  subject: string;
  versions: { lang: string; subject: string; text: string; html: string | null }[];
};
const detail = async (id: number) =>
  (await (await t.api(bearer, "GET", `/api/v1/campaigns/${id}`)).json()) as Detail;

/** Each delivered message by recipient: its subject, text and HTML. */
const byRecipient = () => new Map(fake.delivered.map((m) => [String(m.to), m] as const));

describe("each contact gets their language's version", () => {
  test("French main with an English version: English contacts get it, the others the main", async () => {
    const listId = await confirmedList({ anne: "fr", bob: "en", chris: "", dora: "de" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)).status).toBe(202);
    await dispatchUntilIdle(t.deps);
    const got = byRecipient();
    expect(got.size).toBe(4);
    expect(got.get("bob@example.org")?.subject).toBe("Registrations are open");
    expect(got.get("bob@example.org")?.text).toContain("Hello bob, registrations are open.");
    expect(got.get("bob@example.org")?.html).toContain("Hello <b>bob</b>");
    expect(got.get("bob@example.org")?.html).toContain('lang="en"');
    for (const who of ["anne", "chris", "dora"]) {
      const mail = got.get(`${who}@example.org`);
      expect(mail?.subject).toBe("Inscriptions ouvertes");
      expect(mail?.text).toContain(`Bonjour ${who}, les inscriptions sont ouvertes.`);
      expect(mail?.text).not.toContain("Hello");
    }
  });

  test("English main with a French version: a contact who states no language gets the main", async () => {
    const listId = await confirmedList({ anne: "fr", bob: "en", chris: "" });
    const { lang: _, ...main } = ENGLISH;
    const id = await createCampaign({ list_id: listId, lang: "en", ...main, versions: [FRENCH] });
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)).status).toBe(202);
    await dispatchUntilIdle(t.deps);
    const got = byRecipient();
    expect(got.get("anne@example.org")?.subject).toBe("Inscriptions ouvertes");
    expect(got.get("anne@example.org")?.text).toContain("Bonjour anne");
    expect(got.get("bob@example.org")?.subject).toBe("Registrations are open");
    expect(got.get("chris@example.org")?.subject).toBe("Registrations are open");
    // Without a stated language, the wrapper speaks the version's language too.
    expect(got.get("chris@example.org")?.text).toContain("Unsubscribe in one click");
    const stored = await t.client.execute(
      "SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'",
    );
    expect(Number(stored.rows[0]?.n)).toBe(3);
  });

  test("a test send shows the version asked, by default the admin's language if there is one", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    const asked = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`, { lang: "fr" });
    expect(asked.status).toBe(202);
    // No cookie, no Accept-Language: the admin's language is English.
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`)).status).toBe(202);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((m) => m.subject).sort()).toEqual([
      "[TEST] Inscriptions ouvertes",
      "[TEST] Registrations are open",
    ]);
    const english = fake.delivered.find((m) => m.subject.includes("Registrations"));
    expect(english?.text).toContain("Hello friend");
    expect(english?.text).toContain("Unsubscribe in one click");

    const solo = await createCampaign({ list_id: listId, ...main });
    const none = await t.api(bearer, "POST", `/api/v1/campaigns/${solo}/test`, { lang: "en" });
    expect(none.status).toBe(422);
    expect(((await none.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("lang");
    // Asked for nothing, the admin's English is not there: the main (French) version goes.
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${solo}/test`)).status).toBe(202);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.at(-1)?.subject).toBe("[TEST] Inscriptions ouvertes");
  });
});

describe("the API", () => {
  test("GET gives lang and versions; a campaign without versions keeps its shape plus them", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const plain = await createCampaign({ list_id: listId, ...main });
    expect(await detail(plain)).toMatchObject({ lang: "fr", versions: [], subject: main.subject });
    const both = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    expect((await detail(both)).versions).toEqual([ENGLISH]);
  });

  test("refused versions: 422 naming the field, nothing saved", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const cases: [unknown[], Record<string, unknown>, string, string][] = [
      [[{ ...ENGLISH, lang: "de" }], {}, "versions.0.lang", ""],
      [[FRENCH], {}, "versions.0.lang", "main"],
      [[ENGLISH, ENGLISH], {}, "versions.1.lang", "Two versions in en"],
      [[{ ...ENGLISH, text: "Hi {{nom}}" }], {}, "versions.0.text", "{{nom}}"],
      [[{ ...ENGLISH, subject: "Hi {{attr.x" }], {}, "versions.0.subject", "{{attr.x"],
      [[{ ...ENGLISH, html: "<p>{{prenom}}</p>" }], {}, "versions.0.html", "{{prenom}}"],
      [[{ lang: "en", subject: "x" }], {}, "versions.0.text", ""],
      [[ENGLISH], { lang: "en" }, "versions.0.lang", "main"],
      [[], { lang: "it" }, "lang", ""],
    ];
    for (const [versions, extra, field, named] of cases) {
      const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
        list_id: listId,
        ...main,
        ...extra,
        versions,
      });
      expect(res.status, field).toBe(422);
      const body = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(body.errors.map((e) => e.field)).toContain(field);
      expect(body.errors.find((e) => e.field === field)?.message).toContain(named);
    }
    expect(Number((await t.client.execute("SELECT count(*) AS n FROM campaigns")).rows[0]?.n)).toBe(
      0,
    );
    expect(
      Number((await t.client.execute("SELECT count(*) AS n FROM campaign_versions")).rows[0]?.n),
    ).toBe(0);
  });

  test("PATCH replaces the versions when given, keeps them otherwise; drafts only", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    const kept = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { subject: "Ouvert" });
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as Detail).versions).toEqual([ENGLISH]);
    const refused = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, {
      subject: "Ailleurs",
      versions: [{ ...ENGLISH, text: "Hi {{nom}}" }],
    });
    expect(refused.status).toBe(422);
    expect(await detail(id)).toMatchObject({ subject: "Ouvert", versions: [ENGLISH] });
    const changed = { ...ENGLISH, subject: "Open now", html: null };
    const edited = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, {
      versions: [{ lang: "en", subject: "Open now", text: ENGLISH.text }],
    });
    expect(edited.status).toBe(200);
    expect((await detail(id)).versions).toEqual([changed]);
    // The main language may not become a version's own.
    const clash = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { lang: "en" });
    expect(clash.status).toBe(422);
    expect(((await clash.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("lang");
    const swapped = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, {
      lang: "en",
      versions: [],
    });
    expect(swapped.status).toBe(200);
    expect(await detail(id)).toMatchObject({ lang: "en", versions: [] });
    await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { versions: [FRENCH] });
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)).status).toBe(202);
    const late = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { versions: [] });
    expect(late.status).toBe(409);
    expect((await detail(id)).versions).toEqual([{ ...FRENCH, html: null }]);
  });

  test("a duplicate carries the language and the versions", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = ENGLISH;
    const id = await createCampaign({ list_id: listId, lang: "en", ...main, versions: [FRENCH] });
    const copy = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/duplicate`);
    expect(copy.status).toBe(201);
    const copyId = ((await copy.json()) as { id: number }).id;
    expect(await detail(copyId)).toMatchObject({
      lang: "en",
      versions: [{ ...FRENCH, html: null }],
    });
  });

  test("a scheduled campaign goes out with its versions when due", async () => {
    const listId = await confirmedList({ anne: "fr", bob: "en" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({
      list_id: listId,
      ...main,
      versions: [ENGLISH],
      send_at: "2026-01-16T09:00:00Z",
    });
    expect((await detail(id)).versions).toEqual([ENGLISH]);
    t.clock.set("2026-01-16T09:01:00Z");
    await runPeriodicJobs(t.deps, minuteJobs);
    await dispatchUntilIdle(t.deps);
    const got = byRecipient();
    expect(got.get("anne@example.org")?.subject).toBe("Inscriptions ouvertes");
    expect(got.get("bob@example.org")?.subject).toBe("Registrations are open");
  });
});

describe("the admin editor", () => {
  const page = async (path: string, lang?: string) => {
    const headers: Record<string, string> = { Cookie: cookie };
    if (lang) headers["Accept-Language"] = lang;
    const res = await t.request(path, { headers });
    expect(res.status).toBe(200);
    return res.text();
  };
  const post = (path: string, fields: Record<string, string>) =>
    t.form(path, fields, { Cookie: cookie });

  test("the page previews each version and counts who gets which, in the admin's language", async () => {
    const listId = await confirmedList({ anne: "fr", bob: "en", chris: "" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    const english = await page(`/admin/campaigns/${id}`);
    expect(english).toContain('title="Preview of the campaign (French)"');
    expect(english).toContain('title="Preview of the campaign (English)"');
    expect(english).toContain("2 will get the French version");
    expect(english).toContain("1 will get the English version");
    expect(english).toContain("Send the English version as a test to admin@test.example");
    const french = await page(`/admin/campaigns/${id}`, "fr");
    expect(french).toContain('<html lang="fr"');
    expect(french).toContain("1 recevront la version en anglais");
    expect(french).toContain("Modifier ce brouillon");
    expect(french).not.toContain("Edit this draft");
  });

  test("the edit form sets the main language and adds, changes or removes a version", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main });
    const form = { ...main, html: "", send_at: "", lang: "fr", edit_versions: "1" };
    const bad = await post(`/admin/campaigns/${id}/edit`, {
      ...form,
      version_en_subject: "Hi",
      version_en_text: "Hi {{nom}}",
      version_en_html: "",
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Unknown merge tag {{nom}}");
    expect(html).toContain("Hi {{nom}}");
    expect((await detail(id)).versions).toEqual([]);
    const added = await post(`/admin/campaigns/${id}/edit`, {
      ...form,
      version_en_subject: ENGLISH.subject,
      version_en_text: ENGLISH.text,
      version_en_html: ENGLISH.html,
    });
    expect(added.status).toBe(303);
    expect((await detail(id)).versions).toEqual([ENGLISH]);
    // A form without the versions (an older page) leaves them as they are.
    const { edit_versions: __, ...older } = form;
    expect((await post(`/admin/campaigns/${id}/edit`, older)).status).toBe(303);
    expect((await detail(id)).versions).toEqual([ENGLISH]);
    const removed = await post(`/admin/campaigns/${id}/edit`, {
      ...form,
      version_en_subject: "",
      version_en_text: "",
      version_en_html: "",
    });
    expect(removed.status).toBe(303);
    expect((await detail(id)).versions).toEqual([]);
    const created = await post("/admin/campaigns", {
      list_id: String(listId),
      lang: "en",
      subject: ENGLISH.subject,
      text: ENGLISH.text,
    });
    expect(created.status).toBe(303);
    const newId = Number(created.headers.get("location")?.split("/").at(-1));
    expect((await detail(newId)).lang).toBe("en");
  });

  test("the test button sends the version it names", async () => {
    const listId = await confirmedList({ anne: "fr" });
    const { lang: _, ...main } = FRENCH;
    const id = await createCampaign({ list_id: listId, ...main, versions: [ENGLISH] });
    const tested = await post(`/admin/campaigns/${id}/test`, { lang: "en" });
    expect(tested.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((m) => m.subject)).toEqual(["[TEST] Registrations are open"]);
  });
});
