// Node-only pieces: the embedded libSQL file, static files from public/, the environment.
import { lookup } from "node:dns/promises";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import { type Client, createClient } from "@libsql/client";
import { importRows } from "../db/schema";
import { createApp } from "./app";
import { dropBusyConnections } from "./busy-connection";
import type { Config } from "./config";
import type { Db } from "./db";
import type { Deps } from "./deps";
import { nodeClientAddress } from "./http/client-address";
import { minuteJobs, runPeriodicJobs } from "./jobs";
import { cacheStatements } from "./statement-cache";
import { deliverDueWebhooks } from "./webhooks-out/deliver";

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "public");
/** Every file in public/ has an extension; pages skip the (synchronous, throwing) disk lookup. */
const ASSET_PATH = /\.[A-Za-z0-9]+$/;

/**
 * How long a write waits for another process's write on the same file (the bench's harness, a
 * script, a second server by mistake) before failing with SQLITE_BUSY; SQLite's default is not to
 * wait at all. The wait blocks the thread, so within one process nothing may hold the write lock
 * across an await: the app writes in batches, never in interactive transactions.
 */
export const BUSY_TIMEOUT_MS = 2_000;

export function openNodeClient(config: Pick<Config, "databaseUrl" | "databaseAuthToken">) {
  if (config.databaseUrl.startsWith("file:")) {
    const path = config.databaseUrl.slice("file:".length);
    if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  }
  // Process-wide, once: the embedded driver patched (after a check that it is the one the patch
  // was written for; a server on another refuses to start) to reuse prepared statements and to
  // drop a connection SQLITE_BUSY broke.
  cacheStatements();
  dropBusyConnections();
  return createClient({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
    timeout: BUSY_TIMEOUT_MS,
    // One connection: every call runs synchronously on it anyway (the app never holds an
    // interactive transaction), and a per-connection setting made at start (`secure_delete`,
    // boot.ts) then holds for every statement.
    concurrency: 1,
  });
}

/**
 * SQLite's page cache for the Node connection, in KiB (SQLite's default is 2,000). The pages stay
 * in the system's file cache, so one read again costs a system call, not a disk read; the default
 * held about 4 MB more of the process during a 50,000-message send (bench/RESULTS.md).
 */
export const PAGE_CACHE_KIB = 256;

/** Sets the page cache of the one connection `openNodeClient` makes (a per-connection setting). */
export async function limitPageCache(client: Client) {
  await client.execute(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
}

/** The app with public/ in front of it, as `npm start` serves it (Workers serves public/ as assets). */
export function createNodeApp(deps: Deps) {
  const assets = serveStatic({ root: PUBLIC_DIR });
  return createApp(deps, {
    staticFiles: (c, next) => (ASSET_PATH.test(c.req.path) ? assets(c, next) : next()),
    clientAddress: nodeClientAddress(
      (c) => getConnInfo(c).remote.address,
      deps.config.trustedProxies,
    ),
  });
}

/** Every address a host name resolves to, as fetch would find them (the SSRF guard checks all). */
export const nodeResolveHost = async (hostname: string) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Outgoing webhooks due are sent every few seconds (on Workers, by the every-minute cron). */
export function startWebhookDeliveries(deps: Deps, everyMs = 5_000) {
  let running = false;
  return setInterval(() => {
    if (running) return; // one pass at a time: a slow receiver must not pile passes up
    running = true;
    void deliverDueWebhooks(deps)
      .catch(() => {})
      .finally(() => {
        running = false;
      });
  }, everyMs);
}

/**
 * Jobs the Cron Triggers run on Workers: on Node, once at start, then the minute jobs every
 * minute and the periodic ones every hour (one timer, so one handle to clear).
 */
export function startHourlyJobs(deps: Deps) {
  let minutes = 0;
  const run = () => {
    if (minutes++ % 60 === 0) void runPeriodicJobs(deps);
    void runPeriodicJobs(deps, minuteJobs);
  };
  run();
  return setInterval(run, 60_000);
}

/**
 * Staged rows of an import cut short (by a shutdown, a crash) hold addresses and names that must
 * not outlive it. One Node process serves the database, so at its start and once its HTTP server
 * has closed, no import is in progress and every staged row is such a leftover.
 */
export async function forgetStagedImports(db: Db) {
  await db.delete(importRows);
}
