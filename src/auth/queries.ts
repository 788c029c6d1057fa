// Every query the sign-in, session and token code runs.
import { and, count, eq, gt, isNull, lt } from "drizzle-orm";
import { adminSessions, admins, apiTokens, loginFailures } from "../../db/schema";
import type { Db } from "../db";

export const findAdminByEmail = async (db: Db, email: string) =>
  (await db.select().from(admins).where(eq(admins.email, email)).limit(1))[0];

export const countAdmins = async (db: Db) =>
  (await db.select({ n: count() }).from(admins))[0]?.n ?? 0;

export const insertAdmin = (db: Db, email: string, passwordHash: string) =>
  db.insert(admins).values({ email, passwordHash }).onConflictDoNothing();

/** `key` is the salted hash of the address typed (auth/service.ts), never the address. */
export const latestFailures = (db: Db, key: string, since: string) =>
  db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.email, key), gt(loginFailures.at, since)))
    .orderBy(loginFailures.at);

export const recordFailure = (db: Db, key: string, at: string) =>
  db.insert(loginFailures).values({ email: key, at });

export const pruneFailuresBefore = (db: Db, before: string) =>
  db.delete(loginFailures).where(lt(loginFailures.at, before));

export const insertSession = (
  db: Db,
  row: { idHash: string; adminId: number; createdAt: string; expiresAt: string },
) => db.insert(adminSessions).values(row);

export const findLiveSession = async (db: Db, idHash: string, now: string) =>
  (
    await db
      .select({ adminId: admins.id, email: admins.email, expiresAt: adminSessions.expiresAt })
      .from(adminSessions)
      .innerJoin(admins, eq(admins.id, adminSessions.adminId))
      .where(
        and(
          eq(adminSessions.idHash, idHash),
          isNull(adminSessions.revokedAt),
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
  row: { tokenHash: string; adminId: number; createdAt: string; expiresAt: string },
) => db.insert(apiTokens).values(row);

export const findLiveToken = async (db: Db, tokenHash: string, now: string) =>
  (
    await db
      .select({ adminId: admins.id, email: admins.email })
      .from(apiTokens)
      .innerJoin(admins, eq(admins.id, apiTokens.adminId))
      .where(
        and(
          eq(apiTokens.tokenHash, tokenHash),
          isNull(apiTokens.revokedAt),
          gt(apiTokens.expiresAt, now),
        ),
      )
      .limit(1)
  )[0];
