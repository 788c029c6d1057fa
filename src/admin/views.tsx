// The admin home: what is happening now, what waits, how mail fares, and every number a link.
import { CONSENT_STATES } from "../consent/states";
import { OutboxModeNotice } from "../deliverability/views";
import { PausedNotice, ResumeButton } from "../sending/views";
import { AdminLayout } from "../views/layout";
import type { Dashboard } from "./dashboard";

const fmt = (n: number) => n.toLocaleString("en-US");
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

const WAITING_LABELS: Record<string, string> = {
  awaiting_approval: "Waiting for approval",
  scheduled: "Scheduled",
  canary_hold: "Canary on hold",
  preparing: "Preparing",
};

function SendingState(props: { state: Dashboard["state"] }) {
  return props.state.paused ? (
    <>
      <PausedNotice state={props.state} />
      <ResumeButton />
    </>
  ) : (
    <p>
      Sending is running.{" "}
      <span class="muted">
        "Stop all sending", at the top of every page, stops it before the next batch.
      </span>
    </p>
  );
}

function UnderWay(props: { sends: Dashboard["progress"] }) {
  if (props.sends.length === 0) {
    return (
      <p class="muted">
        No send under way. Sends start from a list (<a href="/admin/lists">ask for consent again</a>
        ) or from a <a href="/admin/campaigns">campaign</a>.
      </p>
    );
  }
  return (
    <ul class="plain dash-sends">
      {props.sends.map((s) => {
        const done = s.sent + s.failed + s.suppressed;
        return (
          <li>
            <a href={`/admin/sends/${s.id}`}>
              #{s.id} {s.subject}
            </a>{" "}
            <span class={`badge status-${s.status}`}>{s.status}</span>
            <progress value={String(done)} max={String(s.total)} aria-label={`Send #${s.id}`} />
            <small>
              {fmt(done)} of {fmt(s.total)}
            </small>
          </li>
        );
      })}
    </ul>
  );
}

function Waiting(props: { sends: Dashboard["waiting"] }) {
  if (props.sends.length === 0) {
    return <p class="muted">Nothing waits for approval or a scheduled time.</p>;
  }
  return (
    <ul class="plain">
      {props.sends.map((s) => (
        <li>
          <a href={`/admin/sends/${s.id}`}>
            #{s.id} {s.subject}
          </a>{" "}
          — {WAITING_LABELS[s.status] ?? s.status}, {fmt(s.total)} recipients
        </li>
      ))}
    </ul>
  );
}

function Deliverability(props: { d: Dashboard["deliverability"]; outbox: boolean }) {
  const d = props.d;
  return (
    <>
      <p>
        <a href="/admin/deliverability">{fmt(d.sent)}</a> sent,{" "}
        <a href="/admin/deliverability">{fmt(d.delivered)}</a> delivered,{" "}
        <a href="/admin/suppressions?reason=bounced">{fmt(d.bounced)}</a> bounced (
        {pct(d.bounceRate)}),{" "}
        <a href="/admin/suppressions?reason=complained">{fmt(d.complained)}</a> complaints (
        {pct(d.complaintRate)}).
      </p>
      {props.outbox ? <OutboxModeNotice /> : null}
    </>
  );
}

function Lists(props: { lists: Dashboard["lists"] }) {
  if (props.lists.length === 0) {
    return (
      <p class="muted">
        No list yet. <a href="/admin/lists/new">Create a list</a>, then import its contacts.
      </p>
    );
  }
  return (
    <ul class="plain dash-lists">
      {props.lists.map((l) => (
        <li>
          <a href={`/admin/lists/${l.id}`}>
            <strong>{l.name}</strong>
          </a>
          <ul class="state-counts">
            {CONSENT_STATES.filter((s) => l.counts[s] > 0).map((s) => (
              <li>
                <a href={`/admin/lists/${l.id}?status=${s}`}>{fmt(l.counts[s])}</a>{" "}
                <span class={`state state-${s}`}>{s}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function PublicSide(props: { incidents: Dashboard["incidents"]; polls: Dashboard["polls"] }) {
  return (
    <>
      <h3>Open incidents</h3>
      {props.incidents.length === 0 ? (
        <p class="muted">
          None open. <a href="/admin/incidents">Publish one</a> when something goes wrong.
        </p>
      ) : (
        <ul class="plain">
          {props.incidents.map((i) => (
            <li>
              <a href={`/admin/incidents/${i.id}`}>{i.title}</a>{" "}
              <span class={`badge status-${i.status}`}>{i.status}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Open polls</h3>
      {props.polls.length === 0 ? (
        <p class="muted">
          None open. <a href="/admin/polls">Ask a question</a>.
        </p>
      ) : (
        <ul class="plain">
          {props.polls.map((p) => (
            <li>
              <a href={`/admin/polls/${p.id}`}>{p.question}</a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function DashboardPage(props: { email: string; data: Dashboard; outbox: boolean }) {
  const d = props.data;
  return (
    <AdminLayout title="Dashboard" email={props.email}>
      <hgroup>
        <h1>Dashboard</h1>
        <p>Signed in as {props.email}.</p>
      </hgroup>
      <div class="dashboard">
        <section class="dash-card">
          <h2>Sending</h2>
          <SendingState state={d.state} />
          <h3>Under way</h3>
          <UnderWay sends={d.progress} />
          <h3>Waiting</h3>
          <Waiting sends={d.waiting} />
        </section>
        <section class="dash-card">
          <h2>Last 7 days</h2>
          <Deliverability d={d.deliverability} outbox={props.outbox} />
        </section>
        <section class="dash-card">
          <h2>Lists</h2>
          <Lists lists={d.lists} />
        </section>
        <section class="dash-card">
          <h2>Public side</h2>
          <PublicSide incidents={d.incidents} polls={d.polls} />
        </section>
      </div>
    </AdminLayout>
  );
}
