// Issue 20 item 8, form errors: a field's error is said in the page's language (French with
// Accept-Language fr, today's English without it), and the JSON API keeps its English errors.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CATALOGUES } from "../src/messages";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let cookie: string;
let bearer: string;
let listId = 0;
let incidentId = 0;
let contactId = 0;
let draft = "";

beforeAll(async () => {
  t = await createTestApp();
  cookie = await t.signIn();
  bearer = await t.token();
  const list = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "news",
    name: "News",
    purpose: "The monthly news.",
  });
  listId = ((await list.json()) as { id: number }).id;
  // A typed address enters as legacy: the re-consent form is shown only when someone can be asked.
  await t.form(
    `/admin/lists/${listId}/contacts`,
    { email: "ana@example.org", name: "" },
    { Cookie: cookie },
  );
  const created = await t.form(
    "/admin/campaigns",
    { list_id: String(listId), subject: "Draft", text: "Hello." },
    { Cookie: cookie },
  );
  draft = created.headers.get("location") as string;
  const contact = await t.client.execute("SELECT id FROM contacts LIMIT 1");
  contactId = Number(contact.rows[0]?.id);
  const incident = await t.form(
    "/admin/incidents",
    {
      title: "Mail outage",
      slug: "mail-outage",
      status: "investigating",
      impact: "minor",
      body: "Mail is late.",
      services: "",
    },
    { Cookie: cookie },
  );
  incidentId = Number(incident.headers.get("location")?.split("/").pop());
}, 60_000);
afterAll(() => t.close());

/** The text of every error on the page (next to a field, or the form's alert). */
const fieldErrorTexts = (html: string) =>
  [
    ...html.matchAll(
      /(?:class="(?:field-error|notice error)"|id="\w+-error")[^>]*>([\s\S]*?)<\/(small|p)>/g,
    ),
  ].map((m) =>
    (m[1] ?? "")
      .replace(/<[^>]*>/g, "")
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&")
      .trim(),
  );

type Case = {
  form: string;
  path: () => string;
  fields: Record<string, string>;
  /** Today's English sentence next to the field, and the French one that replaces it. */
  english: string;
  french: string;
};

const CASES: Case[] = [
  {
    form: "new list, slug with capitals",
    path: () => "/admin/lists",
    fields: { slug: "Bad Slug", name: "N", purpose: "P" },
    english: "Lower-case letters, digits and single hyphens only.",
    french: "Lettres minuscules, chiffres et tirets simples seulement",
  },
  {
    form: "new list, slug already used",
    path: () => "/admin/lists",
    fields: { slug: "news", name: "N", purpose: "P" },
    english: "Another list already uses this slug.",
    french: "Cet identifiant est déjà utilisé.",
  },
  {
    form: "list edit, name too long",
    path: () => `/admin/lists/${listId}/edit`,
    fields: { name: "x".repeat(201), purpose: "P" },
    english: "At most 200 characters.",
    french: "Au plus 200\u00a0caractères.",
  },
  {
    form: "add contact, bad address",
    path: () => `/admin/lists/${listId}/contacts`,
    fields: { email: "not-an-address", name: "" },
    english: "The address",
    french: "Saisissez une adresse e-mail",
  },
  {
    form: "new incident, no title",
    path: () => "/admin/incidents",
    fields: { title: "", slug: "", body: "Something", services: "" },
    english: "Enter a title.",
    french: "Ce champ est obligatoire.",
  },
  {
    form: "incident update, nothing written",
    path: () => `/admin/incidents/${incidentId}/updates`,
    fields: { status: "identified", body: "" },
    english: "Write what changed.",
    french: "Ce champ est obligatoire.",
  },
  {
    form: "new poll, duplicate answer",
    path: () => "/admin/polls",
    fields: { slug: "lunch", question: "Lunch?", options: "Yes\nyes" },
    english: "This answer is listed twice.",
    french: "Cette réponse figure deux fois.",
  },
  {
    form: "new component, no name",
    path: () => "/admin/status/components",
    fields: { name: "", slug: "api" },
    english: "Enter a name.",
    french: "Ce champ est obligatoire.",
  },
  {
    form: "new maintenance, end before start",
    path: () => "/admin/status/maintenances",
    fields: {
      title: "Upgrade",
      body: "Database upgrade.",
      starts_at: "2027-01-02T10:00:00Z",
      ends_at: "2027-01-02T09:00:00Z",
      components: "",
    },
    english: "The end must come after the start.",
    french: "La fin doit venir après le début.",
  },
  {
    form: "new campaign, unknown merge tag",
    path: () => "/admin/campaigns",
    fields: { list_id: String(listId), subject: "Hello {{nom}}", text: "Body" },
    english: "Unknown merge tag {{nom}}",
    french: "Balise de fusion inconnue {{nom}}",
  },
  {
    form: "re-consent, deadline too close",
    path: () => `/admin/lists/${listId}/reconsent`,
    fields: { deadline: "2026-01-20", subject: "", reminder_days_before: "" },
    english: "The deadline must be at least",
    french: "L'échéance doit être au moins",
  },
  {
    form: "re-consent, deadline not a date",
    path: () => `/admin/lists/${listId}/reconsent`,
    fields: { deadline: "soon", subject: "", reminder_days_before: "" },
    english: "Give the deadline as an ISO 8601 date",
    french: "Saisissez une date et une heure valides.",
  },
  {
    form: "invite an admin, bad address",
    path: () => "/admin/admins",
    fields: { email: "nope", role: "viewer" },
    english: "email: an email address such as ana@example.org",
    french: "Saisissez une adresse e-mail, comme ana@example.org.",
  },
  {
    form: "invite an admin who already is one",
    path: () => "/admin/admins",
    fields: { email: "admin@test.example", role: "viewer" },
    english: "admin@test.example is already an admin.",
    french: "admin@test.example est déjà administrateur.",
  },
  {
    form: "change password, too short",
    path: () => "/admin/account/password",
    fields: { current_password: "whatever", new_password: "short" },
    english: "At least 8 characters.",
    french: "Au moins 8\u00a0caractères.",
  },
  {
    form: "new webhook endpoint, address with a password",
    path: () => "/admin/webhook-endpoints",
    fields: { url: "https://user:secret@example.org/hook", events: "*" },
    english: "The URL must not carry a user name or password.",
    french: "L'adresse ne doit contenir ni nom d'utilisateur ni mot de passe.",
  },
  {
    form: "contact edit, attribute without a colon",
    path: () => `/admin/lists/${listId}/contacts/${contactId}`,
    fields: { name: "Ana", attributes: "city Paris" },
    english: "Line 1: write each attribute as “name: value”.",
    french: "Ligne 1\u00a0: écrivez chaque attribut",
  },
  {
    form: "contact import, no source and no file",
    path: () => `/admin/lists/${listId}/imports`,
    fields: { source: "" },
    english: "Say where these addresses come from",
    french: "Dites d'où viennent ces adresses",
  },
  {
    form: "new maintenance, unknown component",
    path: () => "/admin/status/maintenances",
    fields: {
      title: "Upgrade",
      body: "Database upgrade.",
      starts_at: "2027-01-02T10:00:00Z",
      ends_at: "2027-01-02T11:00:00Z",
      components: "nope",
    },
    english: 'No component has the slug "nope".',
    french: "Aucun composant n'a l'identifiant «\u00a0nope\u00a0».",
  },
  {
    form: "sign in, wrong password",
    path: () => "/admin/login",
    fields: { email: "admin@test.example", password: "not the password" },
    english: "Wrong email or password.",
    french: "Adresse e-mail ou mot de passe incorrect.",
  },
  {
    form: "campaign edit, unclosed merge tag",
    path: () => `${draft}/edit`,
    fields: { subject: "Hi {{name", text: "Hello.", html: "", lang: "", send_at: "" },
    english: "opens a merge tag with {{ and never closes it with }}.",
    french: "ouvre une balise de fusion avec {{ sans la refermer par }}.",
  },
];

for (const c of CASES) {
  test(`${c.form}: the error next to the field is French with Accept-Language fr`, async () => {
    const res = await t.form(c.path(), c.fields, { Cookie: cookie, "Accept-Language": "fr" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const html = await res.text();
    expect(html).toContain('<html lang="fr"');
    const errors = fieldErrorTexts(html);
    expect(
      errors.some((e) => e.includes(c.french)),
      errors.join(" | "),
    ).toBe(true);
    expect(html).not.toContain(c.english);
    expect(errors.join(" | ")).not.toContain(c.english);
  });

  test(`${c.form}: the same error stays in English without a header`, async () => {
    const res = await t.form(c.path(), c.fields, { Cookie: cookie });
    const errors = fieldErrorTexts(await res.text());
    expect(
      errors.some((e) => e.includes(c.english)),
      errors.join(" | "),
    ).toBe(true);
  });
}

test("the JSON API answers the same bad input in English, field and message only", async () => {
  const res = await t.request("/api/v1/lists", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${bearer}`,
      "Content-Type": "application/json",
      "Accept-Language": "fr",
    },
    body: JSON.stringify({ slug: "news", name: "N", purpose: "P" }),
  });
  expect(res.status).toBe(422);
  const body = (await res.json()) as { errors: unknown[] };
  expect(body.errors).toEqual([{ field: "slug", message: "Another list already uses this slug." }]);
  const bad = await t.request("/api/v1/lists", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${bearer}`,
      "Content-Type": "application/json",
      "Accept-Language": "fr",
    },
    body: JSON.stringify({ slug: "Bad Slug", name: "", purpose: "P" }),
  });
  expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
    { field: "slug", message: "Lower-case letters, digits and single hyphens only." },
    { field: "name", message: "Enter a name." },
  ]);
});

test("a refused campaign action is said in the admin's language", async () => {
  const created = await t.form(
    "/admin/campaigns",
    { list_id: String(listId), subject: "News", text: "Hello." },
    { Cookie: cookie },
  );
  const campaign = created.headers.get("location") as string;
  await t.form("/admin/sending/pause", { reason: "checking" }, { Cookie: cookie });
  try {
    const fr = await t.form(`${campaign}/test`, {}, { Cookie: cookie, "Accept-Language": "fr" });
    const html = await fr.text();
    expect(html).toContain("Les envois sont suspendus\u00a0: rien ne part avant leur reprise.");
    expect(html).not.toContain("no test can go out");
    const en = await t.form(`${campaign}/test`, {}, { Cookie: cookie });
    expect(await en.text()).toContain(
      "Sending is paused: no test can go out until sending is resumed.",
    );
  } finally {
    await t.form("/admin/sending/resume", {}, { Cookie: cookie });
  }
});

test("the public lost-link form says its error in the visitor's language", async () => {
  const fr = await t.form("/lost-link", { email: "nope" }, { "Accept-Language": "fr" });
  const frErrors = fieldErrorTexts(await fr.text());
  expect(frErrors.join(" | ")).toContain("Cette adresse e-mail n'est pas valide");
  expect(frErrors.join(" | ")).not.toContain("This email address is not valid");
  const en = await t.form("/lost-link", { email: "nope" }, { "Accept-Language": "en" });
  expect(fieldErrorTexts(await en.text()).join(" | ")).toContain("This email address is not valid");
});

test("a refused poll invitation is said in the admin's language", async () => {
  const created = await t.api(bearer, "POST", "/api/v1/polls", {
    slug: "members-poll",
    question: "Lunch?",
    options: ["Yes", "No"],
    audience: "list",
    list_id: listId,
  });
  expect(created.status).toBe(201);
  const poll = `/admin/polls/${((await created.json()) as { id: number }).id}`;
  await t.form(`${poll}/close`, {}, { Cookie: cookie });
  const fr = await t.form(`${poll}/invite`, {}, { Cookie: cookie, "Accept-Language": "fr" });
  const html = await fr.text();
  expect(html).toContain("Ce sondage est clos\u00a0: rouvrez-le avant d&#39;inviter.");
  expect(html).not.toContain("This poll is closed");
  const en = await t.form(`${poll}/invite`, {}, { Cookie: cookie });
  expect(await en.text()).toContain("This poll is closed: reopen it before inviting.");
});

test("lifting a suppression that does not exist is refused in the admin's language", async () => {
  const fields = { hash: "a".repeat(64), note: "They asked by phone.", address: "" };
  const fr = await t.form("/admin/suppressions/remove", fields, {
    Cookie: cookie,
    "Accept-Language": "fr",
  });
  expect(fr.status).toBe(404);
  const html = await fr.text();
  expect(html).toContain("Cette adresse n&#39;est pas sur la liste d&#39;exclusion.");
  expect(html).not.toContain("This address is not on the suppression list.");
  const en = await t.form("/admin/suppressions/remove", fields, { Cookie: cookie });
  expect(await en.text()).toContain("This address is not on the suppression list.");
});

/** Every source file under src (the catalogues and other namespaces of codes left out). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

test("every error code the app names has a French sentence (no silent fallback)", () => {
  // Codes of other namespaces: the public forms' own dictionaries, and configuration errors.
  const skipped = /src\/(messages|subscriptions|participant)\/|src\/config\.ts$/;
  const named = new Set<string>();
  for (const file of sourceFiles("src").filter((f) => !skipped.test(f))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bcode: "([A-Za-z]+)"/g)) named.add(m[1] as string);
    for (const block of text.matchAll(/const [A-Z_]*(?:CODES|REFUSALS)\b[^=]*= \{([\s\S]*?)\}/g))
      for (const m of (block[1] as string).matchAll(/"([A-Za-z]+)"/g)) named.add(m[1] as string);
  }
  const generic = ["tooShort", "tooLong", "tooSmall", "tooBig", "tooFew", "tooMany", "invalid"];
  const known = new Set([...generic, ...Object.keys(CATALOGUES.fr.formErrors.codes)]);
  expect(named.size).toBeGreaterThan(30);
  expect([...named].filter((code) => !known.has(code))).toEqual([]);
});
