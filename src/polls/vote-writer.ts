// How ballots reach the database. On Node, group commit: each write to the embedded database ends
// with a commit that waits for the disk, and the event loop waits with it, so one vote per commit
// caps votes at the disk's commits per second. Votes that arrive while the process is busy are
// written together instead, in one transaction, as soon as the requests already received have
// been read. Each ballot keeps its own INSERT with its own checks (see insertVotesOnce), so the
// count stays exact. On Workers each request writes its own ballot (a Worker must not settle one
// request's promise from another request's I/O).
import type { Db } from "../db";
import { insertVoteOnce, insertVotesOnce, type NewVote, type VoteLimit } from "./queries";

export type VoteWriter = {
  /** Writes the ballot (with its checks) and tells whether it was written. */
  write(vote: NewVote, limit: VoteLimit): Promise<boolean>;
};

/** Enough for a spike, small enough that one slow transaction never holds many voters. */
const MAX_PER_COMMIT = 200;

type Pending = {
  vote: NewVote;
  limit: VoteLimit;
  resolve: (written: boolean) => void;
  reject: (error: unknown) => void;
};

/** One statement, one commit per ballot (Workers). */
export const directVoteWriter = (db: Db): VoteWriter => ({
  write: (vote, limit) => insertVoteOnce(db, vote, limit),
});

/** After the I/O already received (Node's check phase), so that it joins this commit. */
const afterPendingIo = (run: () => void) => setImmediate(run);

/** Ballots that arrive together share one commit (Node). Its queue is this object's own. */
export function groupCommitVoteWriter(db: Db): VoteWriter {
  const queue: Pending[] = [];
  let scheduled = false;

  const flush = async (): Promise<void> => {
    const group = queue.splice(0, MAX_PER_COMMIT);
    if (queue.length > 0) afterPendingIo(() => void flush());
    else scheduled = false;
    try {
      const written = await insertVotesOnce(db, group);
      group.forEach((p, i) => {
        p.resolve(written[i] === true);
      });
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      // The transaction wrote nothing: each ballot gets its own answer, so that one failing
      // ballot (or a database that is back) does not decide for the others.
      for (const p of group) {
        await insertVoteOnce(db, p.vote, p.limit).then(p.resolve, p.reject);
      }
    }
  };

  return {
    write: (vote, limit) =>
      new Promise<boolean>((resolve, reject) => {
        queue.push({ vote, limit, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          afterPendingIo(() => void flush());
        }
      }),
  };
}
