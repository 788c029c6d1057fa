// What a provider webhook does: each signed event is stored once (by svix-id) together with its
// effect, in one batch — outcomes, consent events on every list, suppression — then the breaker
// looks at the send. Also the retention of those events and the inbound mail the admin reads.
import type { BatchItem } from "drizzle-orm/batch";
import type { WEBHOOK_EVENT_KINDS } from "../../db/schema";
import * as consent from "../consent/queries";
import { hashAddress } from "../consent/service";
import { moveOnAllLists } from "../consent/transitions";
import { parseAddress } from "../contacts/address";
import type { Deps } from "../deps";
import { adoptPreviousHashes } from "../keys/rekey";
import { checkBreaker } from "../sending/service";
import {
  bouncedData,
  emailEventData,
  failedData,
  isPermanentBounce,
  type ReceivedEmail,
  receivedData,
  suppressedData,
  type WebhookEnvelope,
  webhookEnvelope,
} from "./events";
import * as q from "./queries";

export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

const DAY_MS = 24 * 60 * 60_000;
/** Three transient bounces of one address within 30 days count as a permanent one. */
export const TRANSIENT_BOUNCE_WINDOW_DAYS = 30;
export const TRANSIENT_BOUNCES_AS_PERMANENT = 3;

export type IngestResult =
  | { status: "stored"; kind: WebhookEventKind; effect: string }
  | { status: "replay" }
  | { status: "malformed"; detail: string };

type Plan = {
  kind: WebhookEventKind;
  effect: string;
  message?: q.KnownMessage;
  /** The message's outcome to record (written with the outcomes of the events beside it). */
  outcome?: q.Outcome;
  /** Its other effects. */
  statements: BatchItem<"sqlite">[];
  /** An outcome was recorded: the breaker should judge the send again. */
  judge?: boolean;
};

/** A verified event read and planned, ready to be written: its row and its effects, together. */
export type PreparedEvent = {
  svixId: string;
  result: { status: "stored"; kind: WebhookEventKind; effect: string };
  /** The contact the effects touch, if any. */
  contactId?: number;
  /** The send whose breaker judges this outcome, if it recorded one. */
  judgeSend?: number;
  /** The event's row (unique by svix-id, so a second apply fails as a whole). */
  row: q.NewWebhookEvent;
  /** The outcome it records for its message, if any. */
  outcome?: { messageId: number; outcome: q.Outcome };
  /** What else it changes; written in the same transaction as its row. */
  effects: BatchItem<"sqlite">[];
};

/** Parses a verified body; the detail is safe to return to the caller. */
export function parseEvent(
  body: string,
): { ok: true; event: WebhookEnvelope } | { ok: false; detail: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, detail: "The body is not valid JSON." };
  }
  const envelope = webhookEnvelope.safeParse(json);
  if (!envelope.success) {
    return {
      ok: false,
      detail: "The body is not a webhook event: expected an object with `type` and `data`.",
    };
  }
  return { ok: true, event: envelope.data };
}

/**
 * Reads what an event is about and plans its effects; writes nothing.
 */
export async function prepareEvent(
  deps: Deps,
  svixId: string,
  envelope: WebhookEnvelope,
  body: string,
  at: string,
  lookups: Lookups = directLookups(deps),
): Promise<PreparedEvent> {
  const plan = await planEvent(deps, envelope, at, lookups);
  // About a contact already erased, or naming an erased address: the body is not kept.
  const erased =
    (plan.message !== undefined && plan.message.emailKey === null) ||
    (await lookups.namesErased(envelope.data));
  const row: q.NewWebhookEvent = {
    svixId,
    type: envelope.type,
    kind: plan.kind,
    providerId: providerIdOf(envelope),
    messageId: plan.message?.id ?? null,
    sendId: plan.message?.sendId ?? null,
    contactId: plan.message?.contactId ?? null,
    effect: plan.effect,
    payload: erased ? erasedEventBody(envelope.type, providerIdOf(envelope)) : body,
    receivedAt: at,
  };
  return {
    svixId,
    result: { status: "stored", kind: plan.kind, effect: plan.effect },
    contactId: plan.message?.contactId,
    judgeSend: plan.judge ? plan.message?.sendId : undefined,
    row,
    outcome:
      plan.outcome && plan.message
        ? { messageId: plan.message.id, outcome: plan.outcome }
        : undefined,
    effects: plan.statements,
  };
}

/**
 * The statements that write events together, in one transaction: their rows in one statement,
 * their outcomes in one statement per outcome (most of a campaign's events are `delivered`: one
 * UPDATE for a whole group), then their other effects.
 */
export function eventStatements(
  deps: Deps,
  events: PreparedEvent[],
): [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] {
  const outcomes = new Map<string, { outcome: q.Outcome; at: string; ids: number[] }>();
  for (const { outcome, row } of events) {
    if (!outcome) continue;
    const key = `${outcome.outcome} ${row.receivedAt}`;
    const same = outcomes.get(key) ?? { outcome: outcome.outcome, at: row.receivedAt, ids: [] };
    same.ids.push(outcome.messageId);
    outcomes.set(key, same);
  }
  return [
    q.insertEvents(
      deps.db,
      events.map((e) => e.row),
    ),
    ...[...outcomes.values()].map((o) => q.setOutcomes(deps.db, o.outcome, o.ids, o.at)),
    ...events.flatMap((e) => e.effects),
  ];
}

/**
 * Applies one verified event in its own transaction (Workers, and the fallback of the Node
 * batcher). A replayed svix-id changes nothing; an event about a message Relance does not know,
 * or of a type it does not act on, is kept for inspection.
 */
export async function ingestResendEvent(
  deps: Deps,
  svixId: string,
  body: string,
): Promise<IngestResult> {
  const parsed = parseEvent(body);
  if (!parsed.ok) return { status: "malformed", detail: parsed.detail };
  if (await q.isStored(deps.db, svixId)) return { status: "replay" };
  const at = deps.clock.now().toISOString();
  const prepared = await prepareEvent(deps, svixId, parsed.event, body, at);
  try {
    // The event row and its effects commit together: a crash leaves neither, and the provider's
    // retry applies it then.
    await deps.db.batch(eventStatements(deps, [prepared]));
  } catch (error) {
    // Two deliveries of one svix-id at the same instant: the unique key let one through.
    if (await q.isStored(deps.db, svixId)) return { status: "replay" };
    throw error;
  }
  if (prepared.judgeSend !== undefined) await checkBreaker(deps, prepared.judgeSend);
  return prepared.result;
}

/** Addresses in an event's `from` and `to` ("Name <address>" or bare), as address keys. */
function addressKeysIn(
  data: Record<string, unknown>,
  keyOf: (value: string) => string | undefined = addressKeyOf,
): string[] {
  const to = Array.isArray(data.to) ? data.to : [data.to];
  return [data.from, ...to].flatMap((value) => {
    if (typeof value !== "string" || value.length > 1000) return [];
    return keyOf(value) ?? [];
  });
}

/** The address key of "Name <address>" or a bare address, if it is one. */
function addressKeyOf(value: string): string | undefined {
  const address = parseAddress(/<([^<>]+)>/.exec(value)?.[1] ?? value);
  return "error" in address ? undefined : address.key;
}

const addressHashesIn = (deps: Deps, data: Record<string, unknown>) =>
  addressKeysIn(data).map((key) => hashAddress(deps, key));

const providerIdIn = (event: WebhookEnvelope) => {
  const ref = emailEventData.safeParse(event.data);
  return ref.success ? ref.data.email_id : undefined;
};

/** What planning an event reads: its message, and whether it names an erased address. */
export type Lookups = {
  message(providerId: string): Promise<q.KnownMessage | undefined>;
  /**
   * Whether an event names an address whose person was erased here (mail they sent in after, or
   * about a message Relance cannot match): such an event must not bring the address back.
   */
  namesErased(data: Record<string, unknown>): Promise<boolean>;
};

/** Each read when asked (one event per transaction). */
export const directLookups = (deps: Deps): Lookups => ({
  message: (providerId) => q.messageByProviderId(deps.db, providerId),
  namesErased: async (data) => {
    // A suppression made under a previous SECRET_KEY moves to the current one first.
    await adoptPreviousHashes(deps, addressKeysIn(data));
    return (await consent.erasedAmong(deps.db, addressHashesIn(deps, data))).length > 0;
  },
});

/**
 * Two reads for a whole group of events instead of two per event. A campaign's events all name the
 * same sender: each distinct address is parsed and hashed once per group.
 */
export async function groupLookups(deps: Deps, events: WebhookEnvelope[]): Promise<Lookups> {
  const providerIds = events.flatMap((event) => providerIdIn(event) ?? []);
  const messages = await q.messagesByProviderIds(deps.db, providerIds);
  const keyOf = remembered(addressKeyOf);
  const keys = events.map((event) => addressKeysIn(event.data, keyOf));
  // Suppressions made under a previous SECRET_KEY move to the current one before the look-up.
  await adoptPreviousHashes(deps, [...new Set(keys.flat())]);
  const hashOf = remembered((key: string) => hashAddress(deps, key));
  const hashes = new Map(events.map((event, i) => [event.data, (keys[i] ?? []).map(hashOf)]));
  const erased = new Set(
    await consent.erasedAmong(deps.db, [...new Set([...hashes.values()].flat())]),
  );
  return {
    message: async (providerId) => messages.get(providerId),
    namesErased: async (data) =>
      (hashes.get(data) ?? addressHashesIn(deps, data)).some((hash) => erased.has(hash)),
  };
}

/** `f` computed once per distinct argument, for the life of the returned function. */
function remembered<A, R>(f: (arg: A) => R): (arg: A) => R {
  const known = new Map<A, R>();
  return (arg) => {
    if (!known.has(arg)) known.set(arg, f(arg));
    return known.get(arg) as R;
  };
}

async function planEvent(
  deps: Deps,
  event: WebhookEnvelope,
  at: string,
  lookups: Lookups,
): Promise<Plan> {
  if (event.type === "email.received") {
    return {
      kind: "received",
      effect: "Inbound mail: stored for the admin to read, never forwarded.",
      statements: [],
    };
  }
  const providerId = providerIdIn(event);
  if (providerId === undefined) {
    return { kind: "other", effect: "No data.email_id: stored only.", statements: [] };
  }
  const kind = kindOf(event);
  const message = await lookups.message(providerId);
  if (!message) {
    return {
      kind,
      effect: `No message is known by provider id ${providerId}: kept for inspection.`,
      statements: [],
    };
  }
  return planMessageEvent(deps, event, { kind, message }, at);
}

/** What an event about a message Relance sent does: an outcome, a failure, or nothing but storing. */
function planMessageEvent(
  deps: Deps,
  event: WebhookEnvelope,
  base: { kind: Plan["kind"]; message: q.KnownMessage },
  at: string,
): Plan | Promise<Plan> {
  const { message } = base;
  switch (event.type) {
    case "email.delivered":
      return {
        ...base,
        effect: "Message delivered.",
        outcome: "delivered",
        statements: [],
        judge: true,
      };
    case "email.bounced":
      return planBounce(deps, event, message, at);
    case "email.complained":
      return planBadAddress(deps, event.type, message, "complained", at, "Complaint");
    case "email.failed": {
      const reason = keptReason(message, failedData.parse(event.data).failed.reason);
      return {
        ...base,
        effect: `Message failed: ${reason}`,
        statements: [q.failMessage(deps.db, message.id, `failed: ${reason}`, at)],
      };
    }
    case "email.suppressed": {
      const reason = keptReason(message, suppressedData.parse(event.data).suppressed.message);
      return {
        ...base,
        effect: `Resend suppressed the message: ${reason}`,
        statements: [
          q.failMessage(deps.db, message.id, `suppressed by the provider: ${reason}`, at),
        ],
      };
    }
    default:
      return {
        ...base,
        effect: "Stored; Relance does not act on this event type.",
        statements: [],
      };
  }
}

/**
 * What is kept of an event about an erased contact, or of mail they sent in: its type and the
 * provider's id, nothing the person wrote or was sent. Erasure (`forgetContact`) empties the events
 * already stored to this same shape.
 */
export const erasedEventBody = (type: string, providerId: string | null) =>
  JSON.stringify({
    type,
    data: { email_id: providerId, from: "[erased]", to: [], subject: "" },
  });

/** The provider's reason, unless the contact is erased (it may quote their address). */
const keptReason = (message: q.KnownMessage, reason: string | undefined) =>
  message.emailKey === null
    ? "reason not kept: the contact is erased"
    : reason || "no reason given";

const providerIdOf = (event: WebhookEnvelope) =>
  typeof event.data.email_id === "string" ? event.data.email_id.slice(0, 200) : null;

function kindOf(event: WebhookEnvelope): WebhookEventKind {
  switch (event.type) {
    case "email.delivered":
      return "delivered";
    case "email.bounced": {
      const bounce = bouncedData.safeParse(event.data);
      return bounce.success && isPermanentBounce(bounce.data.bounce)
        ? "bounced"
        : "bounced_transient";
    }
    case "email.complained":
      return "complained";
    case "email.failed":
      return "failed";
    case "email.suppressed":
      return "suppressed";
    default:
      return "other";
  }
}

/** A permanent bounce acts at once; a transient one only on the third within 30 days. */
async function planBounce(
  deps: Deps,
  event: WebhookEnvelope,
  message: q.KnownMessage,
  at: string,
): Promise<Plan> {
  const parsed = bouncedData.safeParse(event.data);
  const bounce = parsed.success ? parsed.data.bounce : { type: "" };
  // The provider's message may quote the address: not kept once the contact is erased.
  const words = message.emailKey === null ? undefined : bounce.message;
  const detail = [bounce.type || "Unclassified", bounce.subType, words].filter(Boolean).join(" / ");
  if (isPermanentBounce(bounce)) {
    return planBadAddress(deps, event.type, message, "bounced", at, `Permanent bounce (${detail})`);
  }
  const since = new Date(Date.parse(at) - TRANSIENT_BOUNCE_WINDOW_DAYS * DAY_MS).toISOString();
  const count = (await q.transientBouncesSince(deps.db, message.contactId, since)) + 1;
  if (count < TRANSIENT_BOUNCES_AS_PERMANENT) {
    return {
      kind: "bounced_transient",
      message,
      effect: `Transient bounce (${detail}): ${count} of ${TRANSIENT_BOUNCES_AS_PERMANENT} within ${TRANSIENT_BOUNCE_WINDOW_DAYS} days, counted, not suppressed.`,
      statements: [],
    };
  }
  return planBadAddress(
    deps,
    event.type,
    message,
    "bounced",
    at,
    `Transient bounce number ${count} within ${TRANSIENT_BOUNCE_WINDOW_DAYS} days, treated as permanent (${detail})`,
  );
}

/**
 * A hard bounce or a complaint: the message's outcome, the contact `bounced`/`complained` on
 * every list (appended to the ledger), and the address hash on the suppression list — one batch
 * with the event itself.
 */
function planBadAddress(
  deps: Deps,
  type: string,
  message: q.KnownMessage,
  what: "bounced" | "complained",
  at: string,
  description: string,
): Plan {
  const ctx = {
    at,
    source: `resend ${type} for message #${message.id} (send #${message.sendId})`,
    actor: "resend",
  };
  const statements: BatchItem<"sqlite">[] = [
    ...moveOnAllLists(deps.db, message.contactId, what, { ...ctx, by: "provider" }),
  ];
  // An erased contact has no address key left; its hash was suppressed when it was erased.
  if (message.emailKey) {
    statements.push(
      ...consent.insertSuppression(deps.db, hashAddress(deps, message.emailKey), what, at, {
        listId: null,
        source: ctx.source,
      }),
    );
  }
  return {
    kind: what,
    message,
    effect: `${description}: contact ${what} on every list, address suppressed.`,
    outcome: what,
    statements,
    judge: true,
  };
}

/** Deletes stored webhook events older than EVENT_RETENTION_DAYS, in small batches. */
export async function pruneOldWebhookEvents(deps: Deps): Promise<number> {
  const cutoff = new Date(
    deps.clock.now().getTime() - deps.config.eventRetentionDays * DAY_MS,
  ).toISOString();
  let deleted = 0;
  for (;;) {
    const n = await q.deleteEventsBefore(deps.db, cutoff, 1000);
    deleted += n;
    if (n < 1000) return deleted;
  }
}

export type InboundMail = ReceivedEmail & { id: number; receivedAt: string; svixId: string };

/** The latest inbound messages' envelopes (the provider keeps their content). */
export async function inboundMail(deps: Deps, limit = 200): Promise<InboundMail[]> {
  const rows = await q.inboundEvents(deps.db, limit);
  return rows.map((row) => {
    let data: unknown = {};
    try {
      data = (JSON.parse(row.payload) as { data?: unknown }).data ?? {};
    } catch {}
    const parsed = receivedData.safeParse(data);
    const mail = parsed.success ? parsed.data : { email_id: "", from: "", to: [], subject: "" };
    return { ...mail, id: row.id, receivedAt: row.receivedAt, svixId: row.svixId };
  });
}
