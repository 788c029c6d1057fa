// Every query the admins domain runs: the team, one-time password links.
import { and, asc, count, eq, gt, isNull, ne } from "drizzle-orm";
import { adminPasswordLinks, adminSessions, admins, loginFailures } from "../../db/schema";
import type { Db } from "../db";

export type AdminRow = typeof admins.$inferSelect;
export type Role = AdminRow["role"];

export const activeAdmins = (db: Db) =>
  db.select().from(admins).where(isNull(admins.removedAt)).orderBy(asc(admins.id));

export const findAdmin = async (db: Db, id: number) =>
  (await db.select().from(admins).where(eq(admins.id, id)).limit(1))[0];

export const findAnyAdminByEmail = async (db: Db, email: string) =>
  (await db.select().from(admins).where(eq(admins.email, email)).limit(1))[0];

export const countOwners = async (db: Db) =>
  (
    await db
      .select({ n: count() })
      .from(admins)
      .where(and(eq(admins.role, "owner"), isNull(admins.removedAt)))
  )[0]?.n ?? 0;

/** No password until the invitation is accepted: "!" never verifies (not a scrypt hash). */
export const NO_PASSWORD = "!";

export const insertInvitedAdmin = async (db: Db, email: string, role: Role) =>
  (
    await db
      .insert(admins)
      .values({ email, role, passwordHash: NO_PASSWORD })
      .returning({ id: admins.id })
  )[0]?.id;

/** A removed admin invited again comes back with the new role and no password. */
export const reinstateAdmin = (db: Db, id: number, role: Role) =>
  db
    .update(admins)
    .set({ role, removedAt: null, passwordHash: NO_PASSWORD })
    .where(eq(admins.id, id));

export const setRole = (db: Db, id: number, role: Role) =>
  db.update(admins).set({ role }).where(eq(admins.id, id));

export const markRemoved = (db: Db, id: number, now: string) =>
  db.update(admins).set({ removedAt: now, passwordHash: NO_PASSWORD }).where(eq(admins.id, id));

export const insertPasswordLink = (db: Db, row: typeof adminPasswordLinks.$inferInsert) =>
  db.insert(adminPasswordLinks).values(row);

export const findLivePasswordLink = async (db: Db, tokenHash: string, now: string) =>
  (
    await db
      .select({ adminId: admins.id, email: admins.email, purpose: adminPasswordLinks.purpose })
      .from(adminPasswordLinks)
      .innerJoin(admins, eq(admins.id, adminPasswordLinks.adminId))
      .where(
        and(
          eq(adminPasswordLinks.tokenHash, tokenHash),
          isNull(adminPasswordLinks.usedAt),
          gt(adminPasswordLinks.expiresAt, now),
          isNull(admins.removedAt),
        ),
      )
      .limit(1)
  )[0];

/** Claims the link (once): only the first of two parallel uses gets a row back. */
export const claimPasswordLink = (db: Db, tokenHash: string, now: string) =>
  db
    .update(adminPasswordLinks)
    .set({ usedAt: now })
    .where(
      and(
        eq(adminPasswordLinks.tokenHash, tokenHash),
        isNull(adminPasswordLinks.usedAt),
        gt(adminPasswordLinks.expiresAt, now),
      ),
    )
    .returning({ adminId: adminPasswordLinks.adminId });

/** Older links of the same admin stop working when a new one is used or issued. */
export const retireLinksOf = (db: Db, adminId: number, now: string) =>
  db
    .update(adminPasswordLinks)
    .set({ usedAt: now })
    .where(and(eq(adminPasswordLinks.adminId, adminId), isNull(adminPasswordLinks.usedAt)));

export const forgetFailuresOf = (db: Db, email: string) =>
  db.delete(loginFailures).where(eq(loginFailures.email, email));

export const setPasswordHash = (db: Db, id: number, passwordHash: string) =>
  db.update(admins).set({ passwordHash }).where(eq(admins.id, id));

/** After a password change, the browser that made it stays signed in; every other session ends. */
export const revokeOtherSessions = (db: Db, adminId: number, keepIdHash: string, now: string) =>
  db
    .update(adminSessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(adminSessions.adminId, adminId),
        ne(adminSessions.idHash, keepIdHash),
        isNull(adminSessions.revokedAt),
      ),
    );
