import type { Child } from "hono/jsx";
import { LOCALES } from "../i18n";
import { formatDuration, formatInstant } from "../time";
import { AdminLayout, StopAllSendingButton } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { type Sort, SortHeader } from "../views/sort";
import { Time, timeSettings } from "../views/time";
import type { Failure } from "./failures";
import type { SendingState } from "./kill-switch";
import type { ProgressRate } from "./progress-rate";
import type { CanaryFigures } from "./queries";

export function PausedNotice(props: { state: SendingState }) {
  const t = useAdminText().sendingBar;
  return (
    <p class="paused-banner" role="status">
      <strong>{t.paused}</strong>
      {props.state.since ? (
        <>
          {" "}
          {t.since} <Time at={props.state.since} relative />
        </>
      ) : null}
      {props.state.by ? (
        <>
          {" "}
          {t.by} {props.state.by}
        </>
      ) : null}
      {props.state.reason ? (
        <>
          {t.colon}
          {props.state.reason}
        </>
      ) : null}
      . {t.nothingSent}
      <DeclareFromPause reason={props.state.reason} />
    </p>
  );
}

/** The breaker names the send it stopped: an incident may be declared from its facts. */
function DeclareFromPause(props: { reason: string | null }) {
  const sendId = /\(send #(\d+)\)/.exec(props.reason ?? "")?.[1];
  if (!sendId) return null;
  return (
    <>
      {" "}
      <a href={`/admin/sends/${sendId}/declare`}>{useAdminText().sendingBar.declare}</a>
    </>
  );
}

/** Resuming sends to everyone queued, so it asks for a tick first (works without JavaScript). */
export function ResumeButton() {
  const t = useAdminText().sendingBar;
  return (
    <form method="post" action="/admin/sending/resume" class="resume-form" id="resume">
      <label>
        <input type="checkbox" name="confirm" value="yes" required />
        {t.resumeConfirm}
      </label>
      <button type="submit" class="secondary">
        {t.resume}
      </button>
    </form>
  );
}

/** The content of the bar in every admin header (refreshed by htmx): the details live on the Sends page. */
export function SendingBarContent(props: { state: SendingState }) {
  const t = useAdminText().sendingBar;
  if (!props.state.paused) return <StopAllSendingButton />;
  const why = [props.state.by ? `${t.by} ${props.state.by}` : "", props.state.reason ?? ""]
    .filter(Boolean)
    .join(t.colon);
  return (
    <a class="paused-chip" href="/admin/sending#resume" title={why}>
      {t.paused}
    </a>
  );
}

export function SendingPage(props: {
  email: string;
  state: SendingState;
  error?: string;
  rates: { bounceRate: number; complaintRate: number; outcomes: number };
  sends?: Child;
}) {
  const t = useAdminText().sending;
  const n = useCount();
  const pct = usePercent();
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      {props.state.paused ? <PausedNotice state={props.state} /> : <p>{t.running}</p>}
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.state.paused ? (
        <ResumeButton />
      ) : (
        <form method="post" action="/admin/sending/pause">
          <label>
            {t.pauseReason}
            <input name="reason" maxlength={500} required value={t.pauseReasonDefault} />
          </label>
          <button type="submit" class="stop-all">
            {t.stopAll}
          </button>
        </form>
      )}
      <h2>{t.recentOutcomes}</h2>
      <p>
        {t.outcomesLine(
          n(props.rates.outcomes),
          pct(props.rates.bounceRate),
          pct(props.rates.complaintRate),
        )}
      </p>
      {props.sends}
    </AdminLayout>
  );
}

/** Counts as the admin's language writes them: "3,800" or "3 800". */
function useCount(): (n: number) => string {
  const locale = LOCALES[useAdminLang()];
  return (n) => n.toLocaleString(locale);
}

/** Rates as "0.50%" or "0,50 %". */
function usePercent(): (rate: number) => string {
  const lang = useAdminLang();
  const format = new Intl.NumberFormat(LOCALES[lang], {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return (rate) => format.format(rate);
}

/** "3,800 contacts: 3,412 will be invited; excluded: 201 suppressed, 187 invited". */
export function EligibilitySummary(props: {
  recipients: number;
  excluded: Record<string, number>;
  verb: string;
}) {
  const t = useAdminText().sending;
  const n = useCount();
  const excluded = Object.entries(props.excluded).filter(([, count]) => count > 0);
  const total = props.recipients + excluded.reduce((sum, [, count]) => sum + count, 0);
  return (
    <p id="eligibility">
      {t.contactsCount(n(total))}
      <strong>{n(props.recipients)}</strong> {props.verb}
      {excluded.length ? (
        <>
          {t.excludedIntro}
          {excluded.map(([reason, count]) => `${n(count)} ${t.excludedReason(reason)}`).join(", ")}
        </>
      ) : null}
      .
    </p>
  );
}

export type ProgressView = {
  id: number;
  kind: string;
  status: string;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  suppressed: number;
  rate: ProgressRate;
  /** Why it stopped: a rejection's reason, `cancelled`, or the canary's verdict. */
  stopReason: string | null;
  stoppedBy: string | null;
  sendAt: string | null;
  canaryHoldUntil: string | null;
  /** Seconds left in the canary's hold, while it holds. */
  holdSecondsLeft: number | null;
  /** The canary's own figures, once it has any. */
  canary: CanaryFigures | null;
};

/** Statuses after which nothing of the send moves any more. */
const FINISHED = ["done", "cancelled", "rejected"];

/** The canary: its size, where it stands (hold and countdown), and what it gave. */
function CanaryBlock(props: { p: ProgressView }) {
  const t = useAdminText().sending;
  const lang = useAdminLang();
  const n = useCount();
  const { p } = props;
  if (!p.canary) return null;
  const c = p.canary;
  return (
    <section id="canary">
      <h2>{t.canary}</h2>
      <p>{t.canaryFigures(n(c.size), n(c.called), n(c.bounced), n(c.complained))}</p>
      {p.status === "canary_hold" && p.canaryHoldUntil ? (
        <p class="notice" role="status">
          {t.holdingUntil}{" "}
          <time data-canary-hold-until={p.canaryHoldUntil} datetime={p.canaryHoldUntil}>
            {formatInstant(p.canaryHoldUntil, lang, timeSettings().zone)}
          </time>{" "}
          {t.holdLeft(Math.max(0, Math.ceil((p.holdSecondsLeft ?? 0) / 60)))}
        </p>
      ) : null}
    </section>
  );
}

/** Rate and time left, or why there is none yet; nothing at all once the send is finished. */
function RateFigures(props: { rate: ProgressRate }) {
  const t = useAdminText().sending;
  const locale = LOCALES[useAdminLang()];
  const r = props.rate;
  if (r.kind === "finished") return null;
  const [rate, left] =
    r.kind === "measuring"
      ? [t.measuring, t.measuring]
      : r.kind === "paused"
        ? [t.paused, "—"]
        : [
            t.perSecond(
              r.perSecond.toLocaleString(locale, {
                minimumFractionDigits: 1,
                maximumFractionDigits: 1,
              }),
            ),
            r.etaSeconds === null ? "—" : t.about(formatDuration(r.etaSeconds)),
          ];
  return (
    <>
      <dt>{t.rate}</dt>
      <dd>{rate}</dd>
      <dt>{t.timeLeft}</dt>
      <dd>{left}</dd>
    </>
  );
}

/** The live progress block, re-fetched by htmx every 2 s until the send is finished. */
export function ProgressFragment(props: { p: ProgressView }) {
  const t = useAdminText().sending;
  const p = props.p;
  const finished = FINISHED.includes(p.status);
  const poll = finished
    ? {}
    : {
        "hx-get": `/admin/sends/${p.id}/progress`,
        "hx-trigger": "every 2s",
        "hx-swap": "outerHTML",
      };
  return (
    <section id="progress" {...poll}>
      <p>
        {t.status}
        <strong data-status={p.status}>{t.statusName(p.status)}</strong>
        {p.sendAt && (p.status === "scheduled" || p.status === "awaiting_approval") ? (
          <>
            {" "}
            — {t.scheduledFor} <Time at={p.sendAt} lang={useAdminLang()} />
          </>
        ) : null}
      </p>
      {p.stopReason ? (
        <p class="notice error" id="stop-reason">
          {t.stopped(p.status)}
          {p.stoppedBy && p.stoppedBy !== "system" ? t.stoppedBy(p.stoppedBy) : ""}: {p.stopReason}
        </p>
      ) : null}
      {p.kind === "reconsent" && p.status === "cancelled" ? (
        <p class="notice" id="withdrawn">
          {useAdminText().uninvite.withdrawnNotice}
        </p>
      ) : null}
      <ProgressCounts p={p} />
    </section>
  );
}

/** The counts of a send, the bar, and the sum that must add up. */
function ProgressCounts(props: { p: ProgressView }) {
  const t = useAdminText().sending;
  const n = useCount();
  const p = props.p;
  const done = p.sent + p.failed + p.suppressed;
  // A stopped send's queued messages will never leave: they are said so, not "queued".
  const stopped = p.status === "cancelled" || p.status === "rejected";
  const never = useAdminText().stoppedSend;
  const reconciliation = stopped ? never.reconciliation : t.reconciliation;
  return (
    <>
      {p.status === "preparing" ? (
        <p class="notice" role="status" id="preparing">
          {t.preparing(n(p.queued), n(p.total))}
        </p>
      ) : null}
      <CanaryBlock p={p} />
      <progress value={done} max={Math.max(1, p.total)} aria-label={t.progress} />
      {/* Always shown, so that a message unaccounted for is seen. */}
      <p class="reconciliation">
        {reconciliation(n(p.total), n(p.sent), n(p.failed), n(p.suppressed), n(p.queued))}
        {/* While preparing, the total is the count made at the start: the rest is still to come. */}
        {p.status === "preparing" ? (
          t.stillToEnqueue(n(Math.max(0, p.total - done - p.queued)))
        ) : p.total === done + p.queued ? null : (
          <strong>{t.unaccounted(n(p.total - done - p.queued))}</strong>
        )}
      </p>
      <dl class="counters">
        <dt>{t.total}</dt>
        <dd>{n(p.total)}</dd>
        <dt>{stopped ? never.neverSent : t.queued}</dt>
        <dd>{n(p.queued)}</dd>
        <dt>{t.sent}</dt>
        <dd>{n(p.sent)}</dd>
        <dt>{t.failed}</dt>
        <dd>{n(p.failed)}</dd>
        <dt>{t.suppressed}</dt>
        <dd>{n(p.suppressed)}</dd>
        <RateFigures rate={p.rate} />
      </dl>
    </>
  );
}

export function SendPage(props: {
  email: string;
  p: ProgressView;
  subject: string;
  listName: string;
  createdBy: string;
  createdAt: string;
  excluded: Record<string, number>;
  failures: Failure[];
  notice?: string;
  /** While the send awaits approval: what the approver must see. */
  approval?: { firstLines: string; mayApprove: boolean; createdBy: string };
}) {
  const t = useAdminText().sending;
  return (
    <AdminLayout title={t.sendTitle(props.p.id)} email={props.email}>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h1>
        {t.kindTitle(props.p.kind)} #{props.p.id}
      </h1>
      <p>
        {t.startedBy(props.listName, props.createdBy)}
        <Time at={props.createdAt} lang={useAdminLang()} />
        {t.subject(props.subject || t.defaultSubject)}
      </p>
      <EligibilitySummary
        recipients={props.p.total}
        excluded={props.excluded}
        verb={t.verbQueued}
      />
      <p>
        <a href={`/admin/sends/${props.p.id}/declare`} class="secondary">
          {t.declareIncident}
        </a>
      </p>
      {props.approval ? <ApprovalSection p={props.p} {...props.approval} /> : null}
      <ProgressFragment p={props.p} />
      {FINISHED.includes(props.p.status) ? null : (
        <form method="post" action={`/admin/sends/${props.p.id}/cancel`}>
          <button type="submit" class="danger">
            {t.cancelSend}
          </button>
        </form>
      )}
      <FailuresSection p={props.p} failures={props.failures} />
      <p>
        <a href={`/admin/deliverability/sends/${props.p.id}`}>{t.deliverabilityLink}</a>
      </p>
    </AdminLayout>
  );
}

/**
 * The two-person rule's page: who asked, the first lines of the message (the counts and
 * exclusions are the summary above), and the approve and reject forms for another sender.
 */
function ApprovalSection(props: {
  p: ProgressView;
  firstLines: string;
  mayApprove: boolean;
  createdBy: string;
}) {
  const t = useAdminText().sending;
  const n = useCount();
  return (
    <section id="approval">
      <h2>{t.awaitingApproval}</h2>
      <p>
        <strong>{props.createdBy}</strong>
        {t.askedToSend(n(props.p.total))}
      </p>
      <blockquote class="message-start">
        {props.firstLines.split("\n").map((line) => (
          <>
            {line}
            <br />
          </>
        ))}
      </blockquote>
      {props.mayApprove ? (
        <>
          <form method="post" action={`/admin/sends/${props.p.id}/approve`}>
            <button type="submit">{t.approve}</button>
          </form>
          <form method="post" action={`/admin/sends/${props.p.id}/reject`}>
            <label>
              {t.rejectWhy} <input name="reason" required maxlength={500} />
            </label>
            <button type="submit" class="danger">
              {t.reject}
            </button>
          </form>
        </>
      ) : (
        <p class="muted">{t.mayNotApprove}</p>
      )}
    </section>
  );
}

/** Who failed or was dropped, and why; the way to resend to the failed of a finished campaign. */
function FailuresSection(props: { p: ProgressView; failures: Failure[] }) {
  const t = useAdminText().sending;
  const lang = useAdminLang();
  const n = useCount();
  const { p, failures } = props;
  const finished = FINISHED.includes(p.status);
  return (
    <section id="failures">
      <h2>{t.failuresTitle}</h2>
      {failures.length === 0 ? (
        <p class="muted">{t.noFailures}</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>{t.contact}</th>
                <th>{t.outcome}</th>
                <th>{t.reason}</th>
                <th>{t.when}</th>
              </tr>
            </thead>
            <tbody>
              {failures.slice(0, 500).map((f) => (
                <tr>
                  <td>{f.contactId === null ? t.testAddress : `#${f.contactId}`}</td>
                  <td data-outcome={f.status}>{t.outcomeName(f.status)}</td>
                  <td>{f.reason}</td>
                  <td>
                    <Time at={f.at} lang={lang} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/admin/sends/${p.id}/failures.csv`} download>
              {t.downloadCsv(n(failures.length))}
            </a>
          </p>
        </>
      )}
      {p.kind === "campaign" && finished && p.failed > 0 ? (
        <form method="post" action={`/admin/sends/${p.id}/retry-failed`}>
          <button type="submit">{t.resendFailed(n(p.failed))}</button>
        </form>
      ) : null}
    </section>
  );
}

type SendRowData = {
  id: number;
  kind: string;
  status: string;
  total: number;
  createdAt: string;
  createdBy: string;
};

/** No send yet: where to start one. */
function NothingSent() {
  const t = useAdminText().sending;
  return (
    <p class="muted">
      {t.nothingSent} <a href="/admin/lists">{t.askConsent}</a>
      {t.orSendA}
      <a href="/admin/campaigns">{t.campaignLink}</a>.
    </p>
  );
}

function SendRow(props: { send: SendRowData; paused?: boolean }) {
  const t = useAdminText().sending;
  const lang = useAdminLang();
  const n = useCount();
  const s = props.send;
  const status =
    props.paused && (s.status === "queued" || s.status === "sending") ? "paused" : s.status;
  return (
    <tr>
      <td>
        <a href={`/admin/sends/${s.id}`}>#{s.id}</a>
      </td>
      <td>{t.kindName(s.kind)}</td>
      <td>{t.statusName(status)}</td>
      <td>{n(s.total)}</td>
      <td>
        <Time at={s.createdAt} lang={lang} />
        {t.by(s.createdBy)}
      </td>
    </tr>
  );
}

export function SendsTable(props: {
  rows: SendRowData[];
  /** While all sending is paused, unfinished sends read `paused`, as on their own page. */
  paused?: boolean;
  /** Where the table sorts (the sending page): its headers are then links. */
  sort?: Sort<string>;
}) {
  const t = useAdminText().sending;
  const header = (label: string, column: string) =>
    props.sort ? (
      <SortHeader
        label={label}
        column={column}
        current={props.sort}
        path="/admin/sending"
        params={{}}
      />
    ) : (
      <th>{label}</th>
    );
  if (props.rows.length === 0) return <NothingSent />;
  return (
    <table>
      <thead>
        <tr>
          <th>{t.colSend}</th>
          <th>{t.colKind}</th>
          {header(t.colStatus, "status")}
          {header(t.colRecipients, "recipients")}
          {header(t.colStarted, "date")}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((s) => (
          <SendRow send={s} paused={props.paused} />
        ))}
      </tbody>
    </table>
  );
}

export type FormErrors = Partial<Record<string, string>>;

export const FieldError = (props: { id: string; message?: string }) =>
  props.message ? (
    <small class="field-error" id={props.id}>
      {props.message}
    </small>
  ) : null;

export type ReconsentValues = {
  deadline: string;
  subject: string;
  reminder_days_before: string;
  confirm: string;
};

/**
 * The re-consent form: the numbers first, then the deadline, and the number to type to confirm
 * (a deliberate act: the 2000 list went out with one click).
 * `edit`: the deadline (proposed 30 days ahead), subject and reminder. `review`: what will happen,
 * in words, and the number to type; the values travel as hidden fields.
 */
export function ReconsentPage(props: {
  email: string;
  list: { id: number; name: string; purpose: string };
  recipients: number;
  excluded: Record<string, number>;
  values: ReconsentValues;
  errors: FormErrors;
  step: "edit" | "review";
  /** The deadline and the reminder in words, in the organisation's time zone (review step). */
  deadlineInWords?: string;
  reminderInWords?: string;
}) {
  const t = useAdminText().sending;
  return (
    <AdminLayout title={t.reconsentTitle} email={props.email}>
      <h1>{t.reconsentHeading(props.list.name)}</h1>
      <p>
        {t.reconsentIntroBefore}
        <code>legacy</code>
        {t.reconsentIntroAfter}
      </p>
      <blockquote>{props.list.purpose}</blockquote>
      <EligibilitySummary
        recipients={props.recipients}
        excluded={props.excluded}
        verb={t.verbInvited}
      />
      {props.recipients === 0 ? (
        <p class="notice">{t.nobodyToInvite}</p>
      ) : props.step === "review" ? (
        <ReconsentReview {...props} />
      ) : (
        <ReconsentFields {...props} />
      )}
    </AdminLayout>
  );
}

function ReconsentFields(props: {
  list: { id: number };
  values: ReconsentValues;
  errors: FormErrors;
}) {
  const t = useAdminText().sending;
  const e = props.errors;
  const aria = (field: string) =>
    e[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};
  return (
    <form method="post" action={`/admin/lists/${props.list.id}/reconsent`}>
      <label>
        {t.deadline}
        <input
          type="datetime-local"
          name="deadline"
          required
          value={props.values.deadline}
          {...aria("deadline")}
        />
      </label>
      <FieldError id="deadline-error" message={e.deadline} />
      <label>
        {t.subjectOptional}
        <input name="subject" maxlength={200} value={props.values.subject} {...aria("subject")} />
      </label>
      <FieldError id="subject-error" message={e.subject} />
      <label>
        {t.reminderDays}
        <input
          name="reminder_days_before"
          inputmode="numeric"
          value={props.values.reminder_days_before}
          {...aria("reminder_days_before")}
        />
      </label>
      <FieldError id="reminder_days_before-error" message={e.reminder_days_before} />
      <button type="submit">{t.review}</button>
    </form>
  );
}

function ConfirmField(props: { recipients: number; value: string; error?: string }) {
  const t = useAdminText().sending;
  return (
    <>
      <label>
        {t.typeToConfirm(props.recipients)}
        <input
          name="confirm"
          inputmode="numeric"
          autocomplete="off"
          required
          value={props.value}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "confirm-error" : undefined}
        />
      </label>
      <FieldError id="confirm-error" message={props.error} />
    </>
  );
}

function ReconsentReview(props: {
  list: { id: number };
  recipients: number;
  values: ReconsentValues;
  errors: FormErrors;
  deadlineInWords?: string;
  reminderInWords?: string;
}) {
  const t = useAdminText().sending;
  const n = useCount();
  const v = props.values;
  return (
    <form method="post" action={`/admin/lists/${props.list.id}/reconsent`}>
      <p class="notice" role="status">
        <strong>{t.willBeErased(n(props.recipients), props.deadlineInWords ?? "")}</strong>{" "}
        {props.reminderInWords ? t.reminderOn(props.reminderInWords) : t.noReminder}
      </p>
      <input type="hidden" name="deadline" value={v.deadline} />
      <input type="hidden" name="subject" value={v.subject} />
      <input type="hidden" name="reminder_days_before" value={v.reminder_days_before} />
      <ConfirmField recipients={props.recipients} value={v.confirm} error={props.errors.confirm} />
      <input type="hidden" name="expected" value={String(props.recipients)} />
      <button type="submit">{t.sendInvitations(n(props.recipients))}</button>{" "}
      <a href={`/admin/lists/${props.list.id}/reconsent`}>{t.changeDeadline}</a>
    </form>
  );
}
