// The render stage of the pipeline: one send's mail, prepared once, then composed per recipient
// with their name and signed links.
import type { Config } from "../config";
import type { Lang } from "../i18n";
import { singleRecipient } from "../mail/provider";
import { preparePreferencesLink } from "../participant/lost-link-mail";
import { signInvitation } from "../polls/invitation";
import { preparePollInvitation } from "../polls/invitation-mail";
import { prepareIncidentNotice } from "../subscriptions/notice-mail";
import { signToken } from "../tokens";
import { type CampaignContent, contentFor } from "./campaign-versions";
import { languageOf, statedLanguageOf } from "./contact-language";
import type { Send, SendMaterial } from "./store";
import {
  type Composed,
  prepareCampaign,
  prepareInvitation,
  prepareSubscribeConfirmation,
} from "./templates";

export { languageOf };

/** How long a subscriber's confirmation link stays valid after the request. */
export const SUBSCRIBE_LINK_MS = 7 * 24 * 60 * 60_000;

export type RecipientFacts = {
  /** Null for a test send's one message. */
  contactId: number | null;
  email: string;
  name: string | null;
  attributes: unknown;
};

/** One message of a send, composed: its recipient, its unsubscribe link, its mail. */
export type Rendering = { to: string; unsubscribeUrl: string; composed: Composed };

export type Render = (contact: RecipientFacts) => Promise<Rendering>;

/** The links every message carries, and what a kind's mail needs to add its own. */
type Links = {
  lang: Lang;
  /** The language the contact stated, if any (a test: the version it shows). */
  stated: Lang | undefined;
  unsubscribeUrl: string;
  preferencesUrl: string;
  base: string;
  sign: (payload: Parameters<typeof signToken>[1]) => Promise<string>;
};

/**
 * Builds the renderer of one send: its mail is prepared (per language and wording) once, from
 * what the send was made of (`material`, read once); each message then only gets its name and
 * links. A send's purpose version, subject, deadline and campaign never change.
 */
export function sendRenderer(
  config: Pick<Config, "publicUrl" | "orgName" | "orgTimezone"> & { secretKey: string },
  send: Send,
  material: SendMaterial,
  now: Date,
): Render {
  const compose =
    send.kind === "poll"
      ? pollInvitationComposer(config.secretKey, send, config.orgName)
      : composerOf(send, material, now, config);
  const base = config.publicUrl;
  const sign = (payload: Parameters<typeof signToken>[1]) => signToken(config.secretKey, payload);
  return async (contact) => {
    const to = singleRecipient(contact.email);
    if (contact.contactId === null) {
      // A test: no contact to unsubscribe, and the merge tags show their fallbacks.
      const stated = send.testLang ?? undefined;
      const unsubscribeUrl = `${base}/u/test`;
      const links = { unsubscribeUrl, preferencesUrl: `${base}/p/test`, base, sign };
      const composed = await compose(contact, { lang: stated ?? "fr", stated, ...links });
      return { to, unsubscribeUrl, composed };
    }
    const stated = statedLanguageOf(contact.attributes);
    const lang = stated ?? "fr";
    const unsubscribeUrl = `${base}/u/${await sign({ p: "unsubscribe", c: contact.contactId, l: send.listId })}`;
    const preferencesUrl = `${base}/p/${await sign({ p: "preferences", c: contact.contactId })}`;
    const links = { lang, stated, unsubscribeUrl, preferencesUrl, base, sign };
    const composed = await compose(contact, links);
    return { to, unsubscribeUrl, composed };
  };
}

type Composer = (contact: RecipientFacts, links: Links) => Promise<Composed>;

/**
 * A poll invitation: the send's subject is the poll's question, and each message carries the
 * reader's own voting link, signed for this poll and this contact (polls/invitation.ts).
 */
function pollInvitationComposer(secretKey: string, send: Send, orgName: string): Composer {
  const mail = preparePollInvitation({ listName: orgName, question: send.subject });
  const pollId = send.pollId;
  return async (contact, { lang, unsubscribeUrl, preferencesUrl, base }) => {
    if (pollId === null) throw new Error(`send ${send.id}: a poll invitation without its poll`);
    const token = signInvitation(secretKey, { pollId, contactId: contactIdOf(contact) });
    return mail.compose({
      lang,
      contactName: contact.name,
      voteUrl: `${base}/v/${token}`,
      unsubscribeUrl,
      preferencesUrl,
    });
  };
}

/** A consent or subscription link names its contact: only a campaign's test has none. */
function contactIdOf(contact: RecipientFacts): number {
  if (contact.contactId === null) throw new Error("this mail is for a contact; a test has none");
  return contact.contactId;
}

/**
 * Per kind of send, its mail prepared once, and how one message of it is composed. Mail names the
 * organisation (`orgName`, ORG_NAME), which people know, never the internal list name.
 */
function composerOf(
  send: Send,
  material: SendMaterial,
  now: Date,
  { orgName, orgTimezone }: Pick<Config, "orgName" | "orgTimezone">,
): Composer {
  const { list } = material;
  const fixed = { listName: orgName, purpose: list.purpose };
  if (send.kind === "subscribe") {
    const mail = prepareSubscribeConfirmation(fixed);
    return async (contact, { lang, unsubscribeUrl, preferencesUrl, base, sign }) => {
      const e = Date.parse(send.createdAt) + SUBSCRIBE_LINK_MS;
      const token = await sign({
        p: "subscribe",
        c: contactIdOf(contact),
        l: send.listId,
        s: send.id,
        e,
      });
      return mail.compose({
        lang,
        confirmUrl: `${base}/s/${token}`,
        unsubscribeUrl,
        preferencesUrl,
      });
    };
  }
  if (send.kind === "reconsent" || send.kind === "reminder") {
    const deadline = send.deadline ?? now.toISOString();
    const reminder =
      send.kind === "reminder" ? "now" : send.reminderDaysBefore ? "planned" : undefined;
    const mail = prepareInvitation({ ...fixed, subject: send.subject, deadline, reminder });
    return async (contact, { lang, unsubscribeUrl, preferencesUrl, base, sign }) => {
      const e = new Date(deadline).getTime();
      const token = await sign({
        p: "consent",
        c: contactIdOf(contact),
        l: send.listId,
        // A reminder's link is its invitation's: the consent page knows the re-consent send.
        s: send.reminderOf ?? send.id,
        e,
      });
      const consentUrl = `${base}/c/${token}`;
      return mail.compose({
        lang,
        contactName: contact.name,
        consentUrl,
        unsubscribeUrl,
        preferencesUrl,
      });
    };
  }
  if (send.kind === "incident") return noticeComposer(send, material, orgTimezone);
  if (send.kind === "preferences_link") {
    const mail = preparePreferencesLink({ orgName });
    return async (_contact, { lang, unsubscribeUrl, preferencesUrl }) =>
      mail.compose({ lang, preferencesUrl, unsubscribeUrl });
  }
  return campaignComposer(send, material, orgName);
}

/**
 * A campaign: each of its versions prepared once, and each contact given their stated language's
 * version, else the main one. The wrapper speaks the contact's language, else the version's.
 */
function campaignComposer(send: Send, { campaign, versions }: SendMaterial, orgName: string) {
  // Each message of it is dropped with the reason, rather than the whole send stuck.
  if (!campaign)
    return async () => {
      throw new Error(`send ${send.id}: campaign ${send.campaignId} is missing`);
    };
  const prepare = (content: CampaignContent) =>
    prepareCampaign({
      listName: orgName,
      // The main version's subject is the send's own (a test's is marked as such, whichever
      // version it shows).
      subject: send.kind === "test" || content === campaign ? send.subject : content.subject,
      text: content.text,
      html: content.html,
    });
  const mails = new Map([campaign, ...versions].map((c) => [c.lang, prepare(c)] as const));
  return async (contact: RecipientFacts, { stated, unsubscribeUrl, preferencesUrl }: Links) => {
    const content = contentFor(campaign, versions, stated);
    return (mails.get(content.lang) ?? prepare(content)).compose({
      lang: stated ?? content.lang,
      unsubscribeUrl,
      preferencesUrl,
      // A test has no contact: its merge tags show their fallbacks.
      contact: contact.contactId === null ? undefined : contact,
    });
  };
}

/** An incident or maintenance notice: its text, the same for every recipient. */
function noticeComposer(send: Send, material: SendMaterial, zone: string): Composer {
  const { notice, list } = material;
  if (!notice)
    return async () => {
      throw new Error(
        `send ${send.id}: incident ${send.incidentId} or maintenance ${send.maintenanceId} is missing`,
      );
    };
  let mail: ReturnType<typeof prepareIncidentNotice> | undefined;
  return async (_contact, { lang, unsubscribeUrl, preferencesUrl, base }) => {
    mail ??= prepareIncidentNotice({
      notice,
      listName: list.name,
      incidentUrl: `${base}${notice.path}`,
      zone,
    });
    return mail.compose({ lang, unsubscribeUrl, preferencesUrl });
  };
}
