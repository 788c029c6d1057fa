// Admin pages for polls: create, close and reopen, invite (invite-only polls), results over time,
// votes per hour as CSV.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { idParam } from "../http/params";
import { fieldErrors } from "../http/problem";
import { formatInstant } from "../incidents/format";
import type { Incident } from "../incidents/queries";
import { allIncidents } from "../incidents/service";
import { messages } from "../messages";
import { errorsByField, type FormErrors, SelectField, TextArea, TextField } from "../views/fields";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { readSort, type Sort, SortHeader, sortRows } from "../views/sort";
import { Time } from "../views/time";
import { invitePoll, pollInvitation } from "./invite";
import type { Poll } from "./queries";
import {
  closePoll,
  createPoll,
  isClosed,
  listPolls,
  newPollSchema,
  pollById,
  RESULTS_VISIBILITY,
  type Results,
  reopenPoll,
  resultsOf,
  resultsOverTime,
  votesPerHourCsv,
} from "./service";
import { ShareBlock } from "./share";
import { type ChartData, VotesChart } from "./votes-chart";

type Values = Record<string, string>;

const formValues = (form: Record<string, unknown>): Values =>
  Object.fromEntries(
    Object.entries(form).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

const lines = (value: string | undefined) =>
  (value ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A datetime-local value (`2000-01-20T19:00`, seconds optional) read as UTC; anything else as typed. */
const utcFromLocalInput = (value: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)
    ? `${value}:00Z`
    : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(value)
      ? `${value}Z`
      : value;

/** The form's fields in the API's shape. */
const fromForm = (v: Values) => ({
  slug: v.slug,
  question: v.question,
  question_en: v.question_en,
  options: lines(v.options),
  options_en: lines(v.options_en).length ? lines(v.options_en) : null,
  closes_at: v.closes_at ? utcFromLocalInput(v.closes_at) : null,
  incident_slug: v.incident_slug || null,
  results_visibility: v.results_visibility || undefined,
  max_choices: v.max_choices ? Number(v.max_choices) : undefined,
});

function NewPollForm(props: { values?: Values; errors?: FormErrors; incidents: Incident[] }) {
  const t = useAdminText().polls;
  const v = props.values ?? {};
  const e = props.errors;
  return (
    <form method="post" action="/admin/polls">
      <TextField name="question" label={t.question} value={v.question} errors={e} required />
      <TextField name="question_en" label={t.questionEn} value={v.question_en} errors={e} />
      <TextField name="slug" label={t.slug} value={v.slug} errors={e} hint={t.slugHint} required />
      <TextArea name="options" label={t.options} value={v.options} errors={e} rows={6} required />
      <TextArea name="options_en" label={t.optionsEn} value={v.options_en} errors={e} rows={6} />
      <div class="grid">
        <TextField
          name="closes_at"
          type="datetime-local"
          label={t.closesAt}
          value={v.closes_at}
          errors={e}
        />
        <SelectField
          name="results_visibility"
          label={t.showResults}
          value={v.results_visibility ?? "after_vote"}
          options={RESULTS_VISIBILITY.map((r) => ({
            value: r,
            label: t.visibility(r),
          }))}
          errors={e}
        />
        <TextField
          name="max_choices"
          type="number"
          label={t.maxChoices}
          value={v.max_choices ?? "1"}
          errors={e}
        />
        <SelectField
          name="incident_slug"
          label={t.incident}
          value={v.incident_slug ?? ""}
          options={[
            { value: "", label: t.noIncident },
            ...props.incidents.map((i) => ({ value: i.slug, label: i.title })),
          ]}
          errors={e}
        />
      </div>
      <button type="submit">{t.create}</button>
    </form>
  );
}

const POLL_SORTS = ["created", "state"] as const;
const POLL_ORDER: Sort<(typeof POLL_SORTS)[number]> = { key: "created", dir: "desc" };

function PollListPage(props: {
  email: string;
  polls: Poll[];
  now: Date;
  incidents: Incident[];
  values?: Values;
  errors?: FormErrors;
  sort?: Sort<(typeof POLL_SORTS)[number]>;
}) {
  const t = useAdminText().polls;
  const lang = useAdminLang();
  const sort = props.sort ?? POLL_ORDER;
  const polls = sortRows(props.polls, sort, {
    created: (p) => p.createdAt,
    state: (p) => (isClosed(p, props.now) ? "closed" : "open"),
  });
  const header = (label: string, column: string) => (
    <SortHeader label={label} column={column} current={sort} path="/admin/polls" params={{}} />
  );
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      {props.polls.length ? (
        <table>
          <thead>
            <tr>
              <th>{t.question}</th>
              {header(t.state, "state")}
              {header(t.created, "created")}
            </tr>
          </thead>
          <tbody>
            {polls.map((p) => (
              <tr>
                <td>
                  <a href={`/admin/polls/${p.id}`}>{p.question}</a>
                </td>
                <td>{t.stateName(isClosed(p, props.now))}</td>
                <td>
                  <Time at={p.createdAt} lang={lang} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t.noPoll}</p>
      )}
      <details open={props.errors !== undefined}>
        <summary>{t.newPoll}</summary>
        <NewPollForm values={props.values} errors={props.errors} incidents={props.incidents} />
      </details>
    </AdminLayout>
  );
}

type InvitationFacts = Awaited<ReturnType<typeof pollInvitation>>;

/**
 * An invite-only poll's invitations: the button that sends them (once), or the send they went
 * out with and the turnout.
 */
function InvitationBlock(props: {
  poll: Poll;
  closed: boolean;
  invitation: InvitationFacts;
  results: Results;
  error?: string;
}) {
  const t = useAdminText().polls;
  const { poll, invitation, results } = props;
  if (poll.audience !== "list") return null;
  return (
    <section aria-labelledby="invitation-title">
      <h2 id="invitation-title">{t.invitations}</h2>
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      {invitation ? (
        <p>
          {t.sentTo(invitation.total)}
          <a href={`/admin/sends/${invitation.id}`}>{t.sendLink(invitation.id)}</a>
          {t.turnout(
            results.total,
            invitation.total,
            invitation.total ? ` (${Math.round((results.total * 100) / invitation.total)}%)` : "",
          )}
        </p>
      ) : props.closed ? (
        <p>{t.notInvited}</p>
      ) : (
        <form method="post" action={`/admin/polls/${poll.id}/invite`}>
          <p>{t.inviteExplained}</p>
          <button type="submit">{t.sendInvitations}</button>
        </form>
      )}
    </section>
  );
}

/** Votes and share per answer; with several answers allowed, the total counts voters. */
function ResultsTable(props: { poll: Poll; results: Results }) {
  const t = useAdminText().polls;
  const { poll, results } = props;
  return (
    <table>
      <thead>
        <tr>
          <th>{t.answer}</th>
          <th>{t.votes}</th>
          <th>{t.percent}</th>
        </tr>
      </thead>
      <tbody>
        {results.options.map((o) => (
          <tr>
            <td>{o.label}</td>
            <td>{o.votes}</td>
            <td>{t.percentValue(o.percent)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th>{poll.maxChoices === 1 ? t.total : t.voters(poll.maxChoices)}</th>
          <th>{results.total}</th>
          <th>{results.total && poll.maxChoices === 1 ? t.percentValue(100) : "—"}</th>
        </tr>
      </tfoot>
    </table>
  );
}

function PollAdminPage(props: {
  email: string;
  poll: Poll;
  closed: boolean;
  results: Results;
  chart: ChartData;
  publicUrl: string;
  invitation: InvitationFacts;
  inviteError?: string;
}) {
  const t = useAdminText().polls;
  const lang = useAdminLang();
  const { poll, results } = props;
  return (
    <AdminLayout title={poll.question} email={props.email}>
      <hgroup>
        <h1>{poll.question}</h1>
        <p>
          {t.openState(props.closed)}
          {poll.closesAt ? t.closes(formatInstant(poll.closesAt, lang)) : ""}
          {t.resultsShown}
          {t.visibility(poll.resultsVisibility)} ·{" "}
          <a href={`/polls/${poll.slug}`}>{t.publicPage}</a>
        </p>
      </hgroup>
      <form
        method="post"
        action={`/admin/polls/${poll.id}/${props.closed ? "reopen" : "close"}`}
        class="inline"
      >
        <button type="submit" class={props.closed ? "" : "secondary"}>
          {props.closed ? t.reopen : t.close}
        </button>
      </form>
      <InvitationBlock
        poll={poll}
        closed={props.closed}
        invitation={props.invitation}
        results={results}
        error={props.inviteError}
      />
      <h2>{t.results}</h2>
      <ResultsTable poll={poll} results={results} />
      <h2>{t.overTime}</h2>
      <VotesChart {...props.chart} />
      {poll.audience === "public" ? (
        <ShareBlock publicUrl={props.publicUrl} slug={poll.slug} lang={lang} />
      ) : null}
      <p>
        <a href={`/admin/polls/${poll.id}/votes.csv`} download>
          {t.votesCsv}
        </a>
      </p>
    </AdminLayout>
  );
}

export const pollAdmin = new Hono<AppEnv>();

pollAdmin.get("/admin/polls", async (c) => {
  const deps = c.var.deps;
  const [polls, incidents] = await Promise.all([listPolls(deps), allIncidents(deps)]);
  return c.html(
    <PollListPage
      email={c.var.admin.email}
      polls={polls}
      incidents={incidents}
      now={deps.clock.now()}
      sort={readSort(c.req.query(), POLL_SORTS, POLL_ORDER)}
      // "Attach a poll" from an incident's page chooses that incident in the form.
      values={{ incident_slug: c.req.query("incident") ?? "" }}
    />,
  );
});

pollAdmin.post("/admin/polls", async (c) => {
  const deps = c.var.deps;
  const values = formValues(await c.req.parseBody());
  const parsed = newPollSchema.safeParse(fromForm(values));
  const result = parsed.success
    ? await createPoll(deps, parsed.data)
    : { ok: false as const, errors: fieldErrors(parsed.error) };
  if (!result.ok) {
    const [polls, incidents] = await Promise.all([listPolls(deps), allIncidents(deps)]);
    return c.html(
      <PollListPage
        email={c.var.admin.email}
        polls={polls}
        incidents={incidents}
        now={deps.clock.now()}
        values={values}
        errors={errorsByField(result.errors, c.var.adminLang)}
      />,
      422,
    );
  }
  return c.redirect(`/admin/polls/${result.created.poll.id}`, 303);
});

async function pollAdminPage(c: Context<AppEnv>, poll: Poll, inviteError?: string) {
  const deps = c.var.deps;
  const [results, chart, invitation] = await Promise.all([
    resultsOf(deps, poll),
    resultsOverTime(deps, poll),
    pollInvitation(deps, poll),
  ]);
  return c.html(
    <PollAdminPage
      email={c.var.admin.email}
      poll={poll}
      closed={isClosed(poll, deps.clock.now())}
      results={results}
      chart={chart}
      publicUrl={deps.config.publicUrl}
      invitation={invitation}
      inviteError={inviteError}
    />,
    inviteError ? 409 : 200,
  );
}

pollAdmin.get("/admin/polls/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const poll = id === undefined ? undefined : await pollById(c.var.deps, id);
  return poll ? pollAdminPage(c, poll) : c.notFound();
});

const INVITE_REFUSALS = {
  public: "pollPublic",
  closed: "pollClosed",
  no_list: "pollNoList",
  already_invited: "pollAlreadyInvited",
} as const;

pollAdmin.post("/admin/polls/:id/invite", async (c) => {
  const deps = c.var.deps;
  const id = idParam(c.req.param("id"));
  const poll = id === undefined ? undefined : await pollById(deps, id);
  if (!poll) return c.notFound();
  const result = await invitePoll(deps, c.var.admin.email, poll);
  if (!result.ok) {
    const refusal = { field: "poll", message: result.detail, code: INVITE_REFUSALS[result.reason] };
    return pollAdminPage(c, poll, errorText(c.var.adminLang, refusal));
  }
  if (result.sendId === null) {
    const excluded = Object.values(result.excluded).reduce((sum, n) => sum + n, 0);
    return pollAdminPage(c, poll, messages(c.var.adminLang).polls.nobodyToInvite(excluded));
  }
  deps.dispatcher?.wake();
  return c.redirect(`/admin/sends/${result.sendId}`, 303);
});

pollAdmin.post("/admin/polls/:id/:action{close|reopen}", async (c) => {
  const id = idParam(c.req.param("id"));
  const poll = id === undefined ? undefined : await pollById(c.var.deps, id);
  if (!poll) return c.notFound();
  await (c.req.param("action") === "close" ? closePoll : reopenPoll)(c.var.deps, poll);
  return c.redirect(`/admin/polls/${poll.id}`, 303);
});

pollAdmin.get("/admin/polls/:id/votes.csv", async (c) => {
  const id = idParam(c.req.param("id"));
  const poll = id === undefined ? undefined : await pollById(c.var.deps, id);
  if (!poll) return c.notFound();
  return c.body(await votesPerHourCsv(c.var.deps, poll), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="poll-${poll.slug}-votes-per-hour.csv"`,
  });
});
