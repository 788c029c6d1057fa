// Issue 20 item 8 (first half): the admin shell and the pages of part i18nA speak French with
// Accept-Language fr, English without it, and never hold a text of the other catalogue.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Lang } from "../src/i18n";
import { CATALOGUES } from "../src/messages";
import { otherLanguage as otherLanguageOn } from "./catalogue-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { addMember } from "./team-helpers";
import { type StoryPages, storyPages } from "./ux-pages";

let t: TestApp;
let cookie: string;
let story: StoryPages;
let FRENCH: Record<string, string[]>;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo" });
  story = await storyPages({ t });
  cookie = await t.signIn();
  const member = (
    await t.client.execute(
      "SELECT list_id, contact_id FROM list_members ORDER BY list_id, contact_id LIMIT 1",
    )
  ).rows[0] as unknown as { list_id: number; contact_id: number };
  const list = story.admin.find((p) => /^\/admin\/lists\/\d+$/.test(p)) as string;
  FRENCH = {
    "/admin": ["Tableau de bord", "7 derniers jours", "Côté public", "Arrêter les envois"],
    "/admin/lists": ["Nouvelle liste", "Version de la finalité"],
    "/admin/lists/new": ["Créer la liste", "Finalité"],
    [list]: ["Redemander le consentement…", "États du consentement", "Importer un fichier CSV"],
    [`${list}/edit`]: ["Enregistrer", "Annuler"],
    [`/admin/lists/${member.list_id}/contacts/${member.contact_id}`]: [
      "Historique du consentement",
      "État sur cette liste",
    ],
    [`${list}/registrations`]: ["Inscriptions", "Enregistrer la clôture"],
    [`${list}/verify-ip`]: ["Vérifier une adresse IP", "Adresse IP"],
    "/admin/suppressions": ["Liste d'exclusion", "Tous les motifs", "Rechercher"],
    "/admin/mailbox": ["Boîte aux lettres", "Filtrer"],
    "/admin/audit": ["Journal d'audit", "Administrateur"],
    "/admin/admins": ["Équipe", "Inviter un administrateur", "propriétaire"],
    "/admin/account": ["Votre compte", "Changer votre mot de passe", "Jetons d'API"],
    "/admin/account/two-step": ["Connexion en deux étapes", "Retour à votre compte"],
    "/admin/login": ["Se connecter", "Mot de passe"],
    "/invite/no-such-link": ["Choisissez votre mot de passe", "Ce lien a expiré"],
  };
}, 120_000);
afterAll(() => t.close());

/** The page without what other parts translate: the outbox-mode notice (deliverability, part
 * i18nB), and the contacts table with its filter and pager (part "tables"). */
const ownPart = (html: string) =>
  html
    .replace(/<p class="notice" role="note">[\s\S]*?<\/p>/g, " ")
    .replace(/<h2 id="contacts-title">[\s\S]*?<\/section>/g, " ");

const otherLanguage = (html: string, lang: Lang) => otherLanguageOn(ownPart(html), lang);

const visibleText = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

/** Pages seen signed out, and what they answer (a used or unknown invitation link is gone). */
const SIGNED_OUT: Record<string, number> = { "/admin/login": 200, "/invite/no-such-link": 410 };

async function page(path: string, lang?: Lang) {
  const headers: Record<string, string> = path in SIGNED_OUT ? {} : { Cookie: cookie };
  if (lang) headers["Accept-Language"] = lang;
  const res = await t.request(path, { headers });
  expect(res.status, path).toBe(SIGNED_OUT[path] ?? 200);
  return res.text();
}

test("every page of the part shows its key French texts with Accept-Language fr", async () => {
  const missing: Record<string, string[]> = {};
  for (const [path, texts] of Object.entries(FRENCH)) {
    const text = visibleText(await page(path, "fr"));
    const absent = texts.filter((s) => !text.includes(s));
    if (absent.length) missing[path] = absent;
  }
  expect(missing).toEqual({});
});

for (const lang of ["fr", undefined] as const) {
  test(`the pages of the part hold no text of the other catalogue (${lang ?? "no header"})`, async () => {
    const found: Record<string, string[]> = {};
    for (const path of Object.keys(FRENCH)) {
      const html = await page(path, lang);
      expect(html).toContain(`<html lang="${lang ?? "en"}"`);
      const mixed = otherLanguage(html, lang ?? "en");
      if (mixed.length) found[path] = mixed;
    }
    expect(found).toEqual({});
  });
}

test("the header offers the other language, posting back to the same page", async () => {
  const fr = await page("/admin/lists?status=confirmed", "fr");
  expect(fr).toMatch(/<button[^>]*lang="en"[^>]*>English<\/button>/);
  expect(fr).toContain('name="back" value="/admin/lists?status=confirmed"');
  const en = await page("/admin");
  expect(en).toMatch(/<button[^>]*lang="fr"[^>]*>Français<\/button>/);
  const res = await t.request("/lang", {
    method: "POST",
    headers: {
      Cookie: cookie,
      Origin: ORIGIN,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "lang=fr&back=%2Fadmin%2Flists",
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/admin/lists");
  expect(res.headers.get("set-cookie")).toContain("lang=fr");
});

test("the check catches a page that mixes the languages", () => {
  const mixed = `<html><p>${CATALOGUES.fr.nav.signOut}</p><p>${CATALOGUES.en.nav.stopAll}</p><p>consentement, never</p><th>${CATALOGUES.en.lists.name}</th></html>`;
  expect(otherLanguage(mixed, "fr").sort()).toEqual(
    [CATALOGUES.en.nav.stopAll, CATALOGUES.en.lists.name].sort(),
  );
  expect(story.admin).toContain("/admin");
});

test("the account and team routes tell their outcome in the admin's language", async () => {
  const fr = { Cookie: cookie, "Accept-Language": "fr" };
  const wrong = await t.form(
    "/admin/account/password",
    { current_password: "not the password", new_password: "a new long password" },
    fr,
  );
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain(CATALOGUES.fr.account.wrongPassword);
  const gone = await t.form("/admin/account/tokens/no-such-token/revoke", {}, fr);
  expect(gone.status).toBe(404);
  expect((await gone.text()).replace(/&#39;/g, "'")).toContain(
    CATALOGUES.fr.account.nothingToRevoke,
  );
  const invited = await t.form("/admin/admins", { email: "new@test.example", role: "editor" }, fr);
  expect(await invited.text()).toContain("new@test.example est invité comme éditeur.");
  const english = await t.form(
    "/admin/account/tokens/no-such-token/revoke",
    {},
    { Cookie: cookie },
  );
  expect(await english.text()).toContain("Nothing to revoke: it has already ended.");
});

test("the not-allowed page speaks French, with the roles' French names", async () => {
  const member = await addMember(t, await t.token(), "viewer");
  const viewer = await t.signIn(member.email, member.password);
  const res = await t.request("/admin/admins", {
    headers: { Cookie: viewer, "Accept-Language": "fr" },
  });
  expect(res.status).toBe(403);
  const text = visibleText(await res.text());
  expect(text).toContain("Action non autorisée");
  expect(text).toContain("Votre rôle (lecteur) ne permet pas cette action");
  expect(text).toContain("le rôle propriétaire ou plus");
});
