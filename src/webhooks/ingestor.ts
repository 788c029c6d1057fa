// How verified webhook events reach the database. On Node, group commit: each commit to the
// embedded file waits for the disk, and the event loop waits with it, so one event per
// transaction caps ingestion at the disk's commits per second, well under what Resend delivers
// during a campaign. Events that arrive while a group is being written are written together in
// the next transaction. Each event keeps its own row (unique by svix-id) and its own effects, and
// its request is answered only once that transaction has committed: a crash before the commit
// answers nothing, and the provider's retry applies the event then. On Workers each request
// applies its own event (a Worker must not settle one request's promise from another request's I/O).
import type { Deps } from "../deps";
import { BREAKER_WINDOW, judgeOutcomes } from "../sending/breaker";
import { isPaused, pauseSending } from "../sending/kill-switch";
import type { WebhookEnvelope } from "./events";
import * as q from "./queries";
import {
  eventStatements,
  groupLookups,
  type IngestResult,
  ingestResendEvent,
  type Lookups,
  type PreparedEvent,
  parseEvent,
  prepareEvent,
} from "./service";

export type EventIngestor = {
  /** Applies a verified event once; settles when it is committed (or known as a replay). */
  ingest(deps: Deps, svixId: string, body: string): Promise<IngestResult>;
};

/** Enough to absorb a campaign's burst, small enough that one transaction stays short. */
const MAX_PER_COMMIT = 200;

type Pending = {
  svixId: string;
  body: string;
  event: WebhookEnvelope;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
};
type Ready = { pending: Pending; prepared: PreparedEvent };

/** One event, one transaction (Workers). */
export const directIngestor: EventIngestor = { ingest: ingestResendEvent };

/** Events that arrive together share one transaction (Node). Its queue is this object's own. */
export function groupCommitIngestor(): EventIngestor {
  const queue: Pending[] = [];
  let draining = false;

  const drain = async (deps: Deps) => {
    while (queue.length > 0) {
      const group = queue.splice(0, MAX_PER_COMMIT);
      try {
        // Events this group could not take (see applyGroup) go first in the next one.
        queue.unshift(...(await applyGroup(deps, group)));
      } catch (error) {
        // The group's reads failed (the database is away): its requests get the error (500, and
        // the provider retries), and the queue keeps draining for the requests behind them.
        for (const pending of group) pending.reject(error);
      }
    }
    draining = false;
  };

  return {
    ingest(deps, svixId, body) {
      const parsed = parseEvent(body);
      if (!parsed.ok) return Promise.resolve({ status: "malformed", detail: parsed.detail });
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ svixId, body, event: parsed.event, resolve, reject });
        if (draining) return;
        draining = true;
        // After the I/O already received (Node's check phase), so that it joins this group.
        setImmediate(() => void drain(deps));
      });
    },
  };
}

/**
 * Plans and commits one group; returns the events it left for the next group: a second delivery
 * of an svix-id in the group (a replay once the first commits) and a second event about a contact
 * in the group (its plan reads what the first one writes, e.g. the count of transient bounces).
 */
async function applyGroup(deps: Deps, group: Pending[]): Promise<Pending[]> {
  const stored = await q.storedAmong(
    deps.db,
    group.map((p) => p.svixId),
  );
  const at = deps.clock.now().toISOString();
  const lookups = await groupLookups(
    deps,
    group.map((pending) => pending.event),
  );
  const ready: Ready[] = [];
  const later: Pending[] = [];
  const ids = new Set<string>();
  const contacts = new Set<number>();
  for (const pending of group) {
    if (stored.has(pending.svixId)) {
      pending.resolve({ status: "replay" });
      continue;
    }
    if (ids.has(pending.svixId)) {
      later.push(pending);
      continue;
    }
    const prepared = await prepare(deps, pending, at, lookups);
    if (!prepared) continue;
    if (prepared.contactId !== undefined && contacts.has(prepared.contactId)) {
      later.push(pending);
      continue;
    }
    ids.add(pending.svixId);
    if (prepared.contactId !== undefined) contacts.add(prepared.contactId);
    ready.push({ pending, prepared });
  }
  await commit(deps, ready);
  return later;
}

/** The event's plan, or nothing when reading failed (that request alone gets the error). */
async function prepare(deps: Deps, pending: Pending, at: string, lookups: Lookups) {
  try {
    return await prepareEvent(deps, pending.svixId, pending.event, pending.body, at, lookups);
  } catch (error) {
    pending.reject(error);
    return undefined;
  }
}

/** One transaction for the group; then the breaker; then, only then, the answers. */
async function commit(deps: Deps, ready: Ready[]) {
  if (ready.length === 0) return;
  try {
    await deps.db.batch(
      eventStatements(
        deps,
        ready.map((r) => r.prepared),
      ),
    );
  } catch {
    // Nothing of the group was written. Each event is applied on its own, so that one failing
    // event (or an svix-id another process stored meanwhile) does not decide for the others.
    for (const { pending } of ready) {
      await ingestResendEvent(deps, pending.svixId, pending.body).then(
        pending.resolve,
        pending.reject,
      );
    }
    return;
  }
  try {
    await judgeInOrder(deps, ready);
  } catch (error) {
    // As with one event per transaction: stored, the breaker not judged, the provider told to
    // retry (a replay then).
    for (const { pending } of ready) pending.reject(error);
    return;
  }
  for (const { pending, prepared } of ready) pending.resolve(prepared.result);
}

/**
 * The breaker judges the window as it stood after each outcome of the group, oldest first, as it
 * would have with one event per transaction, and pauses sending at the first that trips it.
 */
async function judgeInOrder(deps: Deps, ready: Ready[]) {
  const perSend = new Map<number, number>();
  for (const { prepared } of ready) {
    if (prepared.judgeSend === undefined) continue;
    perSend.set(prepared.judgeSend, (perSend.get(prepared.judgeSend) ?? 0) + 1);
  }
  for (const [sendId, count] of perSend) {
    const outcomes = await q.latestOutcomes(deps.db, sendId, BREAKER_WINDOW + count);
    for (let after = count - 1; after >= 0; after--) {
      const verdict = judgeOutcomes(
        outcomes.slice(0, outcomes.length - after),
        deps.config.breaker,
      );
      if (!verdict.trip) continue;
      if (!(await isPaused(deps.db))) {
        await pauseSending(deps, `${verdict.reason} (send #${sendId})`, "breaker");
      }
      break;
    }
  }
}
