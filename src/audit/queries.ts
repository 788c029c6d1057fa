// Every query the audit log runs.
import { and, desc, eq, lt } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import type { Db } from "../db";

export type AuditEntry = typeof auditLog.$inferSelect;

export const insertEntry = (db: Db, entry: Omit<AuditEntry, "id">) =>
  db.insert(auditLog).values(entry);

export const latestEntries = (db: Db, limit: number, beforeId?: number, listId?: number) =>
  db
    .select()
    .from(auditLog)
    .where(
      and(
        beforeId ? lt(auditLog.id, beforeId) : undefined,
        listId ? eq(auditLog.listId, listId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit);
