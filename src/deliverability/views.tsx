// Admin views: the deliverability panel (overall and per send) and the inbound mail Relance keeps.

import { LOCALES } from "../i18n";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";
import type { InboundMail } from "../webhooks/service";
import { OutcomeChart } from "./chart";
import type { Deliverability } from "./service";

/** Counts and rates as the admin's language writes them: "3,800" and "0.50%", or "3 800" and "0,50 %". */
function useNumbers() {
  const locale = LOCALES[useAdminLang()];
  const percent = new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return {
    fmt: (n: number) => n.toLocaleString(locale),
    pct: (n: number) => percent.format(n),
  };
}

function Panel(props: { d: Deliverability; title: string }) {
  const t = useAdminText().deliverability;
  const { fmt, pct } = useNumbers();
  const { d } = props;
  return (
    <section class="deliverability" aria-label={props.title}>
      <table class="deliverability-totals">
        <tbody>
          <tr>
            <th scope="row">{t.sent}</th>
            <td data-count="sent">{fmt(d.sent)}</td>
            <td class="muted">{t.sentHint}</td>
          </tr>
          <tr>
            <th scope="row">{t.failed}</th>
            <td data-count="failed">{fmt(d.failed)}</td>
            <td class="muted">{t.failedHint}</td>
          </tr>
          <tr>
            <th scope="row">{t.delivered}</th>
            <td data-outcome="delivered">{fmt(d.delivered)}</td>
            <td>{d.outcomes ? pct(d.delivered / d.outcomes) : "—"}</td>
          </tr>
          <tr>
            <th scope="row">{t.bouncedPermanent}</th>
            <td data-outcome="bounced">{fmt(d.bounced)}</td>
            <td data-rate="bounce">{pct(d.bounceRate)}</td>
          </tr>
          <tr>
            <th scope="row">{t.complained}</th>
            <td data-outcome="complained">{fmt(d.complained)}</td>
            <td data-rate="complaint">{pct(d.complaintRate)}</td>
          </tr>
          <tr>
            <th scope="row">{t.transient}</th>
            <td data-outcome="transient">{fmt(d.transientBounces)}</td>
            <td class="muted">{t.transientHint}</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">{t.ratesOver(fmt(d.outcomes), d.messages ? fmt(d.messages) : "")}</p>
      <OutcomeChart series={d.series} unit={d.unit} title={props.title} />
    </section>
  );
}

export type SendRow = {
  id: number;
  kind: string;
  subject: string;
  created_at: string;
  messages: number;
  delivered: number | null;
  bounced: number | null;
  complained: number | null;
};

/** In outbox mode nothing reports outcomes: said once, with where to read what was "sent". */
export function OutboxModeNotice() {
  const t = useAdminText().deliverability;
  return (
    <p class="notice" role="note">
      {t.outboxMode}
      <a href="/admin/mailbox">{t.mailbox}</a>.
    </p>
  );
}

export function OverallPage(props: {
  email: string;
  d: Deliverability;
  sends: SendRow[];
  outbox?: boolean;
}) {
  const t = useAdminText().deliverability;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        {t.intro}
        <a href="/admin/suppressions">{t.suppressionList}</a>
        {t.andThe}
        <a href="/admin/inbound">{t.inboundLink}</a>.
      </p>
      {props.outbox ? <OutboxModeNotice /> : null}
      <Panel d={props.d} title={t.allSends30} />
      <h2>{t.recentSends}</h2>
      {props.sends.length === 0 ? (
        <p class="muted">
          {t.nothingSent} <a href="/admin/lists">{t.askConsent}</a>
          {t.orSendA}
          <a href="/admin/campaigns">{t.campaign}</a>
          {t.eachSendShows}
        </p>
      ) : (
        <RecentSends sends={props.sends} />
      )}
    </AdminLayout>
  );
}

function RecentSends(props: { sends: SendRow[] }) {
  const t = useAdminText().deliverability;
  const lang = useAdminLang();
  const { fmt } = useNumbers();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.colSend}</th>
          <th scope="col">{t.colStarted}</th>
          <th scope="col">{t.colMessages}</th>
          <th scope="col">{t.colDelivered}</th>
          <th scope="col">{t.colBounced}</th>
          <th scope="col">{t.colComplained}</th>
        </tr>
      </thead>
      <tbody>
        {props.sends.map((s) => (
          <tr>
            <td>
              <a href={`/admin/deliverability/sends/${s.id}`}>
                #{s.id} {s.kind === "reconsent" ? t.reconsentShort : s.subject}
              </a>
            </td>
            <td>
              <Time at={s.created_at} lang={lang} />
            </td>
            <td>{fmt(s.messages)}</td>
            <td>{fmt(s.delivered ?? 0)}</td>
            <td>{fmt(s.bounced ?? 0)}</td>
            <td>{fmt(s.complained ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SendDeliverabilityPage(props: {
  email: string;
  d: Deliverability;
  send: { id: number; kind: string; subject: string; createdAt: string };
}) {
  const t = useAdminText().deliverability;
  const { send } = props;
  return (
    <AdminLayout title={t.ofSend(send.id)} email={props.email}>
      <h1>{t.ofSend(send.id)}</h1>
      <p>
        <a href={`/admin/sends/${send.id}`}>
          {t.kindTitle(send.kind)} #{send.id}
        </a>
        {send.subject ? ` — ${send.subject}` : ""}
        {t.started}
        <Time at={send.createdAt} lang={useAdminLang()} />.{" "}
        <a href="/admin/deliverability">{t.allSends}</a>
      </p>
      <Panel d={props.d} title={t.sendTitle(send.id)} />
    </AdminLayout>
  );
}

export function InboundPage(props: { email: string; mail: InboundMail[] }) {
  const t = useAdminText().deliverability;
  const lang = useAdminLang();
  return (
    <AdminLayout title={t.inboundTitle} email={props.email}>
      <h1>{t.inboundTitle}</h1>
      <p class="muted">{t.inboundIntro}</p>
      {props.mail.length === 0 ? (
        <p class="muted">{t.noInbound}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.received}</th>
              <th scope="col">{t.from}</th>
              <th scope="col">{t.to}</th>
              <th scope="col">{t.subject}</th>
            </tr>
          </thead>
          <tbody>
            {props.mail.map((m) => (
              <tr>
                <td>
                  <Time at={m.receivedAt} lang={lang} />
                </td>
                <td>{m.from}</td>
                <td>{m.to.join(", ")}</td>
                <td>{m.subject || <span class="muted">{t.noSubject}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}
