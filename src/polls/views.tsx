// Public poll pages: the question and its radio form, or the voter's choice and live results.

import { POW_FIELD } from "../http/proof-of-work";
import type { Lang } from "../i18n";
import { formatInstant, inLang } from "../incidents/format";
import { messages } from "../messages";
import { PublicLayout } from "../views/layout";
import { HONEYPOT_FIELD, STARTED_FIELD } from "./bot-check";
import type { Poll } from "./queries";
import type { PollState, Results, VoteOutcome } from "./service";
import { ShareBlock } from "./share";

/** What the last vote attempt said, shown at the top of the poll box. */
export type VoteMessage = Exclude<VoteOutcome, { kind: "not_found" }>;

const POLL_INTERVAL = "every 3s";

/** One sentence with every answer's figures and the total: what the live region announces. */
export function resultsSummary(results: Results, lang: Lang, single: boolean): string {
  const t = messages(lang).pollsPublic;
  const total = single ? t.total(results.total) : t.voters(results.total);
  const turnout = turnoutText(results, lang);
  const each = results.options.map((o) =>
    t.bar(inLang(lang, o.label, o.labelEn), t.votes(o.votes), t.percent(o.percent)),
  );
  return [total, ...(turnout ? [turnout] : []), ...each].join(" ; ");
}

/** Votes out of invited, for an invite-only poll that was invited; undefined otherwise. */
function turnoutText(results: Results, lang: Lang): string | undefined {
  if (!results.invited) return undefined;
  const percent = Math.round((results.total * 100) / results.invited);
  return messages(lang).pollsPublic.turnout(results.total, results.invited, percent);
}

/**
 * The results, as text first (answer, percent, votes) with a bar labelled with the same figures.
 * While the poll is open the block refreshes itself: from the live stream where the server has one
 * (`data-events`), else by polling (the ETag makes an unchanged answer a 304); `poll-live.js`
 * pauses polling while the tab is hidden and copies `data-summary` into the page's polite live
 * region, so a screen reader hears the new totals.
 */
export function LiveResults(props: {
  slug: string;
  results: Results;
  lang: Lang;
  closed: boolean;
  single: boolean;
  /** False where the refresh could not read them (a voting link's page: no cookie says who). */
  live?: boolean;
}) {
  const t = messages(props.lang).pollsPublic;
  const live =
    props.closed || props.live === false
      ? {}
      : {
          "hx-get": `/polls/${props.slug}/results?lang=${props.lang}`,
          "hx-trigger": `${POLL_INTERVAL}, poll:refresh`,
          "hx-swap": "outerHTML",
          "data-live": "",
          "data-events": `/polls/${props.slug}/events?lang=${props.lang}`,
        };
  return (
    <section
      id="poll-results"
      class="poll-results"
      aria-labelledby="poll-results-title"
      data-summary={resultsSummary(props.results, props.lang, props.single)}
      {...live}
    >
      <h2 id="poll-results-title">{t.results}</h2>
      <ul class="tally">
        {props.results.options.map((o) => {
          const label = inLang(props.lang, o.label, o.labelEn);
          return (
            <li data-option={o.id}>
              <span class="tally-label">{label}</span>{" "}
              <span class="tally-figures">
                <strong>{t.percent(o.percent)}</strong> · {t.votes(o.votes)}
              </span>
              <progress
                max={100}
                value={o.percent}
                aria-label={t.bar(label, t.votes(o.votes), t.percent(o.percent))}
              />
            </li>
          );
        })}
      </ul>
      <p class="tally-total">
        {props.single ? t.total(props.results.total) : t.voters(props.results.total)}
      </p>
      {props.results.invited ? (
        <p class="tally-turnout">{turnoutText(props.results, props.lang)}</p>
      ) : null}
      {props.closed || props.live === false ? null : <p class="muted">{t.live}</p>}
    </section>
  );
}

/** Where new totals are announced; outside the swapped results so the region itself stays. */
export const LiveAnnouncer = () => (
  <p id="poll-announce" class="visually-hidden" role="status" aria-live="polite" />
);

function messageText(lang: Lang, message: VoteMessage): string {
  const t = messages(lang).pollsPublic;
  switch (message.kind) {
    case "recorded":
      return t.recorded;
    case "already":
      return t.already;
    case "closed":
      return t.closed;
    case "invalid_option":
      return t.chooseAnswer;
    case "rate_limited":
      return t.rateLimited(message.retryAfterSeconds);
    case "too_many":
      return t.tooMany(message.max);
    case "not_human":
      return t.notHuman;
    case "no_proof":
      return t.noProof;
    case "invite_only":
      return t.inviteOnly;
  }
}

/** The vote form: radio buttons for one answer, checkboxes for several, and the bot checks. */
function VoteForm(props: {
  state: PollState;
  lang: Lang;
  fieldError: VoteMessage | undefined;
  invitation: Invitation | undefined;
}) {
  const { poll, options, formStarted, powBits } = props.state;
  const t = messages(props.lang).pollsPublic;
  const single = poll.maxChoices === 1;
  const error = props.fieldError;
  const action = props.invitation?.action ?? `/polls/${poll.slug}/vote`;
  // The voting link is its own proof: only the public form asks for work (public/pow.js).
  const pow =
    powBits && !props.invitation
      ? { "data-pow-bits": String(powBits), "data-pow-url": `/polls/${poll.slug}/challenge` }
      : {};
  return (
    <form
      {...pow}
      method="post"
      action={action}
      hx-post={action}
      hx-target="#poll-box"
      hx-swap="outerHTML"
      hx-disable="find button"
    >
      <fieldset aria-describedby={error ? "option-error" : single ? undefined : "option-hint"}>
        <legend>{t.answer}</legend>
        {single ? null : <small id="option-hint">{t.chooseUpTo(poll.maxChoices)}</small>}
        {options.map((o) => (
          <label>
            <input
              type={single ? "radio" : "checkbox"}
              name="option"
              value={String(o.id)}
              required={single}
            />{" "}
            {inLang(props.lang, o.label, o.labelEn)}
          </label>
        ))}
      </fieldset>
      {error ? (
        <small class="field-error" id="option-error" role="alert">
          {messageText(props.lang, error)}
        </small>
      ) : null}
      {props.invitation ? null : (
        <>
          <div class="poll-hp" aria-hidden="true">
            <label>
              {t.honeypot} <input name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" />
            </label>
          </div>
          <input type="hidden" name={STARTED_FIELD} value={formStarted} />
          {powBits ? <input type="hidden" name={POW_FIELD} value="" /> : null}
        </>
      )}
      <button type="submit">{t.vote}</button>
    </form>
  );
}

const isFieldError = (m: VoteMessage | undefined) =>
  m?.kind === "invalid_option" || m?.kind === "too_many";

/** A page opened from an invite-only poll's voting link: its form posts back to the link. */
export type Invitation = { action: string };

/** The part of the page a vote changes: swapped whole by htmx, or rendered in the full page. */
export function PollBox(props: {
  state: PollState;
  lang: Lang;
  message?: VoteMessage;
  invitation?: Invitation;
}) {
  const { poll, options, closed, choices, results } = props.state;
  const t = messages(props.lang).pollsPublic;
  const chosen = options.filter((o) => choices.includes(o.id));
  const message = props.message;
  const isError =
    message !== undefined && message.kind !== "recorded" && message.kind !== "already";
  const fieldError = isFieldError(message) ? message : undefined;
  const invited = props.invitation !== undefined;
  const canVote = !chosen.length && !closed && (poll.audience === "public" || invited);
  return (
    <div id="poll-box" class="poll-box">
      {message && !fieldError ? (
        <p class={`notice${isError ? " error" : ""}`} role={isError ? "alert" : "status"}>
          {messageText(props.lang, message)}
        </p>
      ) : null}
      {chosen.length ? (
        <p class="poll-choice">
          {t.choice}{" "}
          <strong>{chosen.map((o) => inLang(props.lang, o.label, o.labelEn)).join(", ")}</strong>
        </p>
      ) : null}
      {closed && !chosen.length && message?.kind !== "closed" ? <p>{t.closedOn}</p> : null}
      {!closed && poll.audience === "list" && !invited && message?.kind !== "invite_only" ? (
        <p>{t.inviteOnly}</p>
      ) : null}
      {canVote ? (
        <VoteForm
          state={props.state}
          lang={props.lang}
          fieldError={fieldError}
          invitation={props.invitation}
        />
      ) : null}
      {results ? (
        <LiveResults
          slug={poll.slug}
          results={results}
          lang={props.lang}
          closed={closed}
          single={poll.maxChoices === 1}
          live={!invited}
        />
      ) : (
        <p class="muted">
          {poll.resultsVisibility === "after_close" ? t.resultsAfterClose : t.resultsAfterVote}
        </p>
      )}
      <LiveAnnouncer />
    </div>
  );
}

export function PollPage(props: {
  state: PollState;
  lang: Lang;
  path: string;
  message?: VoteMessage;
  invitation?: Invitation;
}) {
  const { poll, incident, closed } = props.state;
  const t = messages(props.lang).pollsPublic;
  const question = inLang(props.lang, poll.question, poll.questionEn);
  return (
    <PublicLayout title={question} lang={props.lang} path={props.path}>
      <article class="poll">
        <header>
          <h1>{question}</h1>
          {incident ? (
            <p>
              {t.about}{" "}
              <a href={`/incidents/${incident.slug}`}>
                {inLang(props.lang, incident.title, incident.titleEn)}
              </a>
            </p>
          ) : null}
          {poll.closesAt && !closed ? (
            <p class="muted">
              {t.closesAt}{" "}
              <time datetime={poll.closesAt}>{formatInstant(poll.closesAt, props.lang)}</time>
            </p>
          ) : null}
        </header>
        <PollBox
          state={props.state}
          lang={props.lang}
          message={props.message}
          invitation={props.invitation}
        />
      </article>
      {poll.audience === "public" ? (
        <ShareBlock publicUrl={props.state.publicUrl} slug={poll.slug} lang={props.lang} />
      ) : null}
      <script src="/poll-live.js" defer />
      {props.state.powBits && poll.audience === "public" ? <script src="/pow.js" defer /> : null}
    </PublicLayout>
  );
}

/** Links to polls, under "Open polls" (the status home) or the caller's own title. */
export function PollsSection(props: {
  polls: Pick<Poll, "slug" | "question" | "questionEn">[];
  lang: Lang;
  title?: string;
}) {
  const t = messages(props.lang).pollsPublic;
  if (!props.polls.length) return null;
  return (
    <section aria-labelledby="polls-title">
      <h2 id="polls-title">{props.title ?? t.openPolls}</h2>
      <ul>
        {props.polls.map((p) => (
          <li>
            <a href={`/polls/${p.slug}`}>{inLang(props.lang, p.question, p.questionEn)}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
