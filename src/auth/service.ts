// Sign-in rules: slow password checks, lockout, sessions and API tokens (stored hashed).
import type { admins } from "../../db/schema";
import { hmacSha256, sha256Hex, toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";
import * as q from "./queries";
import { secondFactorHolds } from "./totp";

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type Role = (typeof admins.$inferSelect)["role"];
export type Admin = { adminId: number; email: string; role: Role };

const toAdmin = (row: { id: number; email: string; role: Role }): Admin => ({
  adminId: row.id,
  email: row.email,
  role: row.role,
});

export type SignInResult =
  | { ok: true; admin: Admin }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * What failed sign-ins are counted by: a salted hash of the address typed, so that the lockout
 * works for any address while no typed address (a participant's, mistyped) is ever stored.
 */
export const failureKey = (deps: Pick<Deps, "config">, address: string) =>
  failureKeyUnder(deps.config.secretKey, address);

const failureKeyUnder = (key: string, address: string) =>
  hmacSha256(`login-failure:${key}`, address, "hex");

/**
 * Checks a password, with the same cost and the same answer for unknown and known addresses.
 * The attempt is written before the slow hash and counts as a failure until the password proves
 * right: parallel attempts each see every attempt before them, so the sixth is refused unchecked.
 * Failures are counted per address and client, so failures elsewhere never lock the owner out.
 */
export async function signIn(
  deps: Deps,
  email: string,
  password: string,
  /** The client's salted address under each key, current first (see clientHash in routes). */
  client: readonly string[],
  /**
   * The code of two-step sign-in, when the admin has it on; `signed-in` where the admin proved
   * both factors already (a password change), so only the password is checked.
   */
  secondFactor: { code?: string } | "signed-in" = {},
): Promise<SignInResult> {
  const address = normaliseEmail(email);
  const now = deps.clock.now();
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS).toISOString();
  const attempt = await q.recordAttempt(
    deps.db,
    failureKey(deps, address),
    client[0] ?? "",
    now.toISOString(),
  );
  // Failures counted under a previous key (before a rotation) still count.
  const before = await q.attemptsBefore(
    deps.db,
    keyRing(deps).map((key) => failureKeyUnder(key, address)),
    client,
    attempt,
    windowStart,
  );
  if (before.length >= LOCKOUT_FAILURES) {
    await q.forgetAttempt(deps.db, attempt); // a refused attempt does not extend the lockout
    const fifth = before[before.length - LOCKOUT_FAILURES];
    const unlocksAt = new Date(fifth?.at ?? now.toISOString()).getTime() + LOCKOUT_WINDOW_MS;
    return {
      ok: false,
      reason: "locked",
      retryAfterSeconds: Math.max(1, Math.ceil((unlocksAt - now.getTime()) / 1000)),
    };
  }
  const admin = await q.findAdminByEmail(deps.db, address);
  const valid = await deps.passwords.verify(password, admin?.passwordHash);
  // A wrong or missing code is a failed attempt like a wrong password: it counts to the lockout.
  const both =
    valid &&
    admin !== undefined &&
    (secondFactor === "signed-in" || (await secondFactorHolds(deps, admin.id, secondFactor.code)));
  if (!admin || !both) {
    await q.pruneFailuresBefore(deps.db, windowStart); // keeps the table bounded
    return { ok: false, reason: "invalid" };
  }
  await q.forgetAttempt(deps.db, attempt);
  return { ok: true, admin: toAdmin(admin) };
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
  return row && toAdmin(row);
}

export async function endSession(deps: Deps, id: string): Promise<void> {
  await q.revokeSession(deps.db, await sha256Hex(id), deps.clock.now().toISOString());
}

export async function issueToken(
  deps: Deps,
  admin: Admin,
  name?: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = `rl_${newSecret(deps)}`;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_MS);
  await q.insertToken(deps.db, {
    tokenHash: await sha256Hex(token),
    adminId: admin.adminId,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    name: name ?? null,
  });
  return { token, expiresAt };
}

/** How stale "last used" may get: a busy script does not write on every call. */
const LAST_USED_PRECISION_MS = 60_000;

export async function tokenAdmin(deps: Deps, token: string): Promise<Admin | undefined> {
  const tokenHash = await sha256Hex(token);
  const now = deps.clock.now();
  const row = await q.findLiveToken(deps.db, tokenHash, now.toISOString());
  if (!row) return undefined;
  const lastUsed = row.lastUsedAt ? Date.parse(row.lastUsedAt) : 0;
  if (now.getTime() - lastUsed >= LAST_USED_PRECISION_MS) {
    await q.markTokenUsed(deps.db, tokenHash, now.toISOString());
  }
  return toAdmin(row);
}

export type TokenSummary = {
  id: string;
  name: string | null;
  role: Role;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
};

/** The caller's live tokens (a token acts with its admin's current role). */
export async function listTokens(deps: Deps, admin: Admin): Promise<TokenSummary[]> {
  const rows = await q.liveTokensOf(deps.db, admin.adminId, deps.clock.now().toISOString());
  return rows.map((row) => ({
    id: row.tokenHash.slice(0, q.ID_LENGTH),
    name: row.name,
    role: admin.role,
    created_at: row.createdAt,
    expires_at: row.expiresAt,
    last_used_at: row.lastUsedAt,
  }));
}

/** Revokes one of the caller's tokens; false when they hold no live token with that id. */
export async function revokeToken(deps: Deps, admin: Admin, id: string): Promise<boolean> {
  return (await q.revokeTokenOf(deps.db, admin.adminId, id, deps.clock.now().toISOString())) > 0;
}

export type SessionSummary = {
  id: string;
  created_at: string;
  expires_at: string;
  current: boolean;
};

export async function listSessions(
  deps: Deps,
  admin: Admin,
  currentId?: string,
): Promise<SessionSummary[]> {
  const current = currentId ? (await sha256Hex(currentId)).slice(0, q.ID_LENGTH) : undefined;
  const rows = await q.liveSessionsOf(deps.db, admin.adminId, deps.clock.now().toISOString());
  return rows.map((row) => {
    const id = row.idHash.slice(0, q.ID_LENGTH);
    return { id, created_at: row.createdAt, expires_at: row.expiresAt, current: id === current };
  });
}

export async function revokeSession(deps: Deps, admin: Admin, id: string): Promise<boolean> {
  return (await q.revokeSessionOf(deps.db, admin.adminId, id, deps.clock.now().toISOString())) > 0;
}
