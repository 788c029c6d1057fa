// The rules of polls: what a valid poll is, who may vote and when, and how results are counted.
import { z } from "zod";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { slugField } from "../incidents/service";
import { forgetPoll, remember } from "./cache";
import { largestRemainderPercents } from "./percent";
import {
  allPolls,
  clearClosed,
  countVotes,
  findPollById,
  findPollBySlug,
  incidentIdBySlug,
  incidentOfPoll,
  insertPoll,
  oldestVoteSince,
  openPolls,
  optionsOf,
  type Poll,
  type PollOption,
  setClosedAt,
  voterChoice,
  votesPerHour,
} from "./queries";
import { writeVote } from "./vote-writer";

export const RESULTS_VISIBILITY = ["after_vote", "always"] as const;
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
    results: z
      .enum(RESULTS_VISIBILITY, { error: "`after_vote` or `always`." })
      .default("after_vote"),
  })
  .superRefine((poll, ctx) => {
    const seen = new Set<string>();
    poll.options.forEach((o, i) => {
      const key = o.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["options", i],
          message: "This answer is listed twice.",
        });
      }
      seen.add(key);
    });
    if (poll.options_en && poll.options_en.length !== poll.options.length) {
      ctx.addIssue({
        code: "custom",
        path: ["options_en"],
        message: "Give one translation per answer, in the same order.",
      });
    }
  });
export type NewPoll = z.output<typeof newPollSchema>;

export type PollCreated = { poll: Poll; options: PollOption[] };

export async function createPoll(
  deps: Deps,
  input: NewPoll,
): Promise<{ ok: true; created: PollCreated } | { ok: false; errors: FieldError[] }> {
  let incidentId: number | null = null;
  if (input.incident_slug) {
    incidentId = (await incidentIdBySlug(deps.db, input.incident_slug)) ?? null;
    if (incidentId === null) {
      return {
        ok: false,
        errors: [{ field: "incident_slug", message: "No incident has this slug." }],
      };
    }
  }
  const created = await insertPoll(
    deps.db,
    {
      slug: input.slug,
      question: input.question,
      questionEn: input.question_en,
      resultsVisibility: input.results,
      closesAt: input.closes_at,
      incidentId,
      createdAt: deps.clock.now().toISOString(),
    },
    input.options.map((label, i) => ({ label, labelEn: input.options_en?.[i] ?? null })),
  );
  if (!created)
    return { ok: false, errors: [{ field: "slug", message: "This slug is already used." }] };
  forgetPoll(deps, input.slug); // a remembered "no such poll"
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
  results: poll.resultsVisibility,
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
  remember(deps, `poll:${slug}`, async () => {
    const poll = await findPollBySlug(deps.db, slug);
    const options = poll ? await optionsOf(deps.db, poll.id) : [];
    return { value: poll ? { poll, options } : undefined, until: poll?.closesAt };
  });

export type Results = {
  total: number;
  options: { id: number; label: string; labelEn: string | null; votes: number; percent: number }[];
};

export async function resultsOf(deps: Deps, poll: Poll, options?: PollOption[]): Promise<Results> {
  const [opts, counts] = await Promise.all([
    options ?? optionsOf(deps.db, poll.id),
    countVotes(deps.db, poll.id),
  ]);
  const votes = opts.map((o) => counts.find((c) => c.optionId === o.id)?.votes ?? 0);
  const percents = largestRemainderPercents(votes);
  return {
    total: votes.reduce((sum, n) => sum + n, 0),
    options: opts.map((o, i) => ({
      id: o.id,
      label: o.label,
      labelEn: o.labelEn,
      votes: votes[i] ?? 0,
      percent: percents[i] ?? 0,
    })),
  };
}

/** The public JSON shape of results (part of the HTTP contract). */
export const resultsJson = (results: Results) => ({
  total: results.total,
  options: results.options.map(({ id, label, votes, percent }) => ({ id, label, votes, percent })),
});

export type PollState = {
  poll: Poll;
  options: PollOption[];
  closed: boolean;
  /** The option this voter chose, if they voted. */
  choice: number | undefined;
  /** Present when the visitor may see them: after voting, when closed, or always (setting). */
  results: Results | undefined;
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
  const [choice, incident] = await Promise.all([
    voter ? voterChoice(deps.db, poll.id, voter) : undefined,
    poll.incidentId ? incidentOfPoll(deps.db, poll.incidentId) : undefined,
  ]);
  const closed = isClosed(poll, deps.clock.now());
  const show = choice !== undefined || closed || poll.resultsVisibility === "always";
  const results = show ? await resultsOf(deps, poll, options) : undefined;
  return { poll, options, closed, choice, results, incident };
}

export const pollById = (deps: Deps, id: number) => findPollById(deps.db, id);
export const listPolls = (deps: Deps) => allPolls(deps.db);

export type VoteOutcome =
  | { kind: "recorded"; optionId: number }
  | { kind: "already"; optionId: number }
  | { kind: "closed" }
  | { kind: "invalid_option" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "not_found" };

const MINUTE = 60_000;

/**
 * Casts one vote. A voter votes once per poll: a repeat (double click, retry, second tab)
 * changes nothing and reports the recorded choice. One address hash may cast at most
 * `voteLimitPerIpPerMinute` votes in any minute, whatever the cookies say.
 */
export async function castVote(
  deps: Deps,
  input: { slug: string; option: string | undefined; voter: string; ipHash: string },
): Promise<VoteOutcome> {
  const definition = await pollDefinition(deps, input.slug);
  if (!definition) return { kind: "not_found" };
  const { poll, options } = definition;
  const now = deps.clock.now();
  if (isClosed(poll, now)) {
    const choice = await voterChoice(deps.db, poll.id, input.voter);
    return choice === undefined ? { kind: "closed" } : { kind: "already", optionId: choice };
  }
  const optionId = /^\d{1,15}$/.test(input.option ?? "") ? Number(input.option) : undefined;
  if (optionId === undefined || !options.some((o) => o.id === optionId)) {
    return { kind: "invalid_option" };
  }
  const windowStart = new Date(now.getTime() - MINUTE).toISOString();
  const recorded = await writeVote(
    deps,
    {
      pollId: poll.id,
      optionId,
      voter: input.voter,
      ipHash: input.ipHash,
      createdAt: now.toISOString(),
    },
    { windowStart, max: deps.config.voteLimitPerIpPerMinute },
  );
  if (recorded) {
    forgetPoll(deps, poll.slug, ["page"]); // pages showing the tally
    return { kind: "recorded", optionId };
  }
  // Nothing written: a concurrent request of the same voter won, the poll just closed, or the limit.
  const raced = await voterChoice(deps.db, poll.id, input.voter);
  if (raced !== undefined) return { kind: "already", optionId: raced };
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
  forgetPoll(deps, poll.slug);
}

/** Reopening also lifts a closing time already past, or the poll would stay closed. */
export async function reopenPoll(deps: Deps, poll: Poll) {
  await clearClosed(deps.db, poll.id, deps.clock.now().toISOString());
  forgetPoll(deps, poll.slug);
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
