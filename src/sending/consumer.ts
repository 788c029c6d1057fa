// The dispatcher driven by a message queue (Cloudflare Queues on Workers). A message carries no
// batch: it only says "there may be something to send". The consumer takes pipeline steps for a
// bounded time, then says what the queue should do next. Leases keep concurrent consumers off
// each other's batches, and the database rate limiter keeps them, together, within the rate.
import type { Clock } from "../deps";
import type { Dispatcher, DispatchStep } from "./dispatcher";
import type { PipelineStore } from "./store";

export type DispatchMessage = { kind: "dispatch" };
export const DISPATCH_MESSAGE: DispatchMessage = { kind: "dispatch" };

/**
 * How much one consumer invocation does before handing over to a fresh message: well inside the
 * Workers CPU limit (each call renders and signs up to SEND_BATCH_SIZE messages), and short enough
 * that a deploy or an eviction loses little.
 */
export type Budget = { maxMs: number; maxCalls: number };
export const CONSUMER_BUDGET: Budget = { maxMs: 30_000, maxCalls: 50 };

/** The longest delay a Cloudflare Queue accepts for a message (12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

export type QueueVerdict =
  /** Nothing to do now (idle, or paused: resuming enqueues a message, and the cron checks). */
  | { kind: "ack" }
  /** The budget is spent and work remains: enqueue a fresh message and acknowledge this one. */
  | { kind: "continue" }
  /** A batch waits for its retry time, a lease or the provider's hold: retry the message then. */
  | { kind: "retry"; delaySeconds: number };

/** What a consumer works with: the isolate's dispatcher and store, and the clock. */
export type Consumer = { dispatcher: Dispatcher; store: PipelineStore; clock: Clock };

/**
 * Takes pipeline steps until idle, paused, held or out of budget; `elapsed` measures the budget.
 * Whatever the verdict, the batch claimed ahead goes back to the due ones before the message is
 * done: the next message may be handled in another isolate, which would wait out its lease.
 */
export async function dispatchForAWhile(
  consumer: Consumer,
  budget: Budget = CONSUMER_BUDGET,
  now: () => number = Date.now,
): Promise<{ verdict: QueueVerdict; steps: DispatchStep[] }> {
  try {
    return await stepForAWhile(consumer, budget, now);
  } finally {
    // Not letting go (the database away) only delays that batch until its lease runs out.
    await consumer.dispatcher.letGoOfAhead().catch(() => {});
  }
}

async function stepForAWhile(
  { dispatcher, store, clock }: Consumer,
  budget: Budget,
  now: () => number,
): Promise<{ verdict: QueueVerdict; steps: DispatchStep[] }> {
  const started = now();
  const steps: DispatchStep[] = [];
  let calls = 0;
  for (;;) {
    const step = await dispatcher.step();
    steps.push(step);
    if (step.kind === "paused") return { verdict: { kind: "ack" }, steps };
    if (step.kind === "held") return { verdict: retryAt(step.until, clock), steps };
    if (step.kind === "idle") {
      const at = await store.nextCallableAt();
      return { verdict: at ? retryAt(at, clock) : { kind: "ack" }, steps };
    }
    if (step.kind === "called") calls++;
    if (calls >= budget.maxCalls || now() - started >= budget.maxMs) {
      return { verdict: { kind: "continue" }, steps };
    }
  }
}

function retryAt(at: string, clock: Clock): QueueVerdict {
  const seconds = Math.ceil((Date.parse(at) - clock.now().getTime()) / 1000);
  return { kind: "retry", delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, seconds)) };
}

/**
 * The Cron Trigger's safety net: a message lost, a retry chain that ran out of retries, a consumer
 * that died holding a lease. When anything is due and sending is not paused, enqueue a message.
 */
export async function enqueueIfWorkDue(
  { store, clock }: Omit<Consumer, "dispatcher">,
  enqueue: (message: DispatchMessage) => Promise<void>,
): Promise<boolean> {
  if ((await store.gate()).paused) return false;
  if (!(await store.workDue(clock.now().toISOString()))) return false;
  await enqueue(DISPATCH_MESSAGE);
  return true;
}
