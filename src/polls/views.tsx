// Public poll pages: the question and its radio form, or the voter's choice and live results.
import type { Dictionary, Lang } from "../i18n";
import { formatInstant, inLang } from "../incidents/format";
import { PublicLayout } from "../views/layout";
import type { Poll } from "./queries";
import type { PollState, Results } from "./service";

const text: Dictionary<{
  answer: string;
  vote: string;
  results: string;
  total: (n: number) => string;
  votes: (n: number) => string;
  percent: (n: number) => string;
  choice: string;
  recorded: string;
  already: string;
  closed: string;
  chooseAnswer: string;
  rateLimited: (seconds: number) => string;
  closesAt: string;
  closedOn: string;
  about: string;
  live: string;
  resultsAfterVote: string;
  openPolls: string;
}> = {
  fr: {
    answer: "Votre réponse",
    vote: "Voter",
    results: "Résultats",
    total: (n) => `${n} vote${n > 1 ? "s" : ""} au total`,
    votes: (n) => `${n} vote${n > 1 ? "s" : ""}`,
    percent: (n) => `${n} %`,
    choice: "Votre choix :",
    recorded: "Merci, votre vote est enregistré.",
    already: "Vous avez déjà voté : votre vote est inchangé.",
    closed: "Ce sondage est clos : les votes ne sont plus acceptés.",
    chooseAnswer: "Choisissez une des réponses proposées.",
    rateLimited: (s) =>
      `Trop de votes viennent de votre adresse en ce moment. Réessayez dans ${s} seconde${s > 1 ? "s" : ""}.`,
    closesAt: "Clôture :",
    closedOn: "Sondage clos.",
    about: "À propos de l'incident :",
    live: "Les résultats se mettent à jour tout seuls.",
    resultsAfterVote: "Les résultats s'affichent après votre vote.",
    openPolls: "Sondages ouverts",
  },
  en: {
    answer: "Your answer",
    vote: "Vote",
    results: "Results",
    total: (n) => `${n} vote${n === 1 ? "" : "s"} in total`,
    votes: (n) => `${n} vote${n === 1 ? "" : "s"}`,
    percent: (n) => `${n}%`,
    choice: "Your choice:",
    recorded: "Thank you, your vote is recorded.",
    already: "You already voted: your vote is unchanged.",
    closed: "This poll is closed: votes are no longer accepted.",
    chooseAnswer: "Choose one of the answers.",
    rateLimited: (s) =>
      `Too many votes are coming from your address right now. Try again in ${s} second${s === 1 ? "" : "s"}.`,
    closesAt: "Closes:",
    closedOn: "This poll is closed.",
    about: "About the incident:",
    live: "Results update by themselves.",
    resultsAfterVote: "Results are shown once you have voted.",
    openPolls: "Open polls",
  },
};

/** What the last vote attempt said, shown at the top of the poll box. */
export type VoteMessage =
  | { kind: "recorded" | "already" | "closed" | "invalid_option" }
  | { kind: "rate_limited"; retryAfterSeconds: number };

const POLL_INTERVAL = "every 3s";

/**
 * The results, as text first (answer, percent, votes) with a decorative bar. While the poll is
 * open the block polls itself (the ETag makes an unchanged answer a 304); `poll-live.js` pauses
 * that while the tab is hidden.
 */
export function LiveResults(props: {
  slug: string;
  results: Results;
  lang: Lang;
  closed: boolean;
}) {
  const t = text[props.lang];
  const live = props.closed
    ? {}
    : {
        "hx-get": `/polls/${props.slug}/results?lang=${props.lang}`,
        "hx-trigger": `${POLL_INTERVAL}, poll:refresh`,
        "hx-swap": "outerHTML",
        "data-live": "",
      };
  return (
    <section id="poll-results" class="poll-results" aria-labelledby="poll-results-title" {...live}>
      <h2 id="poll-results-title">{t.results}</h2>
      <ul class="tally">
        {props.results.options.map((o) => (
          <li data-option={o.id}>
            <span class="tally-label">{inLang(props.lang, o.label, o.labelEn)}</span>{" "}
            <span class="tally-figures">
              <strong>{t.percent(o.percent)}</strong> · {t.votes(o.votes)}
            </span>
            <progress max={100} value={o.percent} aria-hidden="true" />
          </li>
        ))}
      </ul>
      <p class="tally-total">{t.total(props.results.total)}</p>
      {props.closed ? null : <p class="muted">{t.live}</p>}
    </section>
  );
}

function messageText(lang: Lang, message: VoteMessage): string {
  const t = text[lang];
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
  }
}

/** The part of the page a vote changes: swapped whole by htmx, or rendered in the full page. */
export function PollBox(props: { state: PollState; lang: Lang; message?: VoteMessage }) {
  const { poll, options, closed, choice, results } = props.state;
  const t = text[props.lang];
  const chosen = options.find((o) => o.id === choice);
  const message = props.message;
  const isError =
    message !== undefined && message.kind !== "recorded" && message.kind !== "already";
  const fieldError = message?.kind === "invalid_option";
  return (
    <div id="poll-box" class="poll-box">
      {message && !fieldError ? (
        <p class={`notice${isError ? " error" : ""}`} role={isError ? "alert" : "status"}>
          {messageText(props.lang, message)}
        </p>
      ) : null}
      {chosen ? (
        <p class="poll-choice">
          {t.choice} <strong>{inLang(props.lang, chosen.label, chosen.labelEn)}</strong>
        </p>
      ) : null}
      {closed && !chosen && message?.kind !== "closed" ? <p>{t.closedOn}</p> : null}
      {!chosen && !closed ? (
        <form
          method="post"
          action={`/polls/${poll.slug}/vote`}
          hx-post={`/polls/${poll.slug}/vote`}
          hx-target="#poll-box"
          hx-swap="outerHTML"
          hx-disable="find button"
        >
          <fieldset aria-describedby={fieldError ? "option-error" : undefined}>
            <legend>{t.answer}</legend>
            {options.map((o) => (
              <label>
                <input type="radio" name="option" value={String(o.id)} required />{" "}
                {inLang(props.lang, o.label, o.labelEn)}
              </label>
            ))}
          </fieldset>
          {fieldError ? (
            <small class="field-error" id="option-error" role="alert">
              {t.chooseAnswer}
            </small>
          ) : null}
          <button type="submit">{t.vote}</button>
        </form>
      ) : null}
      {results ? (
        <LiveResults slug={poll.slug} results={results} lang={props.lang} closed={closed} />
      ) : (
        <p class="muted">{t.resultsAfterVote}</p>
      )}
    </div>
  );
}

export function PollPage(props: {
  state: PollState;
  lang: Lang;
  path: string;
  message?: VoteMessage;
}) {
  const { poll, incident, closed } = props.state;
  const t = text[props.lang];
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
        <PollBox state={props.state} lang={props.lang} message={props.message} />
      </article>
      <script src="/poll-live.js" defer />
    </PublicLayout>
  );
}

export function PollsSection(props: { polls: Poll[]; lang: Lang }) {
  const t = text[props.lang];
  if (!props.polls.length) return null;
  return (
    <section aria-labelledby="polls-title">
      <h2 id="polls-title">{t.openPolls}</h2>
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
