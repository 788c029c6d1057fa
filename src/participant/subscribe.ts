// Public subscription with double opt-in: the visitor joins as `pending`, and a confirmation
// mail goes through the outbox like any other (rate limit, kill switch, one recipient). The
// answer is the same whether the address was new, known, pending, confirmed or suppressed.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { findMember } from "../consent/queries";
import { answerSource, hashAddress, isSuppressed, recordConsentEvent } from "../consent/service";
import type { ConsentState } from "../consent/states";
import { enterList } from "../consent/transitions";
import { parseAddress } from "../contacts/address";
import { findContactByKey, insertContact } from "../contacts/queries";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";
import type { List } from "../lists/service";
import { hasControlCharacters } from "../mail/provider";
import { startSend } from "../sending/outbox";
import * as sendingQueries from "../sending/queries";
import type { TokenPayload } from "../tokens";
import type { Proof } from "./proof";
import * as q from "./queries";

/** At most one confirmation mail per address and list in this window. */
export const CONFIRMATION_INTERVAL_MS = 60 * 60_000;

export type SubscribeField = "email" | "name" | "consent";
export type SubscribeValues = { email: string; name: string; consent: boolean };

/** Error messages are codes the views translate. */
export const subscribeInput = z.object({
  email: z.string().trim().min(1, "required").max(254, "too_long"),
  name: z
    .string()
    .refine((v) => !hasControlCharacters(v), "control_characters")
    .trim()
    .max(200, "too_long"),
  consent: z.literal(true, { error: "consent" }),
});

export function parseSubscription(
  form: Record<string, unknown>,
):
  | { ok: true; values: SubscribeValues; key: string; email: string }
  | { ok: false; values: SubscribeValues; errors: Partial<Record<SubscribeField, string>> } {
  const values: SubscribeValues = {
    email: typeof form.email === "string" ? form.email : "",
    name: typeof form.name === "string" ? form.name : "",
    consent: form.consent === "yes",
  };
  const errors: Partial<Record<SubscribeField, string>> = {};
  const parsed = subscribeInput.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors[issue.path[0] as SubscribeField] ??= issue.message;
  }
  const address = errors.email ? undefined : parseAddress(values.email);
  if (address && "error" in address) errors.email = "email";
  if (Object.keys(errors).length || !address || "error" in address) {
    return { ok: false, values, errors };
  }
  return {
    ok: true,
    values: { ...values, name: values.name.trim() },
    key: address.key,
    email: address.email,
  };
}

/**
 * Handles a valid subscription request. Returns nothing on purpose: the visitor sees the same
 * answer whatever happened, so the form cannot tell who is on a list.
 */
export async function requestSubscription(
  deps: Deps,
  list: List,
  request: { email: string; key: string; name: string; lang: Lang },
  proof: Proof,
): Promise<void> {
  if (await isSuppressed(deps, request.key, list.id)) return;
  const at = deps.clock.now().toISOString();
  let contact = await findContactByKey(deps.db, request.key);
  if (!contact) {
    await insertContact(deps.db, {
      email: request.email,
      emailKey: request.key,
      emailHash: hashAddress(deps, request.key),
      name: request.name || null,
      attributes: { language: request.lang },
      at,
    });
    contact = await findContactByKey(deps.db, request.key);
    if (!contact) throw new Error("the contact just added cannot be read back");
  }
  const member = { listId: list.id, contactId: contact.id };
  const state = (await findMember(deps.db, list.id, contact.id))?.status;
  const ctx = { source: `subscribe form of ${list.slug}`, ...proof };
  if (state === undefined) {
    const by = "participant";
    const source = answerSource(deps, { by, source: ctx.source });
    await deps.db.batch(
      enterList(
        deps.db,
        list.id,
        { id: sql`c.id`, from: sql`contacts c WHERE c.id = ${contact.id}` },
        "subscribed",
        { ...ctx, source, at, actor: "participant", by },
      ),
    );
  } else if (state === "unsubscribed") {
    await recordConsentEvent(deps, member, "subscribed", {
      ...ctx,
      actor: "participant",
      by: "participant",
    });
  } else if (state !== "pending") {
    return; // confirmed already, or a state only the person's own links may change
  }
  await queueConfirmation(deps, list, contact.id);
}

/**
 * Queues the confirmation mail of a pending member as a one-recipient `subscribe` send, unless
 * one was queued within the last hour (so the form cannot mail-bomb an address).
 */
export async function queueConfirmation(deps: Deps, list: List, contactId: number) {
  const member = { listId: list.id, contactId };
  const now = deps.clock.now();
  const since = new Date(now.getTime() - CONFIRMATION_INTERVAL_MS).toISOString();
  if (await q.confirmationSentSince(deps.db, member, since)) return false;
  const report = await startSend(deps, {
    kind: "subscribe",
    listId: list.id,
    contactId,
    subject: "",
    textVersion: list.purposeVersion,
    actor: "subscribe form",
  });
  deps.dispatcher?.wake();
  return report.sendId !== null;
}

export type ConfirmView = "question" | "confirmed" | "expired" | "closed";

export type Subscription = {
  sendId: number;
  list: { id: number; name: string; slug: string };
  purpose: string;
  textVersion: number;
  contactId: number;
  state: ConsentState | null;
};

/** The subscription a confirmation link names, or undefined. */
export async function loadSubscription(
  deps: Deps,
  payload: TokenPayload,
): Promise<Subscription | undefined> {
  if (payload.s === undefined || payload.l === undefined) return undefined;
  const send = await sendingQueries.findSend(deps.db, payload.s);
  if (send?.kind !== "subscribe" || send.listId !== payload.l) return undefined;
  const list = await sendingQueries.listWithPurpose(deps.db, send.listId, send.textVersion);
  if (!list) return undefined;
  const member = await findMember(deps.db, send.listId, payload.c);
  return {
    sendId: send.id,
    list: { id: send.listId, name: list.name, slug: list.slug },
    purpose: list.purpose,
    textVersion: send.textVersion,
    contactId: payload.c,
    state: member?.status ?? null,
  };
}

export function subscriptionView(s: Subscription, linkExpired: boolean): ConfirmView {
  if (s.state === "confirmed") return "confirmed";
  if (s.state !== "pending") return "closed";
  return linkExpired ? "expired" : "question";
}

/** Confirms a pending subscription with its proof; a second click changes nothing. */
export async function confirmSubscription(
  deps: Deps,
  s: Subscription,
  linkExpired: boolean,
  proof: Proof,
): Promise<ConfirmView> {
  const view = subscriptionView(s, linkExpired);
  if (view !== "question") return view;
  const result = await recordConsentEvent(
    deps,
    { listId: s.list.id, contactId: s.contactId },
    "confirmed",
    {
      source: `subscription confirmation (send #${s.sendId})`,
      actor: "participant",
      by: "participant",
      textVersion: s.textVersion,
      ...proof,
    },
  );
  return result.ok ? "confirmed" : subscriptionView({ ...s, state: null }, linkExpired);
}
