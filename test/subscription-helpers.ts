// Shared steps of the status subscription tests: subscribe or follow, confirm from the outbox.

import { MIN_FILL_MS, signFormStart } from "../src/polls/bot-check";
import type { TestApp } from "./helpers";
import { linksInMail } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";

export const mailsTo = async (t: TestApp, to: string) =>
  (
    await t.client.execute({
      sql: "SELECT subject, text, html, headers, reply_to FROM mail_outbox WHERE to_address = ? ORDER BY id",
      args: [to],
    })
  ).rows.map((r) => ({
    subject: String(r.subject),
    text: String(r.text),
    replyTo: String(r.reply_to),
    headers: JSON.parse(String(r.headers)) as Record<string, string>,
  }));

export const mailCount = async (t: TestApp) =>
  Number((await t.client.execute("SELECT count(*) AS n FROM mail_outbox")).rows[0]?.n);

/** Submits a status form and confirms from the mail it sends (in the visitor's language). */
export async function subscribeAndConfirm(
  t: TestApp,
  email: string,
  path = "/status/subscribe",
  lang: "fr" | "en" = "fr",
  extra: Record<string, string> = {},
) {
  const res = await t.form(path, { ...shownForm(t), email, ...extra }, { "Accept-Language": lang });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  await dispatchUntilIdle(t.deps);
  const { confirm } = await linksInMail(t, email);
  if (!confirm) throw new Error(`no confirmation link to ${email}`);
  const confirmed = await t.form(confirm, {});
  if (confirmed.status >= 400) throw new Error(`confirming answered ${confirmed.status}`);
}

export async function createIncident(t: TestApp, bearer: string, slug: string, extra = {}) {
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug,
    title: `Panne ${slug}`,
    title_en: `Outage ${slug}`,
    status: "investigating",
    impact: "major",
    body: "Les messages ne partent plus.",
    body_en: "Messages are not going out.",
    ...extra,
  });
  if (res.status !== 201) throw new Error(`creating the incident answered ${res.status}`);
  return ((await res.json()) as { id: number }).id;
}

export const postUpdate = (t: TestApp, bearer: string, id: number, body: Record<string, unknown>) =>
  t.api(bearer, "POST", `/api/v1/incidents/${id}/updates`, body);

/**
 * The hidden field of a public form shown a moment ago (the honeypot left empty), for tests that
 * post a subscribe or follow form directly: test/hardening-bots.test.ts covers the refusals.
 */
export const shownForm = (t: TestApp) => ({
  form_started: signFormStart(t.deps, new Date(t.clock.now().getTime() - MIN_FILL_MS)),
});
