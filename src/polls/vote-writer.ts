// Group commit for votes on Node. Each write to the embedded database ends with a commit that
// waits for the disk, and the event loop waits with it: one vote per commit caps votes at the
// disk's commits per second. Votes that arrive while the process is busy are written together
// instead, in one transaction, as soon as the requests already received have been read.
// Each vote keeps its own INSERT with its own checks (see insertVotesOnce), so the count stays
// exact. On Workers each request writes its own vote (a Worker must not settle one request's
// promise from another request's I/O).
import type { Deps } from "../deps";
import { insertVoteOnce, insertVotesOnce, type NewVote, type VoteLimit } from "./queries";

/** Enough for a spike, small enough that one slow transaction never holds many voters. */
const MAX_PER_COMMIT = 200;

type Pending = {
  vote: NewVote;
  limit: VoteLimit;
  resolve: (written: boolean) => void;
  reject: (error: unknown) => void;
};

type Writer = { queue: Pending[]; scheduled: boolean };

const writers = new WeakMap<object, Writer>();

/** After the I/O already received (Node's check phase), so that it joins this commit. */
const afterPendingIo = (run: () => void) => setImmediate(run);

/** Writes the vote (with its checks) and tells whether it was written. */
export function writeVote(deps: Deps, vote: NewVote, limit: VoteLimit): Promise<boolean> {
  if (deps.config.runtime !== "node") return insertVoteOnce(deps.db, vote, limit);
  let writer = writers.get(deps.db);
  if (!writer) {
    writer = { queue: [], scheduled: false };
    writers.set(deps.db, writer);
  }
  const w = writer;
  return new Promise<boolean>((resolve, reject) => {
    w.queue.push({ vote, limit, resolve, reject });
    if (!w.scheduled) {
      w.scheduled = true;
      afterPendingIo(() => void flush(deps, w));
    }
  });
}

async function flush(deps: Deps, writer: Writer): Promise<void> {
  const group = writer.queue.splice(0, MAX_PER_COMMIT);
  if (writer.queue.length > 0) afterPendingIo(() => void flush(deps, writer));
  else writer.scheduled = false;
  try {
    const written = await insertVotesOnce(deps.db, group);
    group.forEach((p, i) => {
      p.resolve(written[i] === true);
    });
  } catch (error) {
    if (group.length === 1) {
      group[0]?.reject(error);
      return;
    }
    // The transaction wrote nothing: each vote gets its own answer, so that one failing vote
    // (or a database that is back) does not decide for the others.
    for (const p of group) {
      await insertVoteOnce(deps.db, p.vote, p.limit).then(p.resolve, p.reject);
    }
  }
}
