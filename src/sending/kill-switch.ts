// Stop means stop: the one switch every provider call checks first.
import { eq } from "drizzle-orm";
import { sendingState } from "../../db/schema";
import { recordAudit } from "../audit/service";
import type { Db } from "../db";
import type { Deps } from "../deps";

export type SendingState = {
  paused: boolean;
  reason: string | null;
  since: string | null;
  by: string | null;
};

const ROW = 1;

export async function sendingStateOf(db: Db): Promise<SendingState> {
  const row = (await db.select().from(sendingState).where(eq(sendingState.id, ROW)).limit(1))[0];
  return row
    ? { paused: row.paused, reason: row.reason, since: row.since, by: row.by }
    : { paused: false, reason: null, since: null, by: null };
}

export const isPaused = async (db: Db) => (await sendingStateOf(db)).paused;

/** Pauses all sending; pausing again keeps the first reason and time. */
export async function pauseSending(deps: Deps, reason: string, by: string): Promise<SendingState> {
  const since = deps.clock.now().toISOString();
  const changed = await deps.db
    .insert(sendingState)
    .values({ id: ROW, paused: true, reason, since, by })
    .onConflictDoUpdate({
      target: sendingState.id,
      set: { paused: true, reason, since, by },
      setWhere: eq(sendingState.paused, false),
    });
  // Only a real change is audited: pressing the button twice is one pause.
  if (changed.rowsAffected > 0) {
    await recordAudit(deps, {
      actor: by,
      action: "sending.paused",
      summary: `All sending paused: ${reason}`,
    });
  }
  return sendingStateOf(deps.db);
}

export async function resumeSending(deps: Deps, by: string): Promise<SendingState> {
  const since = deps.clock.now().toISOString();
  const changed = await deps.db
    .insert(sendingState)
    .values({ id: ROW, paused: false, reason: null, since, by })
    .onConflictDoUpdate({
      target: sendingState.id,
      set: { paused: false, reason: null, since, by },
      setWhere: eq(sendingState.paused, true),
    });
  // Audited like the pause, and only when it really was paused.
  if (changed.rowsAffected > 0) {
    await recordAudit(deps, {
      actor: by,
      action: "sending.resumed",
      summary: "All sending resumed",
    });
  }
  return sendingStateOf(deps.db);
}
