// The dispatcher driven by a message queue (Cloudflare Queues on Workers). A message carries no
// batch: it only says "there may be something to send". The consumer runs pipeline steps for a
// bounded time, then says what the queue should do next. Leases keep concurrent consumers off
// each other's batches, and the database rate limiter keeps them, together, within the rate.
import type { Deps } from "../deps";
import { type DispatchStep, runOnce } from "./dispatcher";
import { isPaused } from "./kill-switch";
import * as q from "./queries";
import type { RateLimiter } from "./rate";

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
  /** A batch waits for its retry time (or for a lease to run out): retry the message then. */
  | { kind: "retry"; delaySeconds: number };

/** Runs pipeline steps until idle, paused or out of budget; `elapsed` measures the budget. */
export async function dispatchForAWhile(
  deps: Deps,
  limiter: RateLimiter,
  budget: Budget = CONSUMER_BUDGET,
  now: () => number = Date.now,
): Promise<{ verdict: QueueVerdict; steps: DispatchStep[] }> {
  const started = now();
  const steps: DispatchStep[] = [];
  let calls = 0;
  for (;;) {
    const step = await runOnce(deps, limiter);
    steps.push(step);
    if (step.kind === "paused") return { verdict: { kind: "ack" }, steps };
    if (step.kind === "idle") return { verdict: await waitingVerdict(deps), steps };
    if (step.kind === "called") calls++;
    if (calls >= budget.maxCalls || now() - started >= budget.maxMs) {
      return { verdict: { kind: "continue" }, steps };
    }
  }
}

async function waitingVerdict(deps: Deps): Promise<QueueVerdict> {
  const at = await q.nextCallableAt(deps.db);
  if (!at) return { kind: "ack" };
  const seconds = Math.ceil((Date.parse(at) - deps.clock.now().getTime()) / 1000);
  return { kind: "retry", delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, seconds)) };
}

/**
 * The Cron Trigger's safety net: a message lost, a retry chain that ran out of retries, a consumer
 * that died holding a lease. When anything is due and sending is not paused, enqueue a message.
 */
export async function enqueueIfWorkDue(
  deps: Deps,
  enqueue: (message: DispatchMessage) => Promise<void>,
): Promise<boolean> {
  if (await isPaused(deps.db)) return false;
  if (!(await q.dispatchWorkDue(deps.db, deps.clock.now().toISOString()))) return false;
  await enqueue(DISPATCH_MESSAGE);
  return true;
}
