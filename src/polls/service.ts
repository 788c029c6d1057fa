// The rules of polls: what a valid poll is, who may vote and when, and how results are counted.
import { z } from "zod";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { checkProof } from "../http/proof-of-work";
import { slugField } from "../incidents/service";
import { keyRing } from "../keys/ring";
import { checkHumanForm, signFormStart } from "./bot-check";
import { type Invitation, invitedVoter, readInvitation } from "./invitation";
import { largestRemainderPercents } from "./percent";
import {
  allPolls,
  clearClosed,
  countBallots,
  countVotes,
  findPollById,
  findPollBySlug,
  incidentIdBySlug,
  incidentOfPoll,
  insertPoll,
  invitedCount,
  listExists,
  oldestVoteSince,
  openPolls,
  optionsOf,
  type Poll,
  type PollOption,
  setClosedAt,
  voterChoices,
  votesPerHour,
} from "./queries";

export const RESULTS_VISIBILITY = ["after_vote", "always", "after_close"] as const;
export const AUDIENCES = ["public", "list"] as const;
const LABEL_MAX = 200;

const label = z
  .string({ error: "Each answer must be text." })
  .trim()
  .min(1, "An answer cannot be empty.")
  .max(LABEL_MAX, `At most ${LABEL_MAX} characters.`);

/** Field names are the API's (snake_case); the admin form sends the same fields. */
export const newPollSchema = z
  .object({
    slug: slugField,
    question: z
      .string({ error: "Enter the question." })
      .trim()
      .min(1, "Enter the question.")
      .max(300, "At most 300 characters."),
    question_en: z
      .string()
      .trim()
      .max(300, "At most 300 characters.")
      .nullish()
      .transform((v) => v || null),
    options: z
      .array(label, { error: "A list of 2 to 10 answers." })
      .min(2, "Give at least 2 answers.")
      .max(10, "Give at most 10 answers."),
    options_en: z.array(label).max(10).nullish(),
    closes_at: z.iso
      .datetime({
        offset: true,
        error: "An ISO 8601 date and time, like 2000-01-20T19:00:00+01:00.",
      })
      .nullish()
      .transform((v) => (v ? new Date(v).toISOString() : null)),
    incident_slug: slugField.nullish().transform((v) => v || null),
    results_visibility: z
      .enum(RESULTS_VISIBILITY, { error: "`after_vote`, `after_close` or `always`." })
      .default("after_vote"),
    max_choices: z
      .number({ error: "A whole number of answers a voter may choose, from 1." })
      .int("A whole number of answers a voter may choose, from 1.")
      .min(1, "A voter chooses at least 1 answer.")
      .default(1),
    audience: z
      .enum(AUDIENCES, { error: "`public` (anyone may vote) or `list` (with list_id)." })
      .default("public"),
    list_id: z
      .number({ error: "The id of the list whose confirmed members may vote." })
      .int()
      .positive()
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((poll, ctx) => {
    if (poll.max_choices > poll.options.length) {
      ctx.addIssue({
        code: "custom",
        path: ["max_choices"],
        message: `At most the number of answers (${poll.options.length}).`,
        params: { code: "maxChoicesOverAnswers", values: { answers: poll.options.length } },
      });
    }
    if (poll.audience === "list" && poll.list_id === null) {
      ctx.addIssue({
        code: "custom",
        path: ["list_id"],
        message: "Give the list whose members may vote.",
        params: { code: "listRequired" },
      });
    }
    if (poll.audience === "public" && poll.list_id !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["list_id"],
        message: "Only a poll with audience `list` takes a list.",
        params: { code: "listOnlyForListAudience" },
      });
    }
    const seen = new Set<string>();
    poll.options.forEach((o, i) => {
      const key = o.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["options", i],
          message: "This answer is listed twice.",
          params: { code: "duplicateAnswer" },
        });
      }
      seen.add(key);
    });
    if (poll.options_en && poll.options_en.length !== poll.options.length) {
      ctx.addIssue({
        code: "custom",
        path: ["options_en"],
        message: "Give one translation per answer, in the same order.",
        params: { code: "translationsPerAnswer" },
      });
    }
  });
export type NewPoll = z.output<typeof newPollSchema>;

export type PollCreated = { poll: Poll; options: PollOption[] };

export async function createPoll(
  deps: Deps,
  input: NewPoll,
): Promise<{ ok: true; created: PollCreated } | { ok: false; errors: FieldError[] }> {
  if (input.list_id !== null && !(await listExists(deps.db, input.list_id))) {
    return {
      ok: false,
      errors: [{ field: "list_id", message: "No list has this id.", code: "noSuchList" }],
    };
  }
  let incidentId: number | null = null;
  if (input.incident_slug) {
    incidentId = (await incidentIdBySlug(deps.db, input.incident_slug)) ?? null;
    if (incidentId === null) {
      return {
        ok: false,
        errors: [
          { field: "incident_slug", message: "No incident has this slug.", code: "noSuchIncident" },
        ],
      };
    }
  }
  const created = await insertPoll(
    deps.db,
    {
      slug: input.slug,
      question: input.question,
      questionEn: input.question_en,
      resultsVisibility: input.results_visibility,
      maxChoices: input.max_choices,
      audience: input.audience,
      listId: input.list_id,
      closesAt: input.closes_at,
      incidentId,
      createdAt: deps.clock.now().toISOString(),
    },
    input.options.map((label, i) => ({ label, labelEn: input.options_en?.[i] ?? null })),
  );
  if (!created)
    return {
      ok: false,
      errors: [{ field: "slug", message: "This slug is already used.", code: "slugTaken" }],
    };
  deps.polls.cache.forgetPoll(input.slug); // a remembered "no such poll"
  deps.statusPages.forget(); // the status home lists open polls
  return { ok: true, created };
}

export const pollJson = ({ poll, options }: PollCreated, incidentSlug: string | null) => ({
  id: poll.id,
  slug: poll.slug,
  question: poll.question,
  options: options.map((o) => ({ id: o.id, label: o.label })),
  closes_at: poll.closesAt,
  closed: poll.closedAt !== null,
  incident_slug: incidentSlug,
  results_visibility: poll.resultsVisibility,
  max_choices: poll.maxChoices,
  audience: poll.audience,
  list_id: poll.listId,
  created_at: poll.createdAt,
});

/** A poll as the API shows it, read afresh. */
export async function pollSummary(deps: Deps, pollId: number) {
  const poll = await findPollById(deps.db, pollId);
  if (!poll) return undefined;
  const [options, incident] = await Promise.all([
    optionsOf(deps.db, poll.id),
    poll.incidentId ? incidentOfPoll(deps.db, poll.incidentId) : undefined,
  ]);
  return pollJson({ poll, options }, incident?.slug ?? null);
}

export const isClosed = (poll: Poll, now: Date) =>
  poll.closedAt !== null || (poll.closesAt !== null && poll.closesAt <= now.toISOString());

/** The poll and its answers, as every request about it needs them (briefly cached, see cache.ts). */
export const pollDefinition = (deps: Deps, slug: string) =>
  deps.polls.cache.remember(`poll:${slug}`, async () => {
    const poll = await findPollBySlug(deps.db, slug);
    const options = poll ? await optionsOf(deps.db, poll.id) : [];
    return { value: poll ? { poll, options } : undefined, until: poll?.closesAt };
  });

/**
 * Whether the results may be shown now to someone who has (or has not) voted: the one rule the
 * page, the fragment, the JSON, the live stream and the embed all ask (admin exports do not).
 */
export function maySeeResults(poll: Poll, closed: boolean, hasVoted: boolean): boolean {
  if (closed || poll.resultsVisibility === "always") return true;
  return poll.resultsVisibility === "after_vote" && hasVoted;
}

/**
 * `total` counts voters; each option's percent is its share of voters. `invited`: how many an
 * invite-only poll's invitation reached (the turnout is total / invited); null for a public poll.
 */
export type Results = {
  total: number;
  invited: number | null;
  options: { id: number; label: string; labelEn: string | null; votes: number; percent: number }[];
};

export async function resultsOf(deps: Deps, poll: Poll, options?: PollOption[]): Promise<Results> {
  const single = poll.maxChoices === 1;
  // One answer each: the voters are the votes (one query, the hot path of every tally).
  const [opts, counts, invited] = await Promise.all([
    options ?? optionsOf(deps.db, poll.id),
    single
      ? countVotes(deps.db, poll.id).then((perOption) => ({ perOption, voters: undefined }))
      : countBallots(deps.db, poll.id),
    poll.audience === "list" ? invitedCount(deps.db, poll.id) : null,
  ]);
  const multipleVoters = counts.voters;
  const votes = opts.map((o) => counts.perOption.find((c) => c.optionId === o.id)?.votes ?? 0);
  const voters = multipleVoters ?? votes.reduce((sum, n) => sum + n, 0);
  // One answer each: shares that add up to 100. Several: each answer's share of the voters,
  // which add up to more than 100 by design.
  const percents = single
    ? largestRemainderPercents(votes)
    : votes.map((n) => (voters === 0 ? 0 : Math.round((n * 100) / voters)));
  return {
    total: voters,
    invited,
    options: opts.map((o, i) => ({
      id: o.id,
      label: o.label,
      labelEn: o.labelEn,
      votes: votes[i] ?? 0,
      percent: percents[i] ?? 0,
    })),
  };
}

/** The public JSON shape of results (part of the HTTP contract); `invited` for invite-only polls. */
export const resultsJson = (results: Results) => ({
  total: results.total,
  ...(results.invited === null ? {} : { invited: results.invited }),
  options: results.options.map(({ id, label, votes, percent }) => ({ id, label, votes, percent })),
});

export type ResultsRead =
  | { kind: "not_found" }
  | { kind: "hidden"; poll: Poll }
  /** `personal`: shown because of who asks (a voter), so never kept by a shared cache. */
  | { kind: "shown"; poll: Poll; results: Results; closed: boolean; personal: boolean };

/** The results as `voter` (or an anonymous visitor) may read them now (see maySeeResults). */
export async function resultsFor(
  deps: Deps,
  slug: string,
  voter: string | undefined,
): Promise<ResultsRead> {
  const definition = await pollDefinition(deps, slug);
  if (!definition) return { kind: "not_found" };
  const { poll, options } = definition;
  const closed = isClosed(poll, deps.clock.now());
  const forEveryone = maySeeResults(poll, closed, false);
  const voted =
    !forEveryone && voter !== undefined && (await voterChoices(deps.db, poll.id, voter)).length > 0;
  if (!maySeeResults(poll, closed, voted)) return { kind: "hidden", poll };
  const results = await resultsOf(deps, poll, options);
  return { kind: "shown", poll, results, closed, personal: !forEveryone };
}

export type PollState = {
  poll: Poll;
  options: PollOption[];
  closed: boolean;
  /** The answers this voter chose (empty when they have not voted). */
  choices: number[];
  /** Present when the visitor may see them (see maySeeResults). */
  results: Results | undefined;
  /** The signed render time the vote form carries (see bot-check.ts). */
  formStarted: string;
  /** Where the poll lives for people outside (share link, embed snippet). */
  publicUrl: string;
  /** The proof-of-work the vote form asks for (0: none; see http/proof-of-work.ts). */
  powBits: number;
  incident: { slug: string; title: string; titleEn: string | null } | undefined;
};

export async function pollState(
  deps: Deps,
  slug: string,
  voter: string | undefined,
): Promise<PollState | undefined> {
  const definition = await pollDefinition(deps, slug);
  if (!definition) return undefined;
  const { poll, options } = definition;
  const [choices, incident] = await Promise.all([
    voter ? voterChoices(deps.db, poll.id, voter) : [],
    poll.incidentId ? incidentOfPoll(deps.db, poll.incidentId) : undefined,
  ]);
  const closed = isClosed(poll, deps.clock.now());
  const show = maySeeResults(poll, closed, choices.length > 0);
  const results = show ? await resultsOf(deps, poll, options) : undefined;
  const formStarted = signFormStart(deps, deps.clock.now());
  const { publicUrl, powBits } = deps.config;
  return { poll, options, closed, choices, results, incident, formStarted, publicUrl, powBits };
}

export const pollById = (deps: Deps, id: number) => findPollById(deps.db, id);
export const listPolls = (deps: Deps) => allPolls(deps.db);

export type VoteOutcome =
  | { kind: "recorded"; optionIds: number[] }
  | { kind: "already"; optionIds: number[] }
  | { kind: "closed" }
  | { kind: "invalid_option" }
  | { kind: "too_many"; max: number }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "not_human" }
  | { kind: "no_proof" }
  | { kind: "invite_only" }
  | { kind: "not_found" };

const MINUTE = 60_000;

/** The chosen answers as ids of this poll, or why they are not a ballot. */
function parseBallot(
  poll: Poll,
  options: PollOption[],
  chosen: readonly string[],
): number[] | { kind: "invalid_option" } | { kind: "too_many"; max: number } {
  const ids = [...new Set(chosen)].map((v) => (/^\d{1,15}$/.test(v) ? Number(v) : undefined));
  if (ids.length === 0) return { kind: "invalid_option" };
  if (ids.some((id) => id === undefined || !options.some((o) => o.id === id))) {
    return { kind: "invalid_option" };
  }
  if (ids.length > poll.maxChoices) return { kind: "too_many", max: poll.maxChoices };
  return ids as number[];
}

/**
 * Casts one ballot (one or up to `max_choices` answers). A voter votes once per poll: a repeat
 * (double click, retry, second tab) changes nothing and reports the recorded choice. One address
 * hash may cast at most `voteLimitPerIpPerMinute` votes in any minute, whatever the cookies say.
 */
export async function castVote(
  deps: Deps,
  input: {
    slug: string;
    options: readonly string[];
    voter: string;
    ipHash: string;
    form: { honeypot: string | undefined; started: string | undefined; proof?: string };
  },
): Promise<VoteOutcome> {
  const definition = await pollDefinition(deps, input.slug);
  if (!definition) return { kind: "not_found" };
  // Only the invited vote, each through their own link: the public form refuses everyone.
  if (definition.poll.audience === "list") return { kind: "invite_only" };
  if (checkHumanForm(deps, input.form) !== "ok") return { kind: "not_human" };
  if (!hasVoteProof(deps, definition.poll, input.voter, input.form.proof)) {
    return { kind: "no_proof" };
  }
  return writeBallot(deps, definition, input);
}

/** The proof-of-work scope of one voter on one poll: a proof is good for that voter only. */
export const voteProofScope = (poll: Poll, voter: string) => `vote:${poll.id}:${voter}`;

/** Whether the vote carries the proof-of-work POW_BITS asks for (always, when it is off). */
function hasVoteProof(deps: Deps, poll: Poll, voter: string, proof: string | undefined) {
  const bits = deps.config.powBits;
  if (bits === 0) return true;
  const check = { secret: deps.config.secretKey, bits, now: deps.clock.now() };
  return checkProof(check, proof, voteProofScope(poll, voter)) === "ok";
}

export type InvitedPoll = {
  definition: { poll: Poll; options: PollOption[] };
  /** The link's voter pseudonym in poll_votes. */
  voter: string;
};

/**
 * The poll a voting link (`/v/TOKEN`) is for; undefined when the link is forged or malformed, or
 * names a poll that does not exist or is not invite-only.
 */
export async function invitedPoll(deps: Deps, token: string): Promise<InvitedPoll | undefined> {
  const invitation = readInvitation(keyRing(deps), token);
  if (!invitation) return undefined;
  // A poll's slug and audience never change: the id's slug is remembered like the definition.
  const slug = await deps.polls.cache.remember(`slugof:${invitation.pollId}`, async () => ({
    value: (await findPollById(deps.db, invitation.pollId))?.slug,
  }));
  const definition = slug === undefined ? undefined : await pollDefinition(deps, slug);
  if (definition?.poll.audience !== "list") return undefined;
  return { definition, voter: await linkVoter(deps, invitation) };
}

/**
 * The pseudonym a link votes under: the current key's, unless the link already voted under a
 * previous key's (before a rotation), which stays its voter so that it still votes only once.
 */
async function linkVoter(deps: Deps, invitation: Invitation): Promise<string> {
  const [current = "", ...previous] = keyRing(deps).map((key) => invitedVoter(key, invitation));
  if (previous.length === 0) return current;
  const voted = await deps.client.execute({
    sql:
      "SELECT voter FROM poll_votes WHERE poll_id = ? AND voter IN (" +
      previous.map(() => "?").join(",") +
      ") LIMIT 1",
    args: [invitation.pollId, ...previous],
  });
  const earlier = voted.rows[0]?.voter;
  return typeof earlier === "string" ? earlier : current;
}

/**
 * Casts the ballot of a voting link: the link is the voter, so it votes once from any browser
 * and a second use reports the recorded choice.
 */
export const castInvitedVote = (
  deps: Deps,
  invited: InvitedPoll,
  input: { options: readonly string[]; ipHash: string },
): Promise<VoteOutcome> =>
  writeBallot(deps, invited.definition, { ...input, voter: invited.voter });

/** Checks and writes one ballot of a voter allowed to vote on this poll. */
async function writeBallot(
  deps: Deps,
  { poll, options }: { poll: Poll; options: PollOption[] },
  input: { options: readonly string[]; voter: string; ipHash: string },
): Promise<VoteOutcome> {
  const now = deps.clock.now();
  if (isClosed(poll, now)) {
    const choices = await voterChoices(deps.db, poll.id, input.voter);
    return choices.length ? { kind: "already", optionIds: choices } : { kind: "closed" };
  }
  const optionIds = parseBallot(poll, options, input.options);
  if (!Array.isArray(optionIds)) return optionIds;
  const windowStart = new Date(now.getTime() - MINUTE).toISOString();
  const vote = {
    pollId: poll.id,
    optionIds,
    voter: input.voter,
    ipHash: input.ipHash,
    createdAt: now.toISOString(),
  };
  const limit = { windowStart, max: deps.config.voteLimitPerIpPerMinute };
  if (await deps.polls.voteWriter.write(vote, limit)) {
    deps.polls.cache.forgetPoll(poll.slug, ["page", "live"]); // what shows the tally
    deps.polls.live.changed(poll.slug);
    return { kind: "recorded", optionIds };
  }
  return whyNotWritten(deps, poll, input, windowStart);
}

/** Nothing written: a concurrent request of the same voter won, the poll just closed, or the limit. */
async function whyNotWritten(
  deps: Deps,
  poll: Poll,
  input: { voter: string; ipHash: string },
  windowStart: string,
): Promise<VoteOutcome> {
  const now = deps.clock.now();
  const raced = await voterChoices(deps.db, poll.id, input.voter);
  if (raced.length) return { kind: "already", optionIds: raced };
  const fresh = await findPollById(deps.db, poll.id);
  if (!fresh || isClosed(fresh, now)) return { kind: "closed" };
  const oldest = await oldestVoteSince(deps.db, input.ipHash, windowStart);
  const freeAt = oldest ? new Date(oldest).getTime() + MINUTE : now.getTime() + MINUTE;
  return {
    kind: "rate_limited",
    retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)),
  };
}

export async function closePoll(deps: Deps, poll: Poll) {
  await setClosedAt(deps.db, poll.id, deps.clock.now().toISOString());
  deps.polls.cache.forgetPoll(poll.slug);
  deps.statusPages.forget(); // the status home lists open polls
  deps.polls.live.changed(poll.slug); // watchers get the final tally, then the stream ends
}

/** Reopening also lifts a closing time already past, or the poll would stay closed. */
export async function reopenPoll(deps: Deps, poll: Poll) {
  await clearClosed(deps.db, poll.id, deps.clock.now().toISOString());
  deps.polls.cache.forgetPoll(poll.slug);
  deps.statusPages.forget(); // the status home lists open polls
}

export const openPollsNow = (deps: Deps) => openPolls(deps.db, deps.clock.now().toISOString(), 10);

/** Votes per answer per hour, as CSV (RFC 4180): hour, option id, answer, votes. */
export async function votesPerHourCsv(deps: Deps, poll: Poll): Promise<string> {
  const [options, rows] = await Promise.all([
    optionsOf(deps.db, poll.id),
    votesPerHour(deps.db, poll.id),
  ]);
  const labelOf = new Map(options.map((o) => [o.id, o.label]));
  const cell = (v: string | number) => {
    const s = String(v);
    // Quote always; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return `"${safe.replace(/"/g, '""')}"`;
  };
  const lines = [["hour", "option_id", "answer", "votes"].map(cell).join(",")];
  for (const r of rows) {
    lines.push([r.hour, r.optionId, labelOf.get(r.optionId) ?? "", r.votes].map(cell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Cumulative votes per option at the end of each hour that saw votes, for the admin chart. */
export async function resultsOverTime(deps: Deps, poll: Poll) {
  const [options, rows] = await Promise.all([
    optionsOf(deps.db, poll.id),
    votesPerHour(deps.db, poll.id),
  ]);
  const hours = [...new Set(rows.map((r) => r.hour))];
  const running = new Map(options.map((o) => [o.id, 0]));
  const series = hours.map((hour) => {
    for (const r of rows.filter((row) => row.hour === hour)) {
      running.set(r.optionId, (running.get(r.optionId) ?? 0) + r.votes);
    }
    return { hour, counts: options.map((o) => running.get(o.id) ?? 0) };
  });
  return { options, series };
}
