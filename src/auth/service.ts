// Sign-in rules: slow password checks, lockout, sessions and API tokens (stored hashed).
import { hmacSha256, sha256Hex, toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import { hashPassword, verifyPassword } from "./password";
import * as q from "./queries";

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type Admin = { adminId: number; email: string };

export type SignInResult =
  | { ok: true; admin: Admin }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * What failed sign-ins are counted by: a salted hash of the address typed, so that the lockout
 * works for any address while no typed address (a participant's, mistyped) is ever stored.
 */
const failureKey = (deps: Deps, address: string) =>
  hmacSha256(`login-failure:${deps.config.secretKey}`, address, "hex");

let dummyHash: Promise<string> | undefined;

/** Checks a password, with the same cost and the same answer for unknown and known addresses. */
export async function signIn(deps: Deps, email: string, password: string): Promise<SignInResult> {
  const address = normaliseEmail(email);
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS).toISOString();
  const failures = await q.latestFailures(deps.db, failureKey(deps, address), windowStart);
  if (failures.length >= LOCKOUT_FAILURES) {
    const fifth = failures[failures.length - LOCKOUT_FAILURES];
    const unlocksAt = new Date(fifth?.at ?? now.toISOString()).getTime() + LOCKOUT_WINDOW_MS;
    return {
      ok: false,
      reason: "locked",
      retryAfterSeconds: Math.max(1, Math.ceil((unlocksAt - now.getTime()) / 1000)),
    };
  }
  const admin = await q.findAdminByEmail(deps.db, address);
  dummyHash ??= hashPassword("not a password", new Uint8Array(16));
  const valid = await verifyPassword(password, admin?.passwordHash ?? (await dummyHash));
  if (!admin || !valid) {
    await q.recordFailure(deps.db, failureKey(deps, address), now.toISOString());
    await q.pruneFailuresBefore(deps.db, windowStart); // keeps the table bounded
    return { ok: false, reason: "invalid" };
  }
  return { ok: true, admin: { adminId: admin.id, email: admin.email } };
}

/** Creates the first admin from the configuration when there is none. Returns true if created. */
export async function ensureFirstAdmin(deps: Deps): Promise<boolean> {
  if ((await q.countAdmins(deps.db)) > 0) return false;
  const { email, password } = deps.config.admin;
  await q.insertAdmin(
    deps.db,
    normaliseEmail(email),
    await hashPassword(password, deps.randomBytes(16)),
  );
  return true;
}

function newSecret(deps: Deps): string {
  return toBase64Url(deps.randomBytes(32));
}

/** Starts a session; the returned id goes in the cookie and only its hash is stored. */
export async function startSession(
  deps: Deps,
  admin: Admin,
): Promise<{ id: string; expiresAt: Date }> {
  const id = newSecret(deps);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await q.insertSession(deps.db, {
    idHash: await sha256Hex(id),
    adminId: admin.adminId,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return { id, expiresAt };
}

export async function sessionAdmin(deps: Deps, id: string): Promise<Admin | undefined> {
  const row = await q.findLiveSession(deps.db, await sha256Hex(id), deps.clock.now().toISOString());
  return row && { adminId: row.adminId, email: row.email };
}

export async function endSession(deps: Deps, id: string): Promise<void> {
  await q.revokeSession(deps.db, await sha256Hex(id), deps.clock.now().toISOString());
}

export async function issueToken(
  deps: Deps,
  admin: Admin,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `rl_${newSecret(deps)}`;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS);
  await q.insertToken(deps.db, {
    tokenHash: await sha256Hex(token),
    adminId: admin.adminId,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return { token, expiresAt };
}

export async function tokenAdmin(deps: Deps, token: string): Promise<Admin | undefined> {
  const row = await q.findLiveToken(
    deps.db,
    await sha256Hex(token),
    deps.clock.now().toISOString(),
  );
  return row && { adminId: row.adminId, email: row.email };
}
