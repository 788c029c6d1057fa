// Every query the sign-in, session and token code runs.
import { and, count, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { adminSessions, admins, apiTokens, loginFailures, settings } from "../../db/schema";
import type { Db } from "../db";

/** An admin who may sign in (not removed). */
export const findAdminByEmail = async (db: Db, email: string) =>
  (
    await db
      .select()
      .from(admins)
      .where(and(eq(admins.email, email), isNull(admins.removedAt)))
      .limit(1)
  )[0];

export const countAdmins = async (db: Db) =>
  (await db.select({ n: count() }).from(admins))[0]?.n ?? 0;

export const insertAdmin = (
  db: Db,
  email: string,
  passwordHash: string,
  role: (typeof admins.$inferSelect)["role"],
) => db.insert(admins).values({ email, passwordHash, role }).onConflictDoNothing();

/** Records an attempt before its password is checked; returns its id (its place in line). */
export const recordAttempt = async (db: Db, email: string, clientHash: string, at: string) =>
  (
    await db
      .insert(loginFailures)
      .values({ email, clientHash, at })
      .returning({ id: loginFailures.id })
  )[0]?.id ?? 0;

/** The attempts from this client on this address that came before `id`, within the window. */
export const attemptsBefore = (
  db: Db,
  emails: readonly string[],
  clientHashes: readonly string[],
  id: number,
  since: string,
) =>
  db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(
      and(
        inArray(loginFailures.email, [...emails]),
        inArray(loginFailures.clientHash, [...clientHashes]),
        lt(loginFailures.id, id),
        gt(loginFailures.at, since),
      ),
    )
    .orderBy(loginFailures.id);

export const forgetAttempt = (db: Db, id: number) =>
  db.delete(loginFailures).where(eq(loginFailures.id, id));

export const pruneFailuresBefore = (db: Db, before: string) =>
  db.delete(loginFailures).where(lt(loginFailures.at, before));

export const insertSession = (
  db: Db,
  row: { idHash: string; adminId: number; createdAt: string; expiresAt: string },
) => db.insert(adminSessions).values(row);

export const findLiveSession = async (db: Db, idHash: string, now: string) =>
  (
    await db
      .select({ id: admins.id, email: admins.email, role: admins.role })
      .from(adminSessions)
      .innerJoin(admins, eq(admins.id, adminSessions.adminId))
      .where(
        and(
          eq(adminSessions.idHash, idHash),
          isNull(adminSessions.revokedAt),
          isNull(admins.removedAt),
          gt(adminSessions.expiresAt, now),
        ),
      )
      .limit(1)
  )[0];

export const revokeSession = (db: Db, idHash: string, now: string) =>
  db
    .update(adminSessions)
    .set({ revokedAt: now })
    .where(and(eq(adminSessions.idHash, idHash), isNull(adminSessions.revokedAt)));

export const insertToken = (
  db: Db,
  row: {
    tokenHash: string;
    adminId: number;
    createdAt: string;
    expiresAt: string;
    name: string | null;
  },
) => db.insert(apiTokens).values(row);

export const markTokenUsed = (db: Db, tokenHash: string, now: string) =>
  db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.tokenHash, tokenHash));

/**
 * Tokens and sessions are named outside by the first 16 hex digits of their stored hash: enough to
 * tell one from another, and nothing that helps forge them.
 */
export const ID_LENGTH = 16;

export const liveTokensOf = (db: Db, adminId: number, now: string) =>
  db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.adminId, adminId),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, now),
      ),
    )
    .orderBy(apiTokens.createdAt);

export const revokeTokenOf = async (db: Db, adminId: number, id: string, now: string) =>
  (
    await db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(
        and(
          eq(apiTokens.adminId, adminId),
          eq(sql`substr(${apiTokens.tokenHash}, 1, ${ID_LENGTH})`, id),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning({ tokenHash: apiTokens.tokenHash })
  ).length;

export const liveSessionsOf = (db: Db, adminId: number, now: string) =>
  db
    .select()
    .from(adminSessions)
    .where(
      and(
        eq(adminSessions.adminId, adminId),
        isNull(adminSessions.revokedAt),
        gt(adminSessions.expiresAt, now),
      ),
    )
    .orderBy(adminSessions.createdAt);

export const revokeSessionOf = async (db: Db, adminId: number, id: string, now: string) =>
  (
    await db
      .update(adminSessions)
      .set({ revokedAt: now })
      .where(
        and(
          eq(adminSessions.adminId, adminId),
          eq(sql`substr(${adminSessions.idHash}, 1, ${ID_LENGTH})`, id),
          isNull(adminSessions.revokedAt),
        ),
      )
      .returning({ idHash: adminSessions.idHash })
  ).length;

export const findLiveToken = async (db: Db, tokenHash: string, now: string) =>
  (
    await db
      .select({
        id: admins.id,
        email: admins.email,
        role: admins.role,
        lastUsedAt: apiTokens.lastUsedAt,
      })
      .from(apiTokens)
      .innerJoin(admins, eq(admins.id, apiTokens.adminId))
      .where(
        and(
          eq(apiTokens.tokenHash, tokenHash),
          isNull(apiTokens.revokedAt),
          isNull(admins.removedAt),
          gt(apiTokens.expiresAt, now),
        ),
      )
      .limit(1)
  )[0];

export const updatePasswordHash = (db: Db, adminId: number, passwordHash: string) =>
  db.update(admins).set({ passwordHash }).where(eq(admins.id, adminId));

/** Ends every session and token of one admin (password reset, removal). */
export const revokeEverythingOf = (db: Db, adminId: number, now: string) =>
  [
    db
      .update(adminSessions)
      .set({ revokedAt: now })
      .where(and(eq(adminSessions.adminId, adminId), isNull(adminSessions.revokedAt))),
    db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.adminId, adminId), isNull(apiTokens.revokedAt))),
  ] as const;

export const writeSetting = (db: Db, key: string, value: string) =>
  db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
