// Every query the poll pages, votes, admin and API run.
import { and, asc, count, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { incidents, lists, pollOptions, polls, pollVotes, sends } from "../../db/schema";
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
export function violates(error: unknown, column: string): boolean {
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

export const listExists = async (db: Db, id: number) =>
  (await db.select({ id: lists.id }).from(lists).where(eq(lists.id, id)).limit(1)).length > 0;

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

/** How many people the poll's invitation send reached (0 before the invitation). */
export const invitedCount = async (db: Db, pollId: number) =>
  (
    await db
      .select({ total: sends.total })
      .from(sends)
      .where(and(eq(sends.pollId, pollId), eq(sends.kind, "poll")))
  )[0]?.total ?? 0;

/** The send of the poll's invitations, if they were sent (a poll is invited once). */
export const invitationSend = async (db: Db, pollId: number) =>
  (
    await db
      .select({ id: sends.id, total: sends.total })
      .from(sends)
      .where(and(eq(sends.pollId, pollId), eq(sends.kind, "poll")))
  )[0];

/** The answers this voter chose on this poll (empty when they have not voted). */
export const voterChoices = async (db: Db, pollId: number, voter: string) =>
  (
    await db
      .select({ optionId: pollVotes.optionId })
      .from(pollVotes)
      .where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.voter, voter)))
      .orderBy(asc(pollVotes.optionId))
  ).map((r) => r.optionId);

/**
 * Votes per option and the number of voters (a multiple-choice ballot is several rows, one
 * voter), read in one batch so that both see the same ballots.
 */
export async function countBallots(db: Db, pollId: number) {
  const [perOption, [voters]] = await db.batch([
    countVotes(db, pollId),
    db
      .select({ voters: sql<number>`count(DISTINCT ${pollVotes.voter})` })
      .from(pollVotes)
      .where(eq(pollVotes.pollId, pollId)),
  ]);
  return { perOption, voters: voters?.voters ?? 0 };
}

/** One ballot: the answers one voter chose on one poll (one answer for a single-choice poll). */
export type NewVote = {
  pollId: number;
  optionIds: number[];
  voter: string;
  ipHash: string;
  createdAt: string;
};
export type VoteLimit = { windowStart: string; max: number };

/** One row per chosen answer; a single answer skips json_each (the common, hot case). */
const ballotRows = (vote: NewVote) =>
  vote.optionIds.length === 1
    ? sql`SELECT ${vote.pollId}, ${vote.optionIds[0]}, ${vote.voter}, ${vote.ipHash}, ${vote.createdAt}`
    : sql`SELECT ${vote.pollId}, value, ${vote.voter}, ${vote.ipHash}, ${vote.createdAt}
      FROM json_each(${JSON.stringify(vote.optionIds)})`;

/**
 * One ballot, written only if this voter has no ballot on this poll yet, the poll is open, and
 * the address hash is under its limit (counted in rows, so a ballot of three answers counts
 * three): all checked by the INSERT itself, so nothing can slip between a check and the write.
 * SQLite computes the SELECT before inserting (it reads the table it writes), so the rows of one
 * ballot do not see each other.
 */
const insertVoteStatement = (db: Db, vote: NewVote, limit: VoteLimit) =>
  db.run(sql`
    INSERT INTO poll_votes (poll_id, option_id, voter, ip_hash, created_at)
    ${ballotRows(vote)}
    WHERE NOT EXISTS (
        SELECT 1 FROM poll_votes WHERE poll_id = ${vote.pollId} AND voter = ${vote.voter}
      )
      AND (
        SELECT count(*) FROM poll_votes WHERE ip_hash = ${vote.ipHash} AND created_at > ${limit.windowStart}
      ) < ${limit.max}
      AND EXISTS (
        SELECT 1 FROM polls
        WHERE id = ${vote.pollId} AND closed_at IS NULL
          AND (closes_at IS NULL OR closes_at > ${vote.createdAt})
      )
    ON CONFLICT DO NOTHING`);

export async function insertVoteOnce(db: Db, vote: NewVote, limit: VoteLimit): Promise<boolean> {
  return (await insertVoteStatement(db, vote, limit)).rowsAffected > 0;
}

/**
 * Several ballots in one transaction (one commit): each statement sees the ones before it, so
 * the one ballot per voter and the per-address limit hold exactly as if written one by one.
 * Whether each was written, in order.
 */
export async function insertVotesOnce(
  db: Db,
  votes: { vote: NewVote; limit: VoteLimit }[],
): Promise<boolean[]> {
  const [first, ...rest] = votes.map(({ vote, limit }) => insertVoteStatement(db, vote, limit));
  if (!first) return [];
  const results = await db.batch([first, ...rest]);
  return results.map((r) => r.rowsAffected > 0);
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
