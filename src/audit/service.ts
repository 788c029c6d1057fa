// The audit log: who did what to how many (imports, bulk actions, exports, edits).
import type { Deps } from "../deps";
import * as q from "./queries";

export type { AuditEntry } from "./queries";

export function auditStatement(
  deps: Deps,
  entry: { actor: string; action: string; listId?: number; summary: string; details?: object },
) {
  return q.insertEntry(deps.db, {
    at: deps.clock.now().toISOString(),
    actor: entry.actor,
    action: entry.action,
    listId: entry.listId ?? null,
    summary: entry.summary,
    details: (entry.details ?? null) as Record<string, unknown> | null,
  });
}

export async function recordAudit(deps: Deps, entry: Parameters<typeof auditStatement>[1]) {
  await auditStatement(deps, entry);
}

export const latestAudit = (
  deps: Deps,
  limit = 100,
  beforeId?: number,
  listId?: number,
  oldestFirst = false,
) => q.latestEntries(deps.db, limit, beforeId, listId, oldestFirst);
