import type { Child } from "hono/jsx";
import { formatDuration } from "../time";
import { AdminLayout, StopAllSendingButton } from "../views/layout";
import { useAdminText } from "../views/org";
import { Time } from "../views/time";
import type { CampaignState } from "./campaigns";
import type { Failure } from "./failures";
import type { SendingState } from "./kill-switch";
import type { ProgressRate } from "./progress-rate";
import type { CanaryFigures } from "./queries";

const SEND_TITLES = {
  reconsent: "Re-consent invitation",
  campaign: "Campaign",
  subscribe: "Subscription confirmation",
  reminder: "Re-consent reminder",
  test: "Test of a campaign",
  incident: "Incident notice",
};

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
  const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
  return (
    <AdminLayout title="Sending" email={props.email}>
      <h1>Sending</h1>
      {props.state.paused ? <PausedNotice state={props.state} /> : <p>Sending is running.</p>}
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
            Reason (shown to the other admins)
            <input name="reason" maxlength={500} required value="Stopped with the admin button" />
          </label>
          <button type="submit" class="stop-all">
            Stop all sending
          </button>
        </form>
      )}
      <h2>Recent outcomes</h2>
      <p>
        Over the last {props.rates.outcomes} outcomes: hard bounces {pct(props.rates.bounceRate)},
        complaints {pct(props.rates.complaintRate)}.
      </p>
      {props.sends}
    </AdminLayout>
  );
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** "3,800 contacts: 3,412 will be invited; excluded: 201 suppressed, 187 invited". */
export function EligibilitySummary(props: {
  recipients: number;
  excluded: Record<string, number>;
  verb: string;
}) {
  const excluded = Object.entries(props.excluded).filter(([, n]) => n > 0);
  const total = props.recipients + excluded.reduce((sum, [, n]) => sum + n, 0);
  return (
    <p id="eligibility">
      {fmt(total)} contacts: <strong>{fmt(props.recipients)}</strong> {props.verb}
      {excluded.length ? (
        <>; excluded: {excluded.map(([reason, n]) => `${fmt(n)} ${reason}`).join(", ")}</>
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
  const { p } = props;
  if (!p.canary) return null;
  const c = p.canary;
  return (
    <section id="canary">
      <h2>Canary</h2>
      <p>
        First to {fmt(c.size)} recipients chosen at random: {fmt(c.called)} sent, {fmt(c.bounced)}{" "}
        hard bounces, {fmt(c.complained)} complaints.
      </p>
      {p.status === "canary_hold" && p.canaryHoldUntil ? (
        <p class="notice" role="status">
          Holding until{" "}
          <time data-canary-hold-until={p.canaryHoldUntil} datetime={p.canaryHoldUntil}>
            {p.canaryHoldUntil}
          </time>{" "}
          (about {Math.max(0, Math.ceil((p.holdSecondsLeft ?? 0) / 60))} min left): the rest goes
          then if the canary's bounces and complaints stay under the breaker's thresholds.
        </p>
      ) : null}
    </section>
  );
}

/** Rate and time left, or why there is none yet; nothing at all once the send is finished. */
function RateFigures(props: { rate: ProgressRate }) {
  const r = props.rate;
  if (r.kind === "finished") return null;
  const [rate, left] =
    r.kind === "measuring"
      ? ["measuring…", "measuring…"]
      : r.kind === "paused"
        ? ["paused", "—"]
        : [
            `${r.perSecond.toFixed(1)} messages/s`,
            r.etaSeconds === null ? "—" : `about ${formatDuration(r.etaSeconds)}`,
          ];
  return (
    <>
      <dt>Rate</dt>
      <dd>{rate}</dd>
      <dt>Time left</dt>
      <dd>{left}</dd>
    </>
  );
}

/** The live progress block, re-fetched by htmx every 2 s until the send is finished. */
export function ProgressFragment(props: { p: ProgressView }) {
  const p = props.p;
  const done = p.sent + p.failed + p.suppressed;
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
        Status: <strong data-status={p.status}>{p.status.replace("_", " ")}</strong>
        {p.sendAt && (p.status === "scheduled" || p.status === "awaiting_approval") ? (
          <>
            {" "}
            — scheduled for <time datetime={p.sendAt}>{p.sendAt}</time>
          </>
        ) : null}
      </p>
      {p.stopReason ? (
        <p class="notice error" id="stop-reason">
          {p.status === "rejected" ? "Rejected" : p.status === "paused" ? "Paused" : "Stopped"}
          {p.stoppedBy && p.stoppedBy !== "system" ? ` by ${p.stoppedBy}` : ""}: {p.stopReason}
        </p>
      ) : null}
      {p.status === "preparing" ? (
        <p class="notice" role="status" id="preparing">
          Preparing: {fmt(p.queued)} of {fmt(p.total)} recipients enqueued. Nobody is sent anything
          until all are.
        </p>
      ) : null}
      <CanaryBlock p={p} />
      <progress value={done} max={Math.max(1, p.total)} aria-label="Progress" />
      {/* Always shown, so that a message unaccounted for is seen. */}
      <p class="reconciliation">
        Total {fmt(p.total)} = {fmt(p.sent)} sent + {fmt(p.failed)} failed + {fmt(p.suppressed)}{" "}
        suppressed + {fmt(p.queued)} queued
        {/* While preparing, the total is the count made at the start: the rest is still to come. */}
        {p.status === "preparing" ? (
          <> + {fmt(Math.max(0, p.total - done - p.queued))} still to enqueue</>
        ) : p.total === p.sent + p.failed + p.suppressed + p.queued ? null : (
          <strong> (does not add up: {fmt(p.total - done - p.queued)} unaccounted for)</strong>
        )}
      </p>
      <dl class="counters">
        <dt>Total</dt>
        <dd>{fmt(p.total)}</dd>
        <dt>Queued</dt>
        <dd>{fmt(p.queued)}</dd>
        <dt>Sent</dt>
        <dd>{fmt(p.sent)}</dd>
        <dt>Failed</dt>
        <dd>{fmt(p.failed)}</dd>
        <dt>Suppressed</dt>
        <dd>{fmt(p.suppressed)}</dd>
        <RateFigures rate={p.rate} />
      </dl>
    </section>
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
  return (
    <AdminLayout title={`Send #${props.p.id}`} email={props.email}>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h1>
        {SEND_TITLES[props.p.kind as keyof typeof SEND_TITLES] ?? "Send"} #{props.p.id}
      </h1>
      <p>
        To <strong>{props.listName}</strong>, started by {props.createdBy} at{" "}
        <Time at={props.createdAt} />. Subject: {props.subject || "(default)"}
      </p>
      <EligibilitySummary recipients={props.p.total} excluded={props.excluded} verb="queued" />
      <p>
        <a href={`/admin/sends/${props.p.id}/declare`} class="secondary">
          Declare an incident
        </a>
      </p>
      {props.approval ? <ApprovalSection p={props.p} {...props.approval} /> : null}
      <ProgressFragment p={props.p} />
      {FINISHED.includes(props.p.status) ? null : (
        <form method="post" action={`/admin/sends/${props.p.id}/cancel`}>
          <button type="submit" class="danger">
            Cancel this send
          </button>
        </form>
      )}
      <FailuresSection p={props.p} failures={props.failures} />
      <p>
        <a href={`/admin/deliverability/sends/${props.p.id}`}>
          Deliverability: delivered, bounced, complained
        </a>
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
  return (
    <section id="approval">
      <h2>Awaiting approval</h2>
      <p>
        <strong>{props.createdBy}</strong> asked to send this to {fmt(props.p.total)} recipients: a
        send this large needs a second admin who may send.
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
            <button type="submit">Approve and send</button>
          </form>
          <form method="post" action={`/admin/sends/${props.p.id}/reject`}>
            <label>
              Why reject it <input name="reason" required maxlength={500} />
            </label>
            <button type="submit" class="danger">
              Reject
            </button>
          </form>
        </>
      ) : (
        <p class="muted">
          You started this send (or your role may not send): another admin with the sender role must
          approve it.
        </p>
      )}
    </section>
  );
}

/** Who failed or was dropped, and why; the way to resend to the failed of a finished campaign. */
function FailuresSection(props: { p: ProgressView; failures: Failure[] }) {
  const { p, failures } = props;
  const finished = FINISHED.includes(p.status);
  return (
    <section id="failures">
      <h2>Failed and suppressed</h2>
      {failures.length === 0 ? (
        <p class="muted">No recipient failed or was suppressed.</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>Contact</th>
                <th>Outcome</th>
                <th>Reason</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {failures.slice(0, 500).map((f) => (
                <tr>
                  <td>{f.contactId === null ? "(test address)" : `#${f.contactId}`}</td>
                  <td>{f.status}</td>
                  <td>{f.reason}</td>
                  <td>
                    <Time at={f.at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/admin/sends/${p.id}/failures.csv`} download>
              Download all {fmt(failures.length)} as CSV
            </a>
          </p>
        </>
      )}
      {p.kind === "campaign" && finished && p.failed > 0 ? (
        <form method="post" action={`/admin/sends/${p.id}/retry-failed`}>
          <button type="submit">Resend to the {fmt(p.failed)} failed only</button>
        </form>
      ) : null}
    </section>
  );
}

export function SendsTable(props: {
  rows: {
    id: number;
    kind: string;
    status: string;
    total: number;
    createdAt: string;
    createdBy: string;
  }[];
  /** While all sending is paused, unfinished sends read `paused`, as on their own page. */
  paused?: boolean;
}) {
  if (props.rows.length === 0) {
    return (
      <p class="muted">
        Nothing has been sent yet. <a href="/admin/lists">Ask a list for consent</a> or send a{" "}
        <a href="/admin/campaigns">campaign</a>.
      </p>
    );
  }
  return (
    <table>
      <thead>
        <tr>
          <th>Send</th>
          <th>Kind</th>
          <th>Status</th>
          <th>Recipients</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((s) => (
          <tr>
            <td>
              <a href={`/admin/sends/${s.id}`}>#{s.id}</a>
            </td>
            <td>{s.kind}</td>
            <td>
              {props.paused && (s.status === "queued" || s.status === "sending")
                ? "paused"
                : s.status}
            </td>
            <td>{fmt(s.total)}</td>
            <td>
              <Time at={s.createdAt} /> by {s.createdBy}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export type FormErrors = Partial<Record<string, string>>;

const FieldError = (props: { id: string; message?: string }) =>
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
  return (
    <AdminLayout title="Re-consent invitation" email={props.email}>
      <h1>Ask “{props.list.name}” for consent again</h1>
      <p>
        Each <code>legacy</code> contact gets exactly one invitation, with a link to confirm or
        decline. Those who have not answered by the deadline are erased.
      </p>
      <blockquote>{props.list.purpose}</blockquote>
      <EligibilitySummary
        recipients={props.recipients}
        excluded={props.excluded}
        verb="will be invited"
      />
      {props.recipients === 0 ? (
        <p class="notice">
          Nobody can be invited: every contact has already been asked, or is excluded.
        </p>
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
  const e = props.errors;
  const aria = (field: string) =>
    e[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};
  return (
    <form method="post" action={`/admin/lists/${props.list.id}/reconsent`}>
      <label>
        Deadline (UTC)
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
        Subject (optional)
        <input name="subject" maxlength={200} value={props.values.subject} {...aria("subject")} />
      </label>
      <FieldError id="subject-error" message={e.subject} />
      <label>
        One reminder, this many days before the deadline (optional)
        <input
          name="reminder_days_before"
          inputmode="numeric"
          value={props.values.reminder_days_before}
          {...aria("reminder_days_before")}
        />
      </label>
      <FieldError id="reminder_days_before-error" message={e.reminder_days_before} />
      <button type="submit">Review before sending</button>
    </form>
  );
}

function ConfirmField(props: { recipients: number; value: string; error?: string }) {
  return (
    <>
      <label>
        Type {props.recipients} to confirm
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
  const v = props.values;
  return (
    <form method="post" action={`/admin/lists/${props.list.id}/reconsent`}>
      <p class="notice" role="status">
        <strong>
          {fmt(props.recipients)} contacts will be erased on {props.deadlineInWords} unless they
          answer.
        </strong>{" "}
        {props.reminderInWords
          ? `Those who have not answered get one reminder on ${props.reminderInWords}.`
          : "No reminder will be sent."}
      </p>
      <input type="hidden" name="deadline" value={v.deadline} />
      <input type="hidden" name="subject" value={v.subject} />
      <input type="hidden" name="reminder_days_before" value={v.reminder_days_before} />
      <ConfirmField recipients={props.recipients} value={v.confirm} error={props.errors.confirm} />
      <input type="hidden" name="expected" value={String(props.recipients)} />
      <button type="submit">Send {fmt(props.recipients)} invitations</button>{" "}
      <a href={`/admin/lists/${props.list.id}/reconsent`}>Change the deadline</a>
    </form>
  );
}

export function CampaignsPage(props: {
  email: string;
  lists: { id: number; name: string }[];
  campaigns: CampaignState[];
  values: { list_id: string; subject: string; text: string; html: string };
  errors: FormErrors;
}) {
  const e = props.errors;
  const listName = new Map(props.lists.map((l) => [l.id, l.name]));
  return (
    <AdminLayout title="Campaigns" email={props.email}>
      <h1>Campaigns</h1>
      <p>A campaign reaches only the contacts who confirmed their consent for its list.</p>
      {props.campaigns.length ? (
        <ul>
          {props.campaigns.map(({ campaign: c, status }) => (
            <li>
              <a href={`/admin/campaigns/${c.id}`}>{c.subject}</a> —{" "}
              {listName.get(c.listId) ?? `list #${c.listId}`} —{" "}
              <span data-status={status}>{status}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No campaign yet.</p>
      )}
      <h2>Write a campaign</h2>
      <form method="post" action="/admin/campaigns">
        <label>
          List
          <select name="list_id" required aria-invalid={e.list_id ? "true" : undefined}>
            {props.lists.map((l) => (
              <option value={String(l.id)} selected={props.values.list_id === String(l.id)}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <FieldError id="list_id-error" message={e.list_id} />
        <label>
          Subject
          <input
            name="subject"
            required
            maxlength={200}
            value={props.values.subject}
            aria-invalid={e.subject ? "true" : undefined}
          />
        </label>
        <FieldError id="subject-error" message={e.subject} />
        <label>
          Text
          <textarea name="text" rows={8} required aria-invalid={e.text ? "true" : undefined}>
            {props.values.text}
          </textarea>
        </label>
        <FieldError id="text-error" message={e.text} />
        <label>
          HTML (optional; without it the text is sent as HTML too)
          <textarea name="html" rows={6} aria-invalid={e.html ? "true" : undefined}>
            {props.values.html}
          </textarea>
        </label>
        <FieldError id="html-error" message={e.html} />
        <p class="muted">
          Merge tags: <code>{"{{name}}"}</code> and <code>{"{{attr.KEY}}"}</code> (a contact
          attribute), with an optional fallback such as <code>{"{{name|friend}}"}</code>.
        </p>
        <button type="submit">Save and preview</button>
      </form>
    </AdminLayout>
  );
}

export function CampaignPage(props: {
  email: string;
  state: CampaignState;
  listName: string;
  recipients: number;
  excluded: Record<string, number>;
  previewSubject: string;
  previewHtml: string;
  sampleName: string | null;
  notice?: string;
  confirmError?: string;
  /** What the edit form holds after a refused edit. */
  values?: CampaignFormValues;
  errors?: FormErrors;
}) {
  const { campaign, status } = props.state;
  const open = status === "draft" || status === "scheduled";
  return (
    <AdminLayout title={campaign.subject} email={props.email}>
      <h1>{campaign.subject}</h1>
      <p>
        For the list “{props.listName}”. Status: <strong data-status={status}>{status}</strong>
        {status === "scheduled" && campaign.sendAt ? (
          <>
            , to be sent at <Time at={campaign.sendAt} relative />
          </>
        ) : null}
        .
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h2>Preview</h2>
      <p class="muted">
        As {props.sampleName ?? "a contact without a name"} would see it. Subject:{" "}
        {props.previewSubject}
      </p>
      {/* A sandboxed srcdoc frame: the campaign's HTML is shown, never run. */}
      <iframe
        title="Preview of the campaign"
        srcdoc={props.previewHtml}
        sandbox=""
        class="mail-preview"
      />
      <form method="post" action={`/admin/campaigns/${campaign.id}/test`}>
        <button type="submit" class="secondary">
          Send a test to {props.email}
        </button>
      </form>
      {status === "draft" ? (
        <EditCampaignForm state={props.state} values={props.values} errors={props.errors ?? {}} />
      ) : null}
      {open ? <SendCampaignForm {...props} /> : <CampaignSent state={props.state} />}
      <form method="post" action={`/admin/campaigns/${campaign.id}/duplicate`}>
        <button type="submit" class="secondary">
          Duplicate as a new draft
        </button>
      </form>
      {open ? (
        <form method="post" action={`/admin/campaigns/${campaign.id}/cancel`}>
          <button type="submit" class="secondary outline">
            Cancel this campaign
          </button>
        </form>
      ) : null}
    </AdminLayout>
  );
}

export type CampaignFormValues = { subject: string; text: string; html: string; send_at: string };

/** A draft's content, editable; a time given schedules it (the form's time is UTC). */
function EditCampaignForm(props: {
  state: CampaignState;
  values?: CampaignFormValues;
  errors: FormErrors;
}) {
  const { campaign } = props.state;
  const v = props.values ?? {
    subject: campaign.subject,
    text: campaign.text,
    html: campaign.html ?? "",
    send_at: "",
  };
  const e = props.errors;
  return (
    <details open={Object.keys(e).length > 0}>
      <summary>Edit this draft</summary>
      <form method="post" action={`/admin/campaigns/${campaign.id}/edit`}>
        <label>
          Subject
          <input
            name="subject"
            required
            maxlength={200}
            value={v.subject}
            aria-invalid={e.subject ? "true" : undefined}
          />
        </label>
        <FieldError id="subject-error" message={e.subject} />
        <label>
          Text
          <textarea name="text" rows={8} required aria-invalid={e.text ? "true" : undefined}>
            {v.text}
          </textarea>
        </label>
        <FieldError id="text-error" message={e.text} />
        <label>
          HTML (optional)
          <textarea name="html" rows={6} aria-invalid={e.html ? "true" : undefined}>
            {v.html}
          </textarea>
        </label>
        <FieldError id="html-error" message={e.html} />
        <label>
          Send at (UTC; leave empty to keep it a draft)
          <input
            type="datetime-local"
            name="send_at"
            value={v.send_at}
            aria-invalid={e.send_at ? "true" : undefined}
          />
        </label>
        <FieldError id="send_at-error" message={e.send_at} />
        <button type="submit">Save</button>
      </form>
    </details>
  );
}

/** What became of a campaign that is no longer open: when it went, to how many. */
function CampaignSent(props: { state: CampaignState }) {
  const { send, status } = props.state;
  if (!send) return <p>This campaign was cancelled before it was sent.</p>;
  const when = send.finishedAt ?? send.createdAt;
  return (
    <>
      <h2>Sent</h2>
      <p>
        {status === "sent" ? "Sent on" : "Started on"} <Time at={when} /> to {fmt(send.total)}{" "}
        contacts ({status}). <a href={`/admin/sends/${send.id}`}>Send #{send.id}</a>
      </p>
    </>
  );
}

function SendCampaignForm(props: {
  state: CampaignState;
  recipients: number;
  excluded: Record<string, number>;
  confirmError?: string;
}) {
  const id = props.state.campaign.id;
  return (
    <>
      <h2>Send</h2>
      <EligibilitySummary
        recipients={props.recipients}
        excluded={props.excluded}
        verb="will receive it"
      />
      {props.recipients === 0 ? (
        <p class="notice">
          Nobody can receive this campaign: no contact of this list has confirmed consent (or every
          one who did is suppressed). Send a re-consent invitation first.
        </p>
      ) : (
        <form method="post" action={`/admin/campaigns/${id}/send`}>
          <label>
            Type {props.recipients} to confirm
            <input
              name="confirm"
              inputmode="numeric"
              autocomplete="off"
              required
              aria-invalid={props.confirmError ? "true" : undefined}
            />
          </label>
          <FieldError id="confirm-error" message={props.confirmError} />
          <input type="hidden" name="expected" value={String(props.recipients)} />
          <button type="submit">Send to {fmt(props.recipients)} contacts</button>
        </form>
      )}
    </>
  );
}
