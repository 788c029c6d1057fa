// Every query the poll pages, votes, admin and API run.
import { and, asc, count, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { incidents, pollOptions, polls, pollVotes } from "../../db/schema";
import type { Db } from "../db";

export type Poll = typeof polls.$inferSelect;
export type PollOption = typeof pollOptions.$inferSelect;

/**
 * Creates the poll and its options in one transaction; undefined when the slug is taken. One
 * batch, not an interactive transaction: nothing holds the database's write lock across an await,
 * where every other writer of the process would find the file locked.
 */
export async function insertPoll(
  db: Db,
  poll: typeof polls.$inferInsert,
  options: { label: string; labelEn: string | null }[],
): Promise<{ poll: Poll; options: PollOption[] } | undefined> {
  const pollId = sql`(SELECT id FROM polls WHERE slug = ${poll.slug})`;
  try {
    const [[row], inserted] = await db.batch([
      db.insert(polls).values(poll).returning(),
      db
        .insert(pollOptions)
        .values(options.map((o, position) => ({ pollId, position, ...o })))
        .returning(),
    ]);
    return row ? { poll: row, options: inserted } : undefined;
  } catch (error) {
    // The slug taken: the batch rolled back as a whole.
    if (violates(error, "polls.slug")) return undefined;
    throw error;
  }
}

/** Whether an error (or one of its causes) is SQLite refusing a duplicate in `column`. */
function violates(error: unknown, column: string): boolean {
  for (let e = error; e instanceof Error; e = e.cause)
    if (e.message.includes(`UNIQUE constraint failed: ${column}`)) return true;
  return false;
}

export const findPollBySlug = async (db: Db, slug: string) =>
  (await db.select().from(polls).where(eq(polls.slug, slug)).limit(1))[0];

export const findPollById = async (db: Db, id: number) =>
  (await db.select().from(polls).where(eq(polls.id, id)).limit(1))[0];

export const optionsOf = (db: Db, pollId: number) =>
  db
    .select()
    .from(pollOptions)
    .where(eq(pollOptions.pollId, pollId))
    .orderBy(asc(pollOptions.position));

export const incidentOfPoll = async (db: Db, incidentId: number) =>
  (
    await db
      .select({ slug: incidents.slug, title: incidents.title, titleEn: incidents.titleEn })
      .from(incidents)
      .where(eq(incidents.id, incidentId))
      .limit(1)
  )[0];

export const incidentIdBySlug = async (db: Db, slug: string) =>
  (
    await db.select({ id: incidents.id }).from(incidents).where(eq(incidents.slug, slug)).limit(1)
  )[0]?.id;

/** Votes per option, counted from the rows (the tally is never a separate counter). */
export const countVotes = (db: Db, pollId: number) =>
  db
    .select({ optionId: pollVotes.optionId, votes: count() })
    .from(pollVotes)
    .where(eq(pollVotes.pollId, pollId))
    .groupBy(pollVotes.optionId);

export const voterChoice = async (db: Db, pollId: number, voter: string) =>
  (
    await db
      .select({ optionId: pollVotes.optionId })
      .from(pollVotes)
      .where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.voter, voter)))
      .limit(1)
  )[0]?.optionId;

/**
 * Records a vote in one statement, so that concurrent requests cannot slip between a check and
 * the insert: nothing is written when this voter already voted on the poll (the unique key),
 * when the poll is closed, or when this address hash cast `limit` votes since `windowStart`.
 * Returns whether a row was written.
 */
export type NewVote = {
  pollId: number;
  optionId: number;
  voter: string;
  ipHash: string;
  createdAt: string;
};
export type VoteLimit = { windowStart: string; max: number };

/**
 * One vote, written only if this voter has not voted on this poll, the poll is open, and the
 * address hash is under its limit: all checked by the INSERT itself, so nothing can slip between
 * a check and the write.
 */
const insertVoteStatement = (db: Db, vote: NewVote, limit: VoteLimit) =>
  db.run(sql`
    INSERT INTO poll_votes (poll_id, option_id, voter, ip_hash, created_at)
    SELECT ${vote.pollId}, ${vote.optionId}, ${vote.voter}, ${vote.ipHash}, ${vote.createdAt}
    WHERE (
        SELECT count(*) FROM poll_votes WHERE ip_hash = ${vote.ipHash} AND created_at > ${limit.windowStart}
      ) < ${limit.max}
      AND EXISTS (
        SELECT 1 FROM polls
        WHERE id = ${vote.pollId} AND closed_at IS NULL
          AND (closes_at IS NULL OR closes_at > ${vote.createdAt})
      )
    ON CONFLICT (poll_id, voter) DO NOTHING`);

export async function insertVoteOnce(db: Db, vote: NewVote, limit: VoteLimit): Promise<boolean> {
  return (await insertVoteStatement(db, vote, limit)).rowsAffected === 1;
}

/**
 * Several votes in one transaction (one commit): each statement sees the ones before it, so
 * the unique voter and the per-address limit hold exactly as if they were written one by one.
 * Whether each was written, in order.
 */
export async function insertVotesOnce(
  db: Db,
  votes: { vote: NewVote; limit: VoteLimit }[],
): Promise<boolean[]> {
  const [first, ...rest] = votes.map(({ vote, limit }) => insertVoteStatement(db, vote, limit));
  if (!first) return [];
  const results = await db.batch([first, ...rest]);
  return results.map((r) => r.rowsAffected === 1);
}

/** The oldest vote of this address hash inside the window: when the next vote becomes possible. */
export const oldestVoteSince = async (db: Db, ipHash: string, windowStart: string) =>
  (
    await db
      .select({ createdAt: pollVotes.createdAt })
      .from(pollVotes)
      .where(and(eq(pollVotes.ipHash, ipHash), gt(pollVotes.createdAt, windowStart)))
      .orderBy(asc(pollVotes.createdAt))
      .limit(1)
  )[0]?.createdAt;

export const setClosedAt = (db: Db, pollId: number, closedAt: string) =>
  db.update(polls).set({ closedAt }).where(eq(polls.id, pollId));

/** Clears a manual close, and a closing time already past (or the poll would stay closed). */
export const clearClosed = (db: Db, pollId: number, now: string) =>
  db
    .update(polls)
    .set({
      closedAt: null,
      closesAt: sql`CASE WHEN ${polls.closesAt} <= ${now} THEN NULL ELSE ${polls.closesAt} END`,
    })
    .where(eq(polls.id, pollId));

export const allPolls = (db: Db) => db.select().from(polls).orderBy(desc(polls.id)).limit(200);

/** Polls not closed by hand and not past their closing time. */
export const openPolls = (db: Db, now: string, limit: number) =>
  db
    .select()
    .from(polls)
    .where(and(isNull(polls.closedAt), or(isNull(polls.closesAt), gt(polls.closesAt, now))))
    .orderBy(desc(polls.id))
    .limit(limit);

/** Votes per option and per hour (UTC), oldest hour first. */
export const votesPerHour = (db: Db, pollId: number) =>
  db
    .select({
      hour: sql<string>`substr(${pollVotes.createdAt}, 1, 13) || ':00:00Z'`.as("hour"),
      optionId: pollVotes.optionId,
      votes: count(),
    })
    .from(pollVotes)
    .where(eq(pollVotes.pollId, pollId))
    .groupBy(sql`hour`, pollVotes.optionId)
    .orderBy(sql`hour`, pollVotes.optionId);

/** Seeds and tests insert votes directly, with their own times. */
export const insertVotes = (db: Db, rows: (typeof pollVotes.$inferInsert)[]) =>
  db.insert(pollVotes).values(rows).onConflictDoNothing();
