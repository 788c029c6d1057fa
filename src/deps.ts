// Everything that touches time, randomness, the database or the outside world reaches the app here.
import type { Client } from "@libsql/client";
import type { Passwords } from "./auth/password";
import type { Config } from "./config";
import type { Db } from "./db";
import type { MailProvider } from "./mail/provider";
import type { PollRuntime } from "./polls/runtime";
import type { PageMemory } from "./status/page-memory";
import type { EventIngestor } from "./webhooks/ingestor";

export type Clock = { now(): Date };

export type Deps = {
  config: Config & { secretKey: string };
  client: Client;
  db: Db;
  clock: Clock;
  /** Where mail goes: the database outbox (default on Node) or Resend. */
  mail: MailProvider;
  /** Wakes whatever dispatches the outbox (the in-process loop on Node), if anything. */
  dispatcher?: { wake(): void };
  /**
   * Runs work whose outcome and duration an answer must not reveal once the answer is gone (the
   * "lost your link?" lookup): in the background on Node, kept alive by waitUntil on Workers.
   * Absent (tests, scripts): the caller awaits the work before answering.
   */
  afterAnswer?: (work: () => Promise<void>) => void;
  /** Admin password hashing (slow on purpose, so it is capped and kept off the event loop). */
  passwords: Passwords;
  /** Polls' per-process state: page memory, ballot writer, live watchers (see polls/runtime.ts). */
  polls: PollRuntime;
  /** The status home and incident pages, kept for a second (see status/page-memory.ts). */
  statusPages: PageMemory;
  /** How verified webhook events are written: grouped per transaction on Node, one by one on Workers. */
  webhooks: EventIngestor;
  /**
   * Resolves a host name to its addresses, for the outgoing webhooks' SSRF guard (Node:
   * dns.lookup). Absent on Workers, whose fetch cannot reach private addresses anyway.
   */
  resolveHost?: (hostname: string) => Promise<string[]>;
  /** Cryptographically random bytes (tests may make them deterministic). */
  randomBytes(length: number): Uint8Array;
};

export const systemClock: Clock = { now: () => new Date() };

/** A pool refilled 4 KB at a time: one system call per few hundred ids, not one per id. */
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let offset = 0;

export function webRandomBytes(length: number): Uint8Array {
  if (length > POOL_SIZE) return crypto.getRandomValues(new Uint8Array(length));
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    offset = 0;
  }
  // A copy, never a view: no two callers ever share bytes.
  const bytes = pool.slice(offset, offset + length);
  offset += length;
  return bytes;
}
