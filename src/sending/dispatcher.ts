// The sending pipeline, top to bottom: claim a batch of outbox rows, render them once, wait for
// the rate limit, check the kill switch, call the provider with the batch's Idempotency-Key,
// record what happened, repeat. Runtime-agnostic: Node loops over `runOnce` in-process
// (`startDispatcher`); Workers calls it from a queue consumer and a cron trigger.
import { and, eq, inArray, sql } from "drizzle-orm";
import {
  type MailTemplate,
  outboxMessages,
  type StoredMessage,
  sendBatches,
  sends,
} from "../../db/schema";
import type { ConsentState } from "../consent/states";
import { sha256Hex } from "../crypto";
import type { Deps } from "../deps";
import { isLang, type Lang } from "../i18n";
import { type BatchOutcome, type MailMessage, singleRecipient } from "../mail/provider";
import { signToken } from "../tokens";
import { stillEligible } from "./eligibility";
import { isPaused } from "./kill-switch";
import * as q from "./queries";
import { backoffMs, type RateLimiter } from "./rate";
import {
  type Composed,
  fillTemplate,
  prepareCampaign,
  prepareInvitation,
  prepareSubscribeConfirmation,
  storedMail,
} from "./templates";

/** How long a subscriber's confirmation link stays valid after the request. */
export const SUBSCRIBE_LINK_MS = 7 * 24 * 60 * 60_000;

/** How long a dispatcher may hold a batch it is calling the provider for (beyond the call timeout). */
export const LEASE_MS = 2 * 60_000;
/** The provider keeps idempotency keys 24 hours: past that a retry could deliver twice. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;

export type DispatchStep =
  | { kind: "paused" }
  | { kind: "idle"; nextAttemptAt: string | null }
  | { kind: "skipped" }
  | { kind: "called"; batchId: number; outcome: BatchOutcome["kind"]; messages: number };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One step of the pipeline: at most one provider call. With `claimAhead` (the Node loop, which
 * always takes another step), a call that went through records its outcome and claims the next
 * batch in one transaction, and the next step calls that batch.
 */
export async function runOnce(
  deps: Deps,
  limiter: RateLimiter,
  options: { claimAhead?: boolean } = {},
): Promise<DispatchStep> {
  let ahead = claimedAhead.get(deps.db);
  claimedAhead.delete(deps.db);
  if (await isPaused(deps.db)) {
    // Pausing may last: the batch claimed ahead goes back to the due batches, read back later.
    if (ahead) await releaseLease(deps, ahead.batch.id);
    return { kind: "paused" };
  }
  // A batch claimed ahead is called from memory only while its lease keeps others away, with
  // time to spare for the rate limiter; otherwise it is left to come back as a due batch.
  if (
    ahead &&
    Date.parse(ahead.batch.leaseUntil ?? "") - LEASE_MS / 2 <= deps.clock.now().getTime()
  )
    ahead = undefined;
  // A retry that came due goes first; a batch claimed ahead then waits for the next step (unless
  // it is that batch, its lease run out meanwhile).
  const due = await leaseDueBatch(deps);
  if (due && ahead && due.id !== ahead.batch.id) claimedAhead.set(deps.db, ahead);
  // A retried batch reads its messages back; a batch just claimed brings them along.
  const claim: Claim | "skipped" | undefined = due
    ? { batch: due }
    : (ahead ?? (await claimNextBatch(deps)));
  if (claim === "skipped") return { kind: "skipped" };
  if (!claim) {
    await closeFinishedSends(deps);
    return { kind: "idle", nextAttemptAt: await q.earliestPendingAttempt(deps.db) };
  }
  return callProvider(deps, limiter, claim.batch, claim.messages, options.claimAhead === true);
}

/** The batch claimed with the last outcome, per database, for the next step to call. */
const claimedAhead = new WeakMap<object, Claim>();

const releaseLease = (deps: Deps, batchId: number) =>
  deps.db.update(sendBatches).set({ leaseUntil: null }).where(eq(sendBatches.id, batchId));

/** A batch's claimed rows, each with the message stored for it. */
type Claimed = { id: number; payload: q.Payload }[];
type Claim = { batch: q.Batch; messages?: Claimed };

/** A pending batch whose retry is due, leased so that no other dispatcher calls it meanwhile. */
async function leaseDueBatch(deps: Deps): Promise<q.Batch | undefined> {
  const now = deps.clock.now().getTime();
  const due = await q.dueBatch(deps.db, iso(now));
  if (!due) return undefined;
  const leased = await deps.db
    .update(sendBatches)
    .set({ leaseUntil: iso(now + LEASE_MS) })
    .where(
      and(
        eq(sendBatches.id, due.id),
        eq(sendBatches.status, "pending"),
        sql`(${sendBatches.leaseUntil} IS NULL OR ${sendBatches.leaseUntil} <= ${iso(now)})`,
      ),
    );
  return leased.rowsAffected === 1 ? due : undefined;
}

/** Claims the next queued rows into a new batch (see `planClaim`), in a transaction of its own. */
async function claimNextBatch(deps: Deps): Promise<Claim | "skipped" | undefined> {
  const plan = await planClaim(deps);
  if (plan === undefined || plan === "skipped") return plan;
  return plan.settle(await deps.db.batch(plan.statements));
}

/** Statements of one write transaction. */
type Statements = Parameters<Deps["db"]["batch"]>[0];

/**
 * What claiming the next queued rows of the oldest active send writes: checks each contact is
 * still eligible (an unsubscribe or a bounce since enqueuing drops it), renders the payload once,
 * and derives the Idempotency-Key from the row ids. The statements run in one transaction (alone,
 * or after the previous batch's outcome); `settle` reads their results.
 */
async function planClaim(deps: Deps): Promise<
  | {
      statements: Statements;
      settle(results: readonly unknown[]): Claim | "skipped";
    }
  | "skipped"
  | undefined
> {
  const send = await q.oldestActiveSend(deps.db);
  if (!send) return undefined;
  const queued = await q.queuedRecipients(
    deps.db,
    send.id,
    send.listId,
    deps.config.sending.batchSize,
  );
  if (queued.length === 0) return "skipped"; // another dispatcher claimed them meanwhile
  const now = deps.clock.now();
  const render = await rendererOf(deps, send);
  // What the call sends (in memory), and what is stored: each message's template key and values,
  // beside the templates themselves.
  const claims: Claimed = [];
  const stored: StoredMessage[] = [];
  const templates: Record<string, MailTemplate> = {};
  const dropped: { id: number; reason: string }[] = [];
  for (const queuedMessage of queued) {
    // A test send's one message goes to the address on the send, not to a contact.
    const message =
      send.kind === "test" ? { ...queuedMessage, email: send.testRecipient } : queuedMessage;
    const state = message.state as ConsentState | null;
    if (
      !message.email ||
      (send.kind !== "test" && !stillEligible(send.kind, state, Boolean(message.suppressed)))
    ) {
      dropped.push({
        id: message.id,
        reason: `no longer eligible (${message.suppressed ? "suppressed" : (state ?? "not on the list")})`,
      });
      continue;
    }
    try {
      const { to, unsubscribeUrl, composed } = await render(
        message as typeof message & { email: string },
      );
      if ("rendered" in composed) {
        const payload = { to, ...composed.rendered, unsubscribeUrl };
        stored.push({ id: message.id, ...payload });
        claims.push({ id: message.id, payload });
      } else {
        const { key, template, values } = composed;
        templates[key] = template;
        stored.push({ id: message.id, to, t: key, v: values });
        claims.push({
          id: message.id,
          payload: { to, ...fillTemplate(template, values), unsubscribeUrl },
        });
      }
    } catch (error) {
      dropped.push({
        id: message.id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  // Derived from the row ids, and from this instance's secret so that two Relance databases
  // sharing one provider account can never collide on a key.
  const key = `relance-s${send.id}-${(await sha256Hex(`${deps.config.secretKey}:${queued.map((m) => m.id).join(",")}`)).slice(0, 40)}`;
  const at = now.toISOString();
  const statements = [
    ...dropped.map((d) =>
      deps.db
        .update(outboxMessages)
        .set({ status: "suppressed", error: d.reason, updatedAt: at })
        .where(and(eq(outboxMessages.id, d.id), eq(outboxMessages.status, "queued"))),
    ),
    // Once per send: its first batch marks it as sending.
    ...(send.status === "queued"
      ? [
          deps.db
            .update(sends)
            .set({ status: "sending" })
            .where(and(eq(sends.id, send.id), eq(sends.status, "queued"))),
        ]
      : []),
  ];
  if (claims.length === 0) {
    const [first, ...rest] = statements;
    return first ? { statements: [first, ...rest], settle: () => "skipped" } : "skipped";
  }
  return {
    statements: [
      deps.db
        .insert(sendBatches)
        .values({
          sendId: send.id,
          idempotencyKey: key,
          status: "pending",
          nextAttemptAt: at,
          leaseUntil: iso(now.getTime() + LEASE_MS),
          createdAt: at,
        })
        .onConflictDoNothing()
        .returning(),
      // One set-based statement for the whole batch (a row lookup per id, not a scan); the rows
      // stay small, since the rendered messages are stored once, with the batch.
      deps.db.run(sql`
        UPDATE outbox_messages
        SET status = 'claimed',
            batch_id = (SELECT id FROM send_batches WHERE idempotency_key = ${key}),
            updated_at = ${at}
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(claims.map((c) => c.id))}))
          AND status = 'queued'`),
      // Never replaced: when another dispatcher claimed the same rows first, its messages stand.
      // Only the messages of rows this batch got: when one left the queue meanwhile (counted from
      // the index, so the usual case stores the text as it is), its copy is not kept, since
      // erasure finds a contact's copies through their rows' batches. The messages are bound once.
      deps.db.run(sql`
        WITH given(messages) AS (SELECT ${JSON.stringify(stored)})
        INSERT INTO batch_payloads (batch_id, messages, templates)
        SELECT b.id,
          CASE WHEN (SELECT count(*) FROM outbox_messages WHERE batch_id = b.id) = ${claims.length}
            THEN given.messages
            ELSE ${q.keptMessages(
              sql`given.messages`,
              sql`EXISTS (SELECT 1 FROM outbox_messages o
                          WHERE o.id = j.value ->> '$.id' AND o.batch_id = b.id)`,
            )}
          END,
          ${Object.keys(templates).length ? JSON.stringify(templates) : null}
        FROM send_batches b, given WHERE b.idempotency_key = ${key}
        ON CONFLICT DO NOTHING`),
      ...statements,
    ],
    settle(results) {
      const created = results[0] as q.Batch[];
      const claimed = results[1] as { rowsAffected: number };
      // Another dispatcher claimed the same rows first (same ids, same key): the batch is its to call.
      const batch = created[0];
      if (!batch) return "skipped";
      // Every row claimed, as is the rule: the call takes the messages just stored, as a retry
      // would read them back. Otherwise (a row left the queue meanwhile) it reads back what was
      // claimed.
      if (claimed.rowsAffected !== claims.length) return { batch, messages: undefined };
      return { batch, messages: claims };
    },
  };
}

type RecipientFacts = {
  /** Null for a test send's one message. */
  contactId: number | null;
  email: string;
  name: string | null;
  attributes: unknown;
};

type Renderer = Awaited<ReturnType<typeof renderer>>;

/** The renderer of the send being dispatched, kept from one batch to the next (per database). */
const renderers = new WeakMap<object, { sendId: number; render: Renderer }>();

/**
 * The renderer of a send, built for its first batch and kept for the next ones, so that the list
 * is read and the templates rendered once per send, not once per batch: a send's purpose version,
 * subject, deadline and campaign never change (a list renamed meanwhile keeps, in this process,
 * the name its send started with).
 */
async function rendererOf(deps: Deps, send: q.Send): Promise<Renderer> {
  const kept = renderers.get(deps.db);
  if (kept?.sendId === send.id) return kept.render;
  const render = await renderer(deps, send);
  renderers.set(deps.db, { sendId: send.id, render });
  return render;
}

/**
 * Builds the renderer of one send: the list, purpose text and campaign are read, and the mail
 * rendered (per language and wording), once; each message then only gets its name and links.
 */
async function renderer(deps: Deps, send: q.Send) {
  const list = await q.listWithPurpose(deps.db, send.listId, send.textVersion);
  if (!list)
    throw new Error(
      `send ${send.id}: list ${send.listId} or its purpose v${send.textVersion} is missing`,
    );
  const campaign = send.campaignId ? await q.findCampaign(deps.db, send.campaignId) : undefined;
  const base = deps.config.publicUrl;
  const secret = deps.config.secretKey;
  const deadline = send.deadline ?? deps.clock.now().toISOString();
  const subscribeMail = prepareSubscribeConfirmation({
    listName: list.name,
    purpose: list.purpose,
  });
  const invitationMail = prepareInvitation({
    listName: list.name,
    purpose: list.purpose,
    subject: send.subject,
    deadline,
  });
  const campaignMail =
    campaign &&
    prepareCampaign({
      listName: list.name,
      // The send's own subject: a test's is marked as such.
      subject: send.subject,
      text: campaign.text,
      html: campaign.html,
    });
  return async (contact: RecipientFacts): Promise<Rendering> => {
    const to = singleRecipient(contact.email);
    const attributes = (contact.attributes ?? {}) as Record<string, unknown>;
    const language = String(attributes.language ?? attributes.lang ?? "")
      .toLowerCase()
      .slice(0, 2);
    const lang: Lang = isLang(language) ? language : "fr";
    if (contact.contactId === null) {
      // A test: no contact to unsubscribe, and the merge tags show their fallbacks.
      if (!campaignMail) throw new Error(`send ${send.id}: campaign ${send.campaignId} is missing`);
      const unsubscribeUrl = `${base}/u/test`;
      return { to, unsubscribeUrl, composed: campaignMail.compose({ lang, unsubscribeUrl }) };
    }
    const unsubscribeUrl = `${base}/u/${await signToken(secret, { p: "unsubscribe", c: contact.contactId, l: send.listId })}`;
    const preferencesUrl = `${base}/p/${await signToken(secret, { p: "preferences", c: contact.contactId })}`;
    if (send.kind === "subscribe") {
      const confirmToken = await signToken(secret, {
        p: "subscribe",
        c: contact.contactId,
        l: send.listId,
        s: send.id,
        e: Date.parse(send.createdAt) + SUBSCRIBE_LINK_MS,
      });
      const composed = subscribeMail.compose({
        lang,
        confirmUrl: `${base}/s/${confirmToken}`,
        unsubscribeUrl,
        preferencesUrl,
      });
      return { to, unsubscribeUrl, composed };
    }
    if (send.kind === "reconsent") {
      const consentToken = await signToken(secret, {
        p: "consent",
        c: contact.contactId,
        l: send.listId,
        s: send.id,
        e: new Date(deadline).getTime(),
      });
      const composed = invitationMail.compose({
        lang,
        contactName: contact.name,
        consentUrl: `${base}/c/${consentToken}`,
        unsubscribeUrl,
        preferencesUrl,
      });
      return { to, unsubscribeUrl, composed };
    }
    if (!campaignMail) throw new Error(`send ${send.id}: campaign ${send.campaignId} is missing`);
    const composed = campaignMail.compose({ lang, unsubscribeUrl, preferencesUrl, contact });
    return { to, unsubscribeUrl, composed };
  };
}

/** One message of a send, composed: its recipient, its unsubscribe link, its mail. */
type Rendering = { to: string; unsubscribeUrl: string; composed: Composed };

/** Waits for the rate limit, checks the kill switch, calls the provider once, records the outcome. */
async function callProvider(
  deps: Deps,
  limiter: RateLimiter,
  batch: q.Batch,
  claimed: Claimed | undefined,
  claimAhead: boolean,
): Promise<DispatchStep> {
  const read = claimed ? undefined : await claimedMessages(deps, batch.id);
  const rows = claimed ?? read?.claimed ?? [];
  // A batch just claimed stored its messages with the batch, none on its rows.
  const legacyRows = claimed === undefined;
  // A row whose message cannot be rebuilt (only a damaged database does that) is failed with
  // the reason, rather than left claimed for ever, which would keep its send open.
  if (read && read.unreadable.length > 0) {
    await deps.db
      .update(outboxMessages)
      .set({
        status: "failed",
        error: "its stored message could not be read back; not sent",
        updatedAt: deps.clock.now().toISOString(),
      })
      .where(
        and(inArray(outboxMessages.id, read.unreadable), eq(outboxMessages.status, "claimed")),
      );
  }
  if (rows.length === 0) {
    await deps.db.batch([
      deps.db
        .update(sendBatches)
        .set({ status: "sent", leaseUntil: null })
        .where(eq(sendBatches.id, batch.id)),
      ...q.forgetErasedInBatch(deps.db, batch.id),
    ]);
    return { kind: "skipped" };
  }
  await limiter.acquire();
  // Stop means stop: a pause recorded while we waited wins over the call.
  if (await isPaused(deps.db)) {
    await releaseLease(deps, batch.id);
    return { kind: "paused" };
  }
  // Nothing is written between the limiter and the call, so calls leave at the limiter's pace;
  // the attempt is recorded with its outcome (the lease already keeps other dispatchers away).
  const started = deps.clock.now().getTime();
  const attempts = batch.attempts + 1;
  const firstAttemptAt = batch.firstAttemptAt ?? iso(started);

  const messages: MailMessage[] = rows.map(({ payload: p }) => ({
    to: singleRecipient(p.to),
    subject: p.subject,
    text: p.text,
    html: p.html,
    unsubscribeUrl: p.unsubscribeUrl,
  }));
  const outcome = await deps.mail.sendBatch(messages, batch.idempotencyKey);
  const at = deps.clock.now().toISOString();

  if (outcome.kind === "sent") {
    const recorded = [
      deps.db
        .update(sendBatches)
        .set({ status: "sent", attempts, firstAttemptAt, leaseUntil: null, lastError: null })
        .where(eq(sendBatches.id, batch.id)),
      ...q.forgetErasedInBatch(deps.db, batch.id, legacyRows),
      deps.db.run(sql`
        UPDATE outbox_messages
        SET status = j.value ->> '$.status',
            provider_id = j.value ->> '$.providerId',
            error = j.value ->> '$.error',
            updated_at = ${at}
        FROM json_each(${JSON.stringify(
          rows.map((m, i) => {
            const result = outcome.results[i] ?? {
              ok: false as const,
              reason: "no answer for this message",
            };
            return result.ok
              ? { id: m.id, status: "sent", providerId: result.providerId, error: null }
              : { id: m.id, status: "failed", providerId: null, error: result.reason };
          }),
        )}) AS j
        WHERE outbox_messages.id = j.value ->> '$.id' AND outbox_messages.status = 'claimed'`),
      // In the same transaction: the send is done as soon as its last batch is.
      closeFinishedSends(deps),
    ] as const;
    // The next batch, claimed in the same transaction (one commit per batch instead of two).
    // Claiming must never cost the outcome of a call that went through: when planning or writing
    // the claim fails, the outcome is written alone (the next step meets the failure again).
    const next =
      claimAhead && !claimedAhead.has(deps.db)
        ? await planClaim(deps).catch(() => undefined)
        : undefined;
    const ahead = typeof next === "object" ? next : undefined;
    if (ahead) {
      const results = await deps.db
        .batch([...recorded, ...ahead.statements])
        .catch(() => undefined);
      const claim = results && ahead.settle(results.slice(recorded.length));
      if (typeof claim === "object") claimedAhead.set(deps.db, claim);
      if (!results) await deps.db.batch(recorded);
    } else {
      await deps.db.batch(recorded);
    }
  } else if (
    outcome.kind === "rejected" ||
    started - Date.parse(firstAttemptAt) >= GIVE_UP_AFTER_MS
  ) {
    const reason =
      outcome.kind === "rejected" ? outcome.reason : `gave up after 24 hours: ${outcome.reason}`;
    await failBatch(deps, batch.id, reason, at, { attempts, firstAttemptAt }, legacyRows);
  } else {
    const jitter = (deps.randomBytes(1)[0] ?? 128) / 255;
    const delay = Math.max(outcome.retryAfterMs ?? 0, backoffMs(attempts, jitter));
    await deps.db
      .update(sendBatches)
      .set({
        attempts,
        firstAttemptAt,
        nextAttemptAt: iso(deps.clock.now().getTime() + delay),
        leaseUntil: null,
        lastError: outcome.reason,
      })
      .where(eq(sendBatches.id, batch.id));
  }
  return { kind: "called", batchId: batch.id, outcome: outcome.kind, messages: rows.length };
}

async function failBatch(
  deps: Deps,
  batchId: number,
  reason: string,
  at: string,
  attempt: { attempts: number; firstAttemptAt: string },
  legacyRows = true,
) {
  await deps.db.batch([
    deps.db
      .update(sendBatches)
      .set({ status: "failed", ...attempt, leaseUntil: null, lastError: reason })
      .where(eq(sendBatches.id, batchId)),
    deps.db
      .update(outboxMessages)
      .set({ status: "failed", error: reason, updatedAt: at })
      .where(and(eq(outboxMessages.batchId, batchId), eq(outboxMessages.status, "claimed"))),
    ...q.forgetErasedInBatch(deps.db, batchId, legacyRows),
    closeFinishedSends(deps),
  ]);
}

/**
 * The batch's claimed rows with the message each one carries: the one stored with the batch when
 * it was claimed, or, for a batch claimed before batch payloads existed, the one on the row; and
 * the claimed rows whose message cannot be rebuilt.
 */
async function claimedMessages(
  deps: Deps,
  batchId: number,
): Promise<{ claimed: Claimed; unreadable: number[] }> {
  // One after the other: concurrent queries would make the client open a second connection.
  const rows = await q.batchMessages(deps.db, batchId);
  const stored = await q.batchPayload(deps.db, batchId);
  const byId = new Map((stored?.messages ?? []).map((m) => [m.id, m]));
  const claimed: Claimed = [];
  const unreadable: number[] = [];
  for (const row of rows) {
    if (row.status !== "claimed") continue;
    const message = byId.get(row.id);
    const payload = message ? storedMail(message, stored?.templates) : row.legacyPayload;
    if (payload) claimed.push({ id: row.id, payload });
    else unreadable.push(row.id);
  }
  return { claimed, unreadable };
}

/** Marks done every active send with no message left to send (awaited, or in a batch). */
const closeFinishedSends = (deps: Deps) =>
  deps.db.run(sql`
    UPDATE sends SET status = 'done', finished_at = ${deps.clock.now().toISOString()}
    WHERE status IN ('queued', 'sending')
      AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                      WHERE o.send_id = sends.id AND o.status IN ('queued', 'claimed'))`);

/**
 * On Node one process dispatches, so a lease left by a killed process is stale at start: freeing
 * it lets an interrupted send resume at once rather than when the lease runs out.
 */
export async function releaseLeasesAfterRestart(deps: Deps) {
  await deps.db
    .update(sendBatches)
    .set({ leaseUntil: null })
    .where(eq(sendBatches.status, "pending"));
}

export type DispatcherHandle = { wake(): void; stop(): Promise<void> };

/** The Node loop: step after step; when idle or paused, look again every `idleMs` (or when woken). */
export function startDispatcher(
  deps: Deps,
  limiter: RateLimiter,
  options: { idleMs?: number; onError?: (error: unknown) => void } = {},
): DispatcherHandle {
  const idleMs = options.idleMs ?? 1000;
  let stopped = false;
  let wake: () => void = () => {};
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    claimedAhead.delete(deps.db); // its lease is released just below
    await releaseLeasesAfterRestart(deps).catch(options.onError ?? (() => {}));
    while (!stopped) {
      try {
        const step = await runOnce(deps, limiter, { claimAhead: true });
        if (step.kind === "idle" || step.kind === "paused") await nap(idleMs);
      } catch (error) {
        // Errors never crash the process: report, wait, try again.
        (options.onError ?? ((e) => console.error("[relance] dispatcher:", e)))(error);
        await nap(idleMs);
      }
    }
  })();
  return {
    wake: () => wake(),
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
