// Everything that touches time, randomness, the database or the outside world reaches the app here.
import type { Client } from "@libsql/client";
import type { Config } from "./config";
import type { Db } from "./db";
import type { MailProvider } from "./mail/provider";

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
  /** Cryptographically random bytes (tests may make them deterministic). */
  randomBytes(length: number): Uint8Array;
};

export const systemClock: Clock = { now: () => new Date() };

export const webRandomBytes = (length: number): Uint8Array =>
  crypto.getRandomValues(new Uint8Array(length));
