// The sending pipeline as one object. A step takes one batch (a retry that came due, the batch
// claimed ahead, or a new claim of queued rows, rendered once), waits for the rate limit, checks
// the kill switch and the provider's hold, calls the provider with the batch's Idempotency-Key and
// records the outcome: at most one provider call. `run` is the Node loop over steps; a Workers
// queue consumer takes steps for a while (consumer.ts). The stages below the object return values
// and never call one another: the object composes them, and owns what one step leaves for the
// next (the batch claimed ahead, the renderer of the send in progress). Every read and write goes
// through the store (store.ts).

import type { ConsentState } from "../consent/states";
import { sha256Hex } from "../crypto";
import type { Deps } from "../deps";
import { describeError } from "../http/error-log";
import {
  type BatchOutcome,
  type MailMessage,
  type MailProvider,
  singleRecipient,
} from "../mail/provider";
import { judgeCanary } from "./breaker";
import { eligibleAtDispatch, type MailMode, mailModeOf, type SendKind } from "./eligibility";
import { backoffMs, type RateLimiter } from "./rate";
import { type Render, sendRenderer } from "./render";
import {
  type Batch,
  type Change,
  type Claimed,
  type ClaimPlan,
  GAVE_UP_ERROR,
  type Gate,
  type PipelineStore,
  pipelineStore,
  type Recipient,
  type Send,
} from "./store";
import { filledMail, storedUnfilled, type UnfilledMail } from "./templates";

/** How long a dispatcher may hold a batch it is calling the provider for (beyond the call timeout). */
export const LEASE_MS = 2 * 60_000;
/** The provider keeps idempotency keys 24 hours: past that a retry could deliver twice. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;

export type DispatchStep =
  | { kind: "paused" }
  /** The provider asked every caller to wait until then (a 429 with retry-after). */
  | { kind: "held"; until: string }
  | { kind: "idle"; nextAttemptAt: string | null }
  | { kind: "skipped" }
  | { kind: "called"; batchId: number; outcome: BatchOutcome["kind"]; messages: number };

export type DispatcherOptions = {
  limiter: RateLimiter;
  /** Where the pipeline reads and writes; the database's by default. */
  store?: PipelineStore;
  /**
   * Claim the next batch in the transaction that records an outcome, and call it at the next step:
   * one commit per batch instead of two. The Node loop always takes another step; a queue
   * consumer lets go of it when its message is done (consumer.ts).
   */
  claimAhead?: boolean;
  /** How long `run` naps when idle or paused (a `wake` cuts it short). */
  idleMs?: number;
  onError?: (error: unknown) => void;
};

export type Dispatcher = {
  step(): Promise<DispatchStep>;
  /** Steps until stopped: the Node server's loop. Frees at start the leases a killed process left. */
  run(): Promise<void>;
  /** Takes no new batch, lets the current step finish, lets go of the batch claimed ahead. */
  stop(): Promise<void>;
  /**
   * Lets go of the batch claimed ahead, if any, back to the due ones: a queue consumer's message
   * is done, and the next step may run in another isolate.
   */
  letGoOfAhead(): Promise<void>;
  /** Ends a nap of `run` at once (new work was queued). */
  wake(): void;
};

type PipelineDeps = Pick<Deps, "db" | "config" | "clock" | "mail" | "randomBytes">;

/** A batch to call, with its messages when they are in memory (just claimed). */
type Claim = { batch: Batch; calls?: Call[] };
/**
 * One message of a batch, as its template and values: filled in only for the provider call, so
 * that the batch claimed ahead and the batch waiting for the rate hold a few short values per
 * message, not whole bodies (which would outlive V8's young generation and swell the process).
 */
type Call = UnfilledMail & { id: number };

const iso = (ms: number) => new Date(ms).toISOString();

export function createDispatcher(deps: PipelineDeps, options: DispatcherOptions): Dispatcher {
  return new PipelineDispatcher(deps, options);
}

class PipelineDispatcher implements Dispatcher {
  private readonly store: PipelineStore;
  /** The batch claimed with the last outcome, for the next step to call. */
  private ahead: Claim | undefined;
  /** The renderer of the send in progress, kept from one batch to the next. */
  private renderer: { sendId: number; render: Render } | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private endNap = () => {};

  constructor(
    private readonly deps: PipelineDeps,
    private readonly options: DispatcherOptions,
  ) {
    this.store = options.store ?? pipelineStore(deps.db);
  }

  private now = () => this.deps.clock.now().getTime();

  async step(): Promise<DispatchStep> {
    const { store } = this;
    const closed = gateVerdict(await store.gate(), this.now());
    if (closed) {
      await this.letGoOfAhead(); // it may stay closed a while: the batch goes back to the due ones
      return closed;
    }
    await this.settleCanaries();
    const claim = await this.take();
    if (claim === "skipped") return { kind: "skipped" };
    if (!claim) {
      await store.closeFinishedSends(iso(this.now()));
      return { kind: "idle", nextAttemptAt: await store.earliestPendingAttempt() };
    }
    const calls = claim.calls ?? (await this.readBack(claim.batch));
    if (calls.length === 0) {
      await store.commit([{ kind: "emptied", batchId: claim.batch.id }]);
      return { kind: "skipped" };
    }
    await this.options.limiter.acquire();
    // Stop means stop: a pause (or a hold) recorded while we waited wins over the call. Nothing is
    // written between here and the call, so calls leave at the limiter's pace.
    const late = gateVerdict(await store.gate(), this.now());
    if (late || this.stopped) {
      await store.releaseLease(claim.batch.id); // a shutdown lets go of a batch not yet called
      return late ?? { kind: "skipped" };
    }
    const started = this.now();
    const outcome = await callProvider(this.deps.mail, claim.batch, calls);
    const random = (this.deps.randomBytes(1)[0] ?? 128) / 255;
    await this.record(
      recordOutcome(claim.batch, calls, outcome, { started, at: this.now(), random }),
    );
    return {
      kind: "called",
      batchId: claim.batch.id,
      outcome: outcome.kind,
      messages: calls.length,
    };
  }

  /** The batch to call: a retry that came due first, then the batch claimed ahead, else a new one. */
  private async take(): Promise<Claim | "skipped" | undefined> {
    const at = this.now();
    let kept = this.ahead;
    this.ahead = undefined;
    // Called from memory only while its lease keeps others away, with time to spare for the rate
    // limiter; otherwise it comes back as a due batch.
    if (kept && Date.parse(kept.batch.leaseUntil ?? "") - LEASE_MS / 2 <= at) kept = undefined;
    const due = await this.store.leaseDueBatch(iso(at), iso(at + LEASE_MS));
    if (due) {
      if (kept && kept.batch.id !== due.id) this.ahead = kept; // called at the next step
      return { batch: due };
    }
    if (kept) return kept;
    const next = await this.planNextClaim();
    if (next === undefined || next === "skipped") return next;
    const [claimed] = await this.store.commit([{ kind: "claim", plan: next.plan }]);
    return claimOf(claimed, next.calls) ?? "skipped";
  }

  /** Reads the next queued rows of the oldest active send and renders them into a claim plan. */
  private async planNextClaim(): Promise<
    { plan: ClaimPlan; calls: Call[] } | "skipped" | undefined
  > {
    const send = await this.store.nextSendToClaim();
    if (!send) return undefined;
    const recipients = await this.store.queuedRecipients(send, this.deps.config.sending.batchSize);
    if (recipients.length === 0) return "skipped"; // another dispatcher claimed them meanwhile
    const render = await this.rendererOf(send);
    const rendered = await renderBatch(send, recipients, render, mailModeOf(this.deps));
    return planClaim(send, recipients, rendered, this.deps.config.secretKey, this.now());
  }

  /** The list is read and the mail prepared once per send, not once per batch. */
  private async rendererOf(send: Send): Promise<Render> {
    if (this.renderer?.sendId === send.id) return this.renderer.render;
    const material = await this.store.sendMaterial(send);
    if (!material)
      throw new Error(
        `send ${send.id}: list ${send.listId} or its purpose v${send.textVersion} is missing`,
      );
    const render = sendRenderer(this.deps.config, send, material, this.deps.clock.now());
    this.renderer = { sendId: send.id, render };
    return render;
  }

  /**
   * A canary send whose canary was all called starts its hold; at the end of the hold it is
   * judged on the canary's own outcomes: it goes on, or pauses and calls nobody more.
   */
  private async settleCanaries() {
    const { store } = this;
    const now = this.now();
    const changes: Change[] = [];
    for (const { sendId, holdOver } of await store.canariesToSettle(iso(now))) {
      if (!holdOver) {
        const until = iso(now + this.deps.config.canary.holdMinutes * 60_000);
        changes.push({ kind: "canary_hold", sendId, until });
        continue;
      }
      const verdict = judgeCanary(await store.canaryFigures(sendId), this.deps.config.breaker);
      changes.push({ kind: "canary_judged", sendId, ...verdict, at: iso(now) });
    }
    if (changes.length > 0) await store.commit(changes);
  }

  /** A retried batch's messages, rebuilt from what was stored; unreadable rows fail with why. */
  private async readBack(batch: Batch): Promise<Call[]> {
    const { calls, unreadable } = rebuildCalls(await this.store.claimedRows(batch.id));
    if (unreadable.length > 0) {
      const reason = "its stored message could not be read back; not sent";
      await this.store.commit([
        { kind: "unreadable", ids: unreadable, reason, at: iso(this.now()) },
      ]);
    }
    return calls;
  }

  /**
   * Writes an outcome; after a call that went through, with the next claim when claiming ahead.
   * Claiming must never cost that outcome: when planning or writing the claim fails, the outcome is
   * written alone (the next step meets the failure again).
   */
  private async record(change: Change) {
    const { store } = this;
    if (!this.options.claimAhead || change.kind !== "sent" || this.ahead)
      return void (await store.commit([change]));
    const next = await this.planNextClaim().catch(() => undefined);
    if (typeof next !== "object") return void (await store.commit([change]));
    const claimed = await store
      .commit([change, { kind: "claim", plan: next.plan }])
      .catch(() => undefined);
    if (!claimed) return void (await store.commit([change]));
    this.ahead = claimOf(claimed[0], next.calls);
  }

  async letGoOfAhead() {
    const kept = this.ahead;
    this.ahead = undefined;
    if (kept) await this.store.releaseLease(kept.batch.id);
  }

  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Step after step; when idle or paused, look again every `idleMs` (or when woken). */
  private async loop() {
    const report =
      this.options.onError ??
      ((e: unknown) => console.error(`[relance] dispatcher: ${describeError(e)}`));
    const idleMs = this.options.idleMs ?? 1000;
    this.ahead = undefined; // its lease is freed just below
    await this.store.releaseAllLeases().catch(report);
    while (!this.stopped) {
      try {
        const step = await this.step();
        if (step.kind === "idle" || step.kind === "paused") await this.nap(idleMs);
        if (step.kind === "held")
          await this.nap(Math.min(60 * idleMs, Date.parse(step.until) - this.now()));
      } catch (error) {
        report(error); // errors never crash the process: report, wait, try again
        await this.nap(idleMs);
      }
    }
    await this.letGoOfAhead().catch(report);
  }

  private nap(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      this.endNap = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async stop() {
    this.stopped = true;
    this.endNap();
    await (this.running ?? this.letGoOfAhead());
  }

  wake = () => this.endNap();
}

/** One step of a dispatcher made for it (no batch claimed ahead): tests and one-off tools. */
export const runOnce = (deps: PipelineDeps, limiter: RateLimiter) =>
  createDispatcher(deps, { limiter }).step();

// ---- The stages --------------------------------------------------------------------------------

/** The kill switch and the provider's hold: why no call may start now, if any. */
function gateVerdict(gate: Gate, now: number): DispatchStep | undefined {
  if (gate.paused) return { kind: "paused" };
  if (gate.holdUntil && Date.parse(gate.holdUntil) > now)
    return { kind: "held", until: gate.holdUntil };
  return undefined;
}

type RenderedBatch = {
  calls: Call[];
  messages: ClaimPlan["messages"];
  templates: ClaimPlan["templates"];
  dropped: ClaimPlan["dropped"];
};

/**
 * Renders queued rows, checking each contact is still eligible (an unsubscribe or a bounce since
 * enqueuing drops it): what the call sends (in memory), and what is stored, each message's
 * template key and values beside the templates themselves.
 */
async function renderBatch(
  send: Send,
  recipients: Recipient[],
  render: Render,
  mode: MailMode,
): Promise<RenderedBatch> {
  const batch: RenderedBatch = { calls: [], messages: [], templates: {}, dropped: [] };
  for (const queued of recipients) {
    // A test send's one message goes to the address on the send, not to a contact.
    const r = send.kind === "test" ? { ...queued, email: send.testRecipient } : queued;
    const state = r.state as ConsentState | null;
    if (!r.email || (send.kind !== "test" && !eligibleNow(send.kind, r, mode))) {
      const why = r.suppressed ? "suppressed" : (state ?? "not on the list");
      batch.dropped.push({ id: r.id, reason: `no longer eligible (${why})` });
      continue;
    }
    try {
      const { to, unsubscribeUrl, composed } = await render({ ...r, email: r.email });
      const { key, template, values } = composed;
      batch.templates[key] = template;
      batch.messages.push({ id: r.id, to, t: key, v: values });
      batch.calls.push({ id: r.id, to, template, values, unsubscribeUrl });
    } catch (error) {
      batch.dropped.push({
        id: r.id,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return batch;
}

/** The consent rule's last word before the call (an answer since enqueuing drops the message). */
const eligibleNow = (kind: SendKind, r: Recipient, mode: MailMode) =>
  eligibleAtDispatch(
    kind,
    {
      state: r.state as ConsentState | null,
      hasAddress: Boolean(r.has_address),
      suppressed: Boolean(r.suppressed),
      simulatedConfirmation: Boolean(r.simulated_confirmation),
    },
    mode,
  );

/**
 * What claiming the rendered rows writes. The Idempotency-Key is derived from the row ids, and
 * from this instance's secret so that two Relance databases sharing one provider account can
 * never collide on a key.
 */
async function planClaim(
  send: Send,
  recipients: Recipient[],
  rendered: RenderedBatch,
  secretKey: string,
  now: number,
): Promise<{ plan: ClaimPlan; calls: Call[] }> {
  const ids = recipients.map((r) => r.id).join(",");
  const key = `relance-s${send.id}-${(await sha256Hex(`${secretKey}:${ids}`)).slice(0, 40)}`;
  const plan: ClaimPlan = {
    sendId: send.id,
    markSending: send.status === "queued",
    idempotencyKey: key,
    at: iso(now),
    leaseUntil: iso(now + LEASE_MS),
    messages: rendered.messages,
    templates: rendered.templates,
    dropped: rendered.dropped,
  };
  return { plan, calls: rendered.calls };
}

/**
 * The claim as committed: none when another dispatcher claimed the same rows first (same ids, same
 * key; the batch is its to call). When a row left the queue meanwhile the messages are read back.
 */
function claimOf(claimed: Claimed, calls: Call[]): Claim | undefined {
  if (!claimed) return undefined;
  return claimed.complete ? { batch: claimed.batch, calls } : { batch: claimed.batch };
}

/** A batch's claimed rows with their stored messages filled in, and the rows that cannot be. */
function rebuildCalls(rows: Awaited<ReturnType<PipelineStore["claimedRows"]>>) {
  const byId = new Map((rows.stored?.messages ?? []).map((m) => [m.id, m]));
  const templates = rows.stored?.templates ?? {};
  const calls: Call[] = [];
  const unreadable: number[] = [];
  for (const id of rows.ids) {
    const message = byId.get(id);
    const unfilled = message && storedUnfilled(message, templates);
    if (unfilled) calls.push({ id, ...unfilled });
    else unreadable.push(id);
  }
  return { calls, unreadable };
}

/** One provider call for the batch, under its Idempotency-Key, with the bodies filled in for it. */
function callProvider(mail: MailProvider, batch: Batch, calls: Call[]): Promise<BatchOutcome> {
  const messages: MailMessage[] = calls.map((call) => {
    const mail = filledMail(call);
    return { ...mail, to: singleRecipient(mail.to) };
  });
  return mail.sendBatch(messages, batch.idempotencyKey);
}

/**
 * What an outcome changes: per message sent or refused; the batch failed for good (a rejection,
 * or 24 hours of retries); or retried later, with backoff and at least the provider's
 * retry-after, which then holds every provider call, since it speaks for the whole account.
 */
function recordOutcome(
  batch: Batch,
  calls: Call[],
  outcome: BatchOutcome,
  t: { started: number; at: number; random: number },
): Change {
  const attempt = {
    attempts: batch.attempts + 1,
    firstAttemptAt: batch.firstAttemptAt ?? iso(t.started),
  };
  const base = { batchId: batch.id, attempt, at: iso(t.at) };
  if (outcome.kind === "sent") {
    const results = calls.map((m, i) => {
      const result = outcome.results[i] ?? {
        ok: false as const,
        reason: "no answer for this message",
      };
      return result.ok
        ? { id: m.id, status: "sent" as const, providerId: result.providerId, error: null }
        : { id: m.id, status: "failed" as const, providerId: null, error: result.reason };
    });
    return { kind: "sent", ...base, results };
  }
  if (outcome.kind === "rejected") return { kind: "failed", ...base, reason: outcome.reason };
  if (t.started - Date.parse(attempt.firstAttemptAt) >= GIVE_UP_AFTER_MS)
    return { kind: "failed", ...base, reason: `${GAVE_UP_ERROR}: ${outcome.reason}` };
  const delay = Math.max(outcome.retryAfterMs ?? 0, backoffMs(attempt.attempts, t.random));
  const holdUntil = outcome.retryAfterMs ? iso(t.at + outcome.retryAfterMs) : null;
  return {
    kind: "retry",
    ...base,
    reason: outcome.reason,
    nextAttemptAt: iso(t.at + delay),
    holdUntil,
  };
}
