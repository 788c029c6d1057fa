// The admin home: what is happening now, what waits, how mail fares, and every number a link.
import { CONSENT_STATES } from "../consent/states";
import { OutboxModeNotice } from "../deliverability/views";
import { PausedNotice, ResumeButton } from "../sending/views";
import { formatCount, formatPercent, labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import type { Dashboard } from "./dashboard";

function SendingState(props: { state: Dashboard["state"] }) {
  const t = useAdminText().dashboard;
  return props.state.paused ? (
    <>
      <PausedNotice state={props.state} />
      <ResumeButton />
    </>
  ) : (
    <p>
      {t.running} <span class="muted">{t.stopHint}</span>
    </p>
  );
}

function UnderWay(props: { sends: Dashboard["progress"] }) {
  const text = useAdminText();
  const t = text.dashboard;
  const fmt = formatCount(useAdminLang());
  if (props.sends.length === 0) {
    return (
      <p class="muted">
        {t.noneUnderWay}
        <a href="/admin/lists">{t.askAgain}</a>
        {t.orFrom}
        <a href="/admin/campaigns">{t.campaign}</a>.
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
            <span class={`badge status-${s.status}`} data-status={s.status}>
              {labelOf(text.states.send, s.status)}
            </span>
            <progress value={String(done)} max={String(s.total)} aria-label={t.sendLabel(s.id)} />
            <small>{t.doneOf(fmt(done), fmt(s.total))}</small>
          </li>
        );
      })}
    </ul>
  );
}

function Waiting(props: { sends: Dashboard["waiting"] }) {
  const t = useAdminText().dashboard;
  const fmt = formatCount(useAdminLang());
  if (props.sends.length === 0) {
    return <p class="muted">{t.noneWaiting}</p>;
  }
  return (
    <ul class="plain">
      {props.sends.map((s) => (
        <li>
          <a href={`/admin/sends/${s.id}`}>
            #{s.id} {s.subject}
          </a>{" "}
          — {labelOf(t.waitingLabels, s.status)}, {t.recipients(fmt(s.total))}
        </li>
      ))}
    </ul>
  );
}

function Deliverability(props: { d: Dashboard["deliverability"]; outbox: boolean }) {
  const d = props.d;
  const t = useAdminText().dashboard;
  const lang = useAdminLang();
  const fmt = formatCount(lang);
  const pct = formatPercent(lang);
  return (
    <>
      <p>
        <a href="/admin/deliverability">{fmt(d.sent)}</a> {t.sent},{" "}
        <a href="/admin/deliverability">{fmt(d.delivered)}</a> {t.delivered},{" "}
        <a href="/admin/suppressions?reason=bounced">{fmt(d.bounced)}</a> {t.bounced} (
        {pct(d.bounceRate)}),{" "}
        <a href="/admin/suppressions?reason=complained">{fmt(d.complained)}</a> {t.complaints} (
        {pct(d.complaintRate)}).
      </p>
      {props.outbox ? <OutboxModeNotice /> : null}
    </>
  );
}

function Lists(props: { lists: Dashboard["lists"] }) {
  const text = useAdminText();
  const t = text.dashboard;
  const fmt = formatCount(useAdminLang());
  if (props.lists.length === 0) {
    return (
      <p class="muted">
        {t.noList} <a href="/admin/lists/new">{t.createList}</a>
        {t.thenImport}
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
                <span class={`state state-${s}`}>{text.states.consent[s]}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

function PublicSide(props: { incidents: Dashboard["incidents"]; polls: Dashboard["polls"] }) {
  const text = useAdminText();
  const t = text.dashboard;
  return (
    <>
      <h3>{t.openIncidents}</h3>
      {props.incidents.length === 0 ? (
        <p class="muted">
          {t.noneOpen} <a href="/admin/incidents">{t.publishOne}</a>
          {t.whenWrong}
        </p>
      ) : (
        <ul class="plain">
          {props.incidents.map((i) => (
            <li>
              <a href={`/admin/incidents/${i.id}`}>{i.title}</a>{" "}
              <span class={`badge status-${i.status}`} data-status={i.status}>
                {labelOf(text.states.incident, i.status)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t.openPolls}</h3>
      {props.polls.length === 0 ? (
        <p class="muted">
          {t.noneOpen} <a href="/admin/polls">{t.askQuestion}</a>.
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
  const t = useAdminText().dashboard;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <hgroup>
        <h1>{t.title}</h1>
        <p>{t.signedInAs(props.email)}</p>
      </hgroup>
      <div class="dashboard">
        <section class="dash-card">
          <h2>{t.sending}</h2>
          <SendingState state={d.state} />
          <h3>{t.underWay}</h3>
          <UnderWay sends={d.progress} />
          <h3>{t.waiting}</h3>
          <Waiting sends={d.waiting} />
        </section>
        <section class="dash-card">
          <h2>{t.lastWeek}</h2>
          <Deliverability d={d.deliverability} outbox={props.outbox} />
        </section>
        <section class="dash-card">
          <h2>{t.lists}</h2>
          <Lists lists={d.lists} />
        </section>
        <section class="dash-card">
          <h2>{t.publicSide}</h2>
          <PublicSide incidents={d.incidents} polls={d.polls} />
        </section>
      </div>
    </AdminLayout>
  );
}
