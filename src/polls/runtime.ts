// The per-process state of polls, made once at boot and passed in `deps.polls`: the short memory
// of pages and definitions, how ballots are written, and who watches tallies live.
import type { Runtime } from "../config";
import type { Db } from "../db";
import type { Clock } from "../deps";
import { createPollCache, type PollCache } from "./cache";
import { createLiveTallies, type LiveTallies, noLiveTallies } from "./live";
import { directVoteWriter, groupCommitVoteWriter, type VoteWriter } from "./vote-writer";

export type PollRuntime = { cache: PollCache; voteWriter: VoteWriter; live: LiveTallies };

/** Live updates are told at most once a second per poll, however many voters. */
export const LIVE_INTERVAL_MS = 1000;

/** Node shares loads, groups commits and streams tallies; a Workers isolate does none of these. */
export function createPollRuntime(db: Db, clock: Clock, runtime: Runtime): PollRuntime {
  const node = runtime === "node";
  return {
    cache: createPollCache(clock, { shareLoads: node }),
    voteWriter: node ? groupCommitVoteWriter(db) : directVoteWriter(db),
    live: node ? createLiveTallies({ intervalMs: LIVE_INTERVAL_MS }) : noLiveTallies,
  };
}
