// Every query of the deliverability panel: outcomes counted from the outbox (kept for good), and
// transient bounces from the webhook events (kept EVENT_RETENTION_DAYS).
import { sql } from "drizzle-orm";
import type { Db } from "../db";

export type Scope = { sendId: number } | { since: string };

/** Rows whose outcome the provider reported within the scope (failed rows never have one). */
const where = (scope: Scope) =>
  "sendId" in scope ? sql`o.send_id = ${scope.sendId}` : sql`o.outcome_at >= ${scope.since}`;

type Totals = {
  messages: number;
  sent: number | null;
  failed: number | null;
  delivered: number | null;
  bounced: number | null;
  complained: number | null;
};

/**
 * Per send, every row of the send. Overall, the sent and failed figures count the rows sent or
 * failed over the period, dated by `updated_at` (set when a row is sent or fails, and again when
 * its outcome arrives), and `messages` is their sum; the outcomes are dated by `outcome_at`.
 */
export const outcomeTotals = async (db: Db, scope: Scope) =>
  (
    await db.all<Totals>(
      "sendId" in scope
        ? sql`
      SELECT count(*) AS messages,
             sum(o.status = 'sent') AS sent,
             sum(o.status = 'failed') AS failed,
             sum(o.outcome = 'delivered') AS delivered,
             sum(o.outcome = 'bounced') AS bounced,
             sum(o.outcome = 'complained') AS complained
      FROM outbox_messages o WHERE ${where(scope)}`
        : sql`
      SELECT d.messages, d.sent, d.failed, r.delivered, r.bounced, r.complained
      FROM (SELECT count(*) AS messages,
                   sum(o.status = 'sent') AS sent,
                   sum(o.status = 'failed') AS failed
            FROM outbox_messages o
            WHERE o.status IN ('sent', 'failed') AND o.updated_at >= ${scope.since}) AS d,
           (SELECT sum(o.outcome = 'delivered') AS delivered,
                   sum(o.outcome = 'bounced') AS bounced,
                   sum(o.outcome = 'complained') AS complained
            FROM outbox_messages o WHERE ${where(scope)}) AS r`,
    )
  )[0];

/** Outcomes per time bucket: the first `width` characters of outcome_at (13 = hour, 10 = day). */
export const outcomeSeries = (db: Db, scope: Scope, width: 10 | 13) =>
  db.all<{ bucket: string; outcome: string; n: number }>(sql`
    SELECT substr(o.outcome_at, 1, ${width}) AS bucket, o.outcome AS outcome, count(*) AS n
    FROM outbox_messages o
    WHERE o.outcome IS NOT NULL AND ${where(scope)}
    GROUP BY 1, 2`);

export const lastOutcomeAt = async (db: Db, sendId: number) =>
  (
    await db.all<{ at: string | null }>(
      sql`SELECT max(outcome_at) AS at FROM outbox_messages WHERE send_id = ${sendId}`,
    )
  )[0]?.at ?? null;

export const transientBounces = async (db: Db, scope: Scope) =>
  (
    await db.all<{ n: number }>(sql`
      SELECT count(*) AS n FROM webhook_events
      WHERE kind = 'bounced_transient'
        AND ${"sendId" in scope ? sql`send_id = ${scope.sendId}` : sql`received_at >= ${scope.since}`}`)
  )[0]?.n ?? 0;

/** The latest sends with their outcome counts. */
export const recentSendOutcomes = (db: Db, limit: number) =>
  db.all<{
    id: number;
    kind: string;
    subject: string;
    created_at: string;
    messages: number;
    delivered: number | null;
    bounced: number | null;
    complained: number | null;
  }>(sql`
    SELECT s.id, s.kind, s.subject, s.created_at, count(o.id) AS messages,
           sum(o.outcome = 'delivered') AS delivered,
           sum(o.outcome = 'bounced') AS bounced,
           sum(o.outcome = 'complained') AS complained
    FROM (SELECT * FROM sends ORDER BY id DESC LIMIT ${limit}) s
    LEFT JOIN outbox_messages o ON o.send_id = s.id
    GROUP BY s.id ORDER BY s.id DESC`);
