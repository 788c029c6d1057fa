// The mail Relance writes: the re-consent invitation and the campaign wrapper, in the reader's
// language (texts in the catalogues, section `mailTemplates`). Every message ends with the
// unsubscribe link; names are always escaped.
import type { Child } from "hono/jsx";
import { escapeToBuffer } from "hono/utils/html";
import type { MailTemplate, StoredMessage } from "../../db/schema";
import type { Lang } from "../i18n";
import { messages } from "../messages";
import {
  type MergeContact,
  type MergeTag,
  mergeValue,
  parseMergeTags,
  replaceMergeTags,
} from "./merge-tags";

export type Rendered = { subject: string; text: string; html: string };

export function Mail(props: { lang: Lang; children: Child }) {
  return (
    <html lang={props.lang}>
      <body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem; margin: auto;">
        {props.children}
      </body>
    </html>
  );
}

/** What the reader consents to, quoted as the list states it. */
function Purpose(props: { label: string; text: string }) {
  return (
    <>
      <p>
        <strong>{props.label}</strong>
      </p>
      <blockquote>{props.text}</blockquote>
    </>
  );
}

/** Every message ends with the way out: unsubscribe in one click, or manage everything. */
export function MailFooter(props: {
  unsubscribe: [string, string];
  preferences: [string, string];
}) {
  return (
    <p>
      <small>
        <a href={props.unsubscribe[0]}>{props.unsubscribe[1]}</a> ·{" "}
        <a href={props.preferences[0]}>{props.preferences[1]}</a>
      </small>
    </p>
  );
}

export const toHtml = (node: unknown) => `<!DOCTYPE html>${String(node)}`;

export function renderInvitation(input: {
  lang: Lang;
  listName: string;
  purpose: string;
  contactName: string | null;
  subject?: string | null;
  deadline: string;
  /** The send's one reminder: still to come (`planned`), or this mail (`now`). */
  reminder?: "planned" | "now";
  consentUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}): Rendered {
  const t = messages(input.lang).mailTemplates.invitation;
  const deadline = t.deadlineFormat.format(new Date(input.deadline));
  const reminding = input.reminder === "now";
  const asked = input.subject?.trim() || t.subject(input.listName);
  const subject = reminding ? t.reminderSubject(asked) : asked;
  const silence = reminding
    ? t.silenceInReminder
    : input.reminder === "planned"
      ? t.silenceBeforeReminder
      : t.silence;
  const text = [
    t.hello(input.contactName),
    "",
    ...(reminding ? [t.reminderLine, ""] : []),
    t.why(input.listName),
    "",
    t.purpose,
    input.purpose,
    "",
    t.ask(deadline),
    input.consentUrl,
    "",
    silence,
    "",
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
    `${t.preferences} : ${input.preferencesUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.hello(input.contactName)}</p>
      {reminding ? <p>{t.reminderLine}</p> : null}
      <p>{t.why(input.listName)}</p>
      <Purpose label={t.purpose} text={input.purpose} />
      <p>{t.ask(deadline)}</p>
      <p>
        <a href={input.consentUrl}>{t.confirm}</a>
      </p>
      <p>{silence}</p>
      <MailFooter
        unsubscribe={[input.unsubscribeUrl, t.unsubscribe]}
        preferences={[input.preferencesUrl, t.preferences]}
      />
    </Mail>,
  );
  return { subject, text, html };
}

/** The double opt-in mail: nothing else is ever sent to a subscriber before they click. */
export function renderSubscribeConfirmation(input: {
  lang: Lang;
  listName: string;
  purpose: string;
  confirmUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}): Rendered {
  const t = messages(input.lang).mailTemplates.subscribeConfirmation;
  const text = [
    t.hello,
    "",
    t.why(input.listName),
    "",
    t.purpose,
    input.purpose,
    "",
    `${t.confirm} : ${input.confirmUrl}`,
    "",
    t.ignore,
    "",
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
    `${t.preferences} : ${input.preferencesUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.hello}</p>
      <p>{t.why(input.listName)}</p>
      <Purpose label={t.purpose} text={input.purpose} />
      <p>
        <a href={input.confirmUrl}>{t.confirm}</a>
      </p>
      <p>{t.ignore}</p>
      <MailFooter
        unsubscribe={[input.unsubscribeUrl, t.unsubscribe]}
        preferences={[input.preferencesUrl, t.preferences]}
      />
    </Mail>,
  );
  return { subject: t.subject(input.listName), text, html };
}

function TextAsHtml(props: { text: string }) {
  return (
    <>
      {props.text.split(/\n\s*\n/).map((paragraph) => (
        <p>{paragraph.split("\n").map((line, i) => (i === 0 ? line : [<br />, line]))}</p>
      ))}
    </>
  );
}

export function renderCampaign(input: {
  lang: Lang;
  listName: string;
  subject: string;
  text: string;
  html: string | null;
  unsubscribeUrl: string;
  preferencesUrl?: string;
}): Rendered {
  const f = messages(input.lang).mailTemplates.campaignFooter;
  const preferences = input.preferencesUrl ? `\n${f.preferences} : ${input.preferencesUrl}` : "";
  const text = `${input.text}\n\n--\n${f.why(input.listName)}\n${f.unsubscribe} : ${input.unsubscribeUrl}${preferences}`;
  const footer = String(
    <p>
      <small>
        {f.why(input.listName)} <a href={input.unsubscribeUrl}>{f.unsubscribe}</a>
        {input.preferencesUrl ? (
          <>
            {" · "}
            <a href={input.preferencesUrl}>{f.preferences}</a>
          </>
        ) : null}
      </small>
    </p>,
  );
  // The campaign's HTML is the admin's own; without it, the text is shown escaped, its blank
  // lines making paragraphs and its single line breaks kept.
  const body = input.html ?? String(<TextAsHtml text={input.text} />);
  return {
    subject: input.subject,
    text,
    html: `<!DOCTYPE html><html lang="${input.lang}"><body>${body}${footer}</body></html>`,
  };
}

// ---- Prepared once per send, filled in per message ----------------------------------------------

/** Marks a per-message value in a render done once; private-use characters JSX leaves as they are. */
const OPEN = "\u{E000}";
const CLOSE = "\u{E001}";
const MARK = /\u{E000}(\d+)\u{E001}/u;

/**
 * Fills a template in with one message's values: as they are in the subject and the text, escaped
 * in the HTML exactly as JSX escapes them. A retried batch is filled in again from what was
 * stored, so this must stay the same from one version of Relance to the next.
 */
export function fillTemplate(template: MailTemplate, values: readonly string[]): Rendered {
  const fill = (parts: string[], html: boolean) => {
    const out: [string] = [parts[0] ?? ""];
    for (let i = 1; i < parts.length; i += 2) {
      const value = values[Number(parts[i])] ?? "";
      if (html) escapeToBuffer(value, out);
      else out[0] += value;
      out[0] += parts[i + 1] ?? "";
    }
    return out[0];
  };
  return {
    subject: fill(template.subject, false),
    text: fill(template.text, false),
    html: fill(template.html, true),
  };
}

/** A message of a prepared mail: the template it fills in (by key) and its values. */
export type Composed = { key: string; template: MailTemplate; values: string[] };

/** A prepared mail: the message for these values, or how it is composed (to store it compactly). */
type PreparedMail<In> = ((input: In) => Rendered) & { compose(input: In): Composed };

/** The marks are private-use characters, meaningless in mail: a fixed text holding one loses it. */
const withoutMarks = <T extends object>(fixed: T): T =>
  Object.fromEntries(
    Object.entries(fixed).map(([k, v]) => [
      k,
      typeof v === "string" ? v.replace(/[\u{E000}\u{E001}]/gu, "\u{FFFD}") : v,
    ]),
  ) as T;

/**
 * Renders a mail once with a mark in place of each per-message value, then fills the marks in for
 * each message (`fillTemplate`), so that the result is the very string a full render gives
 * (test/mail.test.ts compares them). One render per send and language instead of one per message:
 * rendering was a tenth of the dispatcher's CPU. A missing or empty value may change the wording
 * ("Hello," without a name), so it is rendered as it is, once per pattern of missing values.
 */
export function prepared<I extends { lang: Lang }, K extends keyof I & string>(
  render: (input: I) => Rendered,
  given: Omit<I, K | "lang">,
  slots: readonly K[],
): PreparedMail<Pick<I, K | "lang">> {
  const fixed = withoutMarks(given);
  const templates = new Map<string, MailTemplate>();
  const compose = (input: Pick<I, K | "lang">): Composed => {
    const values = slots.map((k) => input[k] as unknown as string | null | undefined);
    // A missing or empty value is rendered as it is (it may change the wording), not marked.
    const key = `${input.lang}:${values.map((v) => (v ? "s" : v === "" ? "e" : String(v)[0])).join("")}`;
    let template = templates.get(key);
    if (!template) {
      const marks = Object.fromEntries(
        slots.map((k, i) => [k, values[i] ? `${OPEN}${i}${CLOSE}` : values[i]]),
      );
      const once = render({ ...fixed, ...input, ...marks } as unknown as I);
      template = {
        slots: [...slots],
        subject: once.subject.split(MARK),
        text: once.text.split(MARK),
        html: once.html.split(MARK),
      };
      templates.set(key, template);
    }
    return { key, template, values: values.map((v) => v || "") };
  };
  const mail = (input: Pick<I, K | "lang">): Rendered => {
    const { template, values } = compose(input);
    return fillTemplate(template, values);
  };
  return Object.assign(mail, { compose });
}

type InvitationInput = Parameters<typeof renderInvitation>[0];
type ConfirmationInput = Parameters<typeof renderSubscribeConfirmation>[0];
type CampaignInput = Parameters<typeof renderCampaign>[0];
const LINKS = ["unsubscribeUrl", "preferencesUrl"] as const;

/** The invitations of one send: what differs per message is the name and the three links. */
export const prepareInvitation = (
  fixed: Omit<InvitationInput, "lang" | "contactName" | "consentUrl" | (typeof LINKS)[number]>,
) => prepared(renderInvitation, fixed, ["contactName", "consentUrl", ...LINKS]);

/** The confirmation mails of one subscription send: the three links differ per message. */
export const prepareSubscribeConfirmation = (
  fixed: Omit<ConfirmationInput, "lang" | "confirmUrl" | (typeof LINKS)[number]>,
) => prepared(renderSubscribeConfirmation, fixed, ["confirmUrl", ...LINKS]);

type MergeSlot = `m${number}`;
type MergedCampaignInput = CampaignInput & Partial<Record<MergeSlot, string>>;

/**
 * The messages of one campaign send: the two links and the merge tags' values differ per message.
 * Each distinct tag is a slot (`m0`, `m1`…) of the prepared mail, so a value is filled in as every
 * per-message value is: as it is in the subject and the text, escaped in the HTML.
 */
export function prepareCampaign(fixed: Omit<CampaignInput, "lang" | (typeof LINKS)[number]>) {
  const distinct: MergeTag[] = [];
  for (const value of [fixed.subject, fixed.text, fixed.html ?? ""]) {
    const parsed = parseMergeTags(value);
    for (const tag of parsed.ok ? parsed.tags : [])
      if (!distinct.some((d) => d.source === tag.source)) distinct.push(tag);
  }
  const slotOf = (tag: MergeTag) =>
    `m${distinct.findIndex((d) => d.source === tag.source)}` as MergeSlot;
  const render = (input: MergedCampaignInput) => {
    const value = (tag: MergeTag) => input[slotOf(tag)] ?? "";
    return renderCampaign({
      ...input,
      subject: replaceMergeTags(input.subject, value),
      text: replaceMergeTags(input.text, value),
      html: input.html === null ? null : replaceMergeTags(input.html, (t) => escapeHtml(value(t))),
    });
  };
  const slots = [...LINKS, ...distinct.map((_, i) => `m${i}` as MergeSlot)];
  const mail = prepared<MergedCampaignInput, (typeof LINKS)[number] | MergeSlot>(
    render,
    fixed,
    slots,
  );
  type PerMessage = Pick<CampaignInput, "lang" | (typeof LINKS)[number]> & {
    contact?: MergeContact;
  };
  const valuesOf = ({ contact, ...input }: PerMessage) => ({
    ...input,
    ...Object.fromEntries(
      distinct.map((tag, i) => [`m${i}`, contact ? mergeValue(tag, contact) : tag.fallback]),
    ),
  });
  return Object.assign((input: PerMessage) => mail(valuesOf(input)), {
    compose: (input: PerMessage) => mail.compose(valuesOf(input)),
  });
}

const escapeHtml = (value: string) => {
  const out: [string] = [""];
  escapeToBuffer(value, out);
  return out[0];
};

/** A message before its template is filled in: what a batch holds until its provider call. */
export type UnfilledMail = {
  to: string;
  template: MailTemplate;
  values: readonly string[];
  unsubscribeUrl: string;
};

/** A stored message with its template (undefined when the batch lacks it), not yet filled in. */
export function storedUnfilled(
  message: StoredMessage,
  templates: Record<string, MailTemplate>,
): UnfilledMail | undefined {
  const template = templates[message.t];
  if (!template) return undefined;
  const unsubscribeUrl = message.v[template.slots.indexOf("unsubscribeUrl")] ?? "";
  return { to: message.to, template, values: message.v, unsubscribeUrl };
}

/** A message as it is sent: its template filled in with its values. */
export const filledMail = (mail: UnfilledMail): MailPayload => ({
  to: mail.to,
  ...fillTemplate(mail.template, mail.values),
  unsubscribeUrl: mail.unsubscribeUrl,
});

/** A stored message as it is sent: its template filled in (undefined when the batch lacks it). */
export function storedMail(
  message: StoredMessage,
  templates: Record<string, MailTemplate>,
): MailPayload | undefined {
  const unfilled = storedUnfilled(message, templates);
  return unfilled && filledMail(unfilled);
}

/** One message ready for the provider, before its address is parsed. */
export type MailPayload = Rendered & { to: string; unsubscribeUrl: string };
