// Workers entry: the same app over libSQL-over-HTTP (Turso). `fetch` serves it (static files are
// assets); `queue` is the dispatcher, one bounded run per message; `scheduled` (Cron Trigger) is
// the dispatcher's safety net and runs the periodic jobs. Bindings: wrangler.toml.
import { createClient } from "@libsql/client/web";
import type { ExecutionContext, Hono } from "hono";
import { createApp } from "./app";
import { boot } from "./boot";
import { ConfigError, parseConfig } from "./config";
import type { Deps } from "./deps";
import { workersClientAddress } from "./http/client-address";
import { describeError } from "./http/error-log";
import { minuteJobs, runPeriodicJobs } from "./jobs";
import {
  type Consumer,
  DISPATCH_MESSAGE,
  type DispatchMessage,
  dispatchForAWhile,
  enqueueIfWorkDue,
} from "./sending/consumer";
import { createDispatcher } from "./sending/dispatcher";
import { dbRateLimiter } from "./sending/rate-db";
import { pipelineStore } from "./sending/store";
import { deliverDueWebhooks } from "./webhooks-out/deliver";

/** The Queue producer binding (`[[queues.producers]]` in wrangler.toml). */
type DispatchQueue = {
  send(body: DispatchMessage, options?: { delaySeconds?: number }): Promise<void>;
};

type Bindings = Record<string, unknown> & { SEND_QUEUE?: DispatchQueue };

/** The parts of Cloudflare's queue and cron types this Worker uses. */
type QueueMessage = {
  readonly id: string;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
};
type MessageBatch = {
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
  retryAll(options?: { delaySeconds?: number }): void;
};
type ScheduledController = { readonly cron: string; readonly scheduledTime: number };

/** The cron in wrangler.toml that also runs the periodic jobs; every cron runs the safety net. */
const HOURLY_CRON = "0 * * * *";
/** After an unexpected error, the queue hands the message back this much later. */
const ERROR_RETRY_SECONDS = 30;

type Edge = { app: Hono; deps: Deps; consumer: Consumer };

let ready: Promise<Edge> | undefined;

/** Boots once per isolate (migrations are idempotent); a failed boot is retried on the next call. */
function edgeFor(env: Bindings): Promise<Edge> {
  ready ??= (async () => {
    const strings = Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string",
      ),
    );
    const config = parseConfig(strings, "workers");
    requireRemoteDatabase(config.databaseUrl, strings.DATABASE_URL);
    queueOf(env);
    const client = createClient({ url: config.databaseUrl, authToken: config.databaseAuthToken });
    const { deps } = await boot(config, client);
    const app = createApp(deps, {
      clientAddress: workersClientAddress,
      requestDeps: (shared, c) => ({
        ...shared,
        dispatcher: queueWaker(c.env as Bindings, c.executionCtx),
        afterAnswer: (work) =>
          c.executionCtx.waitUntil(
            work().catch((error: unknown) =>
              console.error("relance: work after an answer failed:", error),
            ),
          ),
      }),
    }) as unknown as Hono;
    // Many consumers may run at once, in many isolates: the rate limit lives in the database. The
    // isolate keeps its dispatcher (and the renderer of the send in progress) from one message to
    // the next. It claims the next batch with each outcome (one Turso round trip per batch fewer)
    // and lets go of it when the message is done (dispatchForAWhile).
    const store = pipelineStore(deps.db);
    const limiter = dbRateLimiter(client, config.sending.ratePerSecond);
    const dispatcher = createDispatcher(deps, { limiter, store, claimAhead: true });
    return { app, deps, consumer: { dispatcher, store, clock: deps.clock } };
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** A Worker has no disk: its database is Turso, reached over HTTP (libsql:, https: or http:). */
function requireRemoteDatabase(url: string, given: string | undefined) {
  if (/^(libsql|https?):\/\//.test(url)) return;
  throw new ConfigError(
    given?.trim()
      ? `Invalid DATABASE_URL (got ${JSON.stringify(given.trim())}): expected a libsql://… or https://… URL (Turso); a Worker cannot open a file.`
      : "Missing DATABASE_URL: required on Workers (the libsql://… URL of the Turso database, with DATABASE_AUTH_TOKEN as a secret).",
  );
}

function queueOf(env: Bindings): DispatchQueue {
  const queue = env.SEND_QUEUE;
  if (queue && typeof queue.send === "function") return queue;
  throw new ConfigError(
    "Missing SEND_QUEUE: the Queue producer binding of wrangler.toml (create the queue with `wrangler queues create relance-dispatch`).",
  );
}

/** Wakes the dispatcher: one message on the Queue, kept alive past the response by waitUntil. */
function queueWaker(env: Bindings, ctx: ExecutionContext): NonNullable<Deps["dispatcher"]> {
  return {
    wake() {
      ctx.waitUntil(
        queueOf(env)
          .send(DISPATCH_MESSAGE)
          .catch((error: unknown) => {
            // The cron's safety net enqueues within a minute anyway.
            console.error("relance: could not enqueue a dispatch message:", error);
          }),
      );
    },
  };
}

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    let app: Hono;
    try {
      app = (await edgeFor(env)).app;
    } catch (error) {
      const message =
        error instanceof ConfigError
          ? error.message
          : "Relance could not start; see the Worker logs.";
      console.error(`relance: boot failed: ${describeError(error)}`);
      return new Response(`Relance cannot start: ${message}\n`, {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return app.fetch(request, env, ctx);
  },

  /**
   * Every message means "there may be something to send", so a batch of them is one run of the
   * dispatcher; the first message carries what comes next, the others are acknowledged.
   */
  async queue(batch: MessageBatch, env: Bindings, _ctx: ExecutionContext): Promise<void> {
    const [first, ...rest] = batch.messages;
    if (!first) return;
    try {
      const { consumer } = await edgeFor(env);
      const { verdict } = await dispatchForAWhile(consumer);
      if (verdict.kind === "retry") {
        // A batch waits for its retry time: the Queue's own retry, with that delay.
        first.retry({ delaySeconds: verdict.delaySeconds });
      } else {
        if (verdict.kind === "continue") await queueOf(env).send(DISPATCH_MESSAGE);
        first.ack();
      }
      for (const message of rest) message.ack();
    } catch (error) {
      console.error(`relance: dispatch failed: ${describeError(error)}`);
      batch.retryAll({ delaySeconds: ERROR_RETRY_SECONDS });
    }
  },

  /** The safety net (a lost message, retries run out, a consumer that died holding a lease). */
  async scheduled(controller: ScheduledController, env: Bindings, ctx: ExecutionContext) {
    const { deps, consumer } = await edgeFor(env);
    await enqueueIfWorkDue(consumer, (message) => queueOf(env).send(message));
    await deliverDueWebhooks(deps).catch((e) =>
      console.error(`relance: webhooks: ${describeError(e)}`),
    );
    const jobDeps = { ...deps, dispatcher: queueWaker(env, ctx) };
    await runPeriodicJobs(jobDeps, minuteJobs);
    if (controller.cron === HOURLY_CRON) await runPeriodicJobs(jobDeps);
  },
};
