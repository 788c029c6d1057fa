// Admin views: the deliverability panel (overall and per send) and the inbound mail Relance keeps.

import { AdminLayout } from "../views/layout";
import { Time } from "../views/time";
import type { InboundMail } from "../webhooks/service";
import { OutcomeChart } from "./chart";
import type { Deliverability } from "./service";

const fmt = (n: number) => n.toLocaleString("en-US");
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

function Panel(props: { d: Deliverability; title: string }) {
  const { d } = props;
  return (
    <section class="deliverability" aria-label={props.title}>
      <table class="deliverability-totals">
        <tbody>
          <tr>
            <th scope="row">Sent</th>
            <td data-count="sent">{fmt(d.sent)}</td>
            <td class="muted">accepted by the provider</td>
          </tr>
          <tr>
            <th scope="row">Failed</th>
            <td data-count="failed">{fmt(d.failed)}</td>
            <td class="muted">refused, given up, or failed after sending</td>
          </tr>
          <tr>
            <th scope="row">Delivered</th>
            <td data-outcome="delivered">{fmt(d.delivered)}</td>
            <td>{d.outcomes ? pct(d.delivered / d.outcomes) : "—"}</td>
          </tr>
          <tr>
            <th scope="row">Bounced (permanent)</th>
            <td data-outcome="bounced">{fmt(d.bounced)}</td>
            <td data-rate="bounce">{pct(d.bounceRate)}</td>
          </tr>
          <tr>
            <th scope="row">Complained</th>
            <td data-outcome="complained">{fmt(d.complained)}</td>
            <td data-rate="complaint">{pct(d.complaintRate)}</td>
          </tr>
          <tr>
            <th scope="row">Transient bounces</th>
            <td data-outcome="transient">{fmt(d.transientBounces)}</td>
            <td class="muted">counted; three in 30 days suppress</td>
          </tr>
        </tbody>
      </table>
      <p class="muted">
        Rates are over the {fmt(d.outcomes)} outcomes the provider reported
        {d.messages ? ` (${fmt(d.messages)} messages)` : ""}.
      </p>
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
  return (
    <p class="notice" role="note">
      Mail stays in the outbox on this machine: no provider reports deliveries, bounces or
      complaints in this mode, so these counts stay at zero. Read what was sent in the{" "}
      <a href="/admin/mailbox">Mailbox</a>.
    </p>
  );
}

export function OverallPage(props: {
  email: string;
  d: Deliverability;
  sends: SendRow[];
  outbox?: boolean;
}) {
  return (
    <AdminLayout title="Deliverability" email={props.email}>
      <h1>Deliverability</h1>
      <p>
        The last 30 days: messages sent or failed over the period, and the outcomes the provider's
        webhooks reported. See also the <a href="/admin/suppressions">suppression list</a> and the{" "}
        <a href="/admin/inbound">inbound mail</a>.
      </p>
      {props.outbox ? <OutboxModeNotice /> : null}
      <Panel d={props.d} title="All sends, last 30 days" />
      <h2>Recent sends</h2>
      {props.sends.length === 0 ? (
        <p class="muted">
          Nothing has been sent yet. <a href="/admin/lists">Ask a list for consent</a> or send a{" "}
          <a href="/admin/campaigns">campaign</a>; each send then shows here.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Send</th>
              <th scope="col">Started</th>
              <th scope="col">Messages</th>
              <th scope="col">Delivered</th>
              <th scope="col">Bounced</th>
              <th scope="col">Complained</th>
            </tr>
          </thead>
          <tbody>
            {props.sends.map((s) => (
              <tr>
                <td>
                  <a href={`/admin/deliverability/sends/${s.id}`}>
                    #{s.id} {s.kind === "reconsent" ? "re-consent" : s.subject}
                  </a>
                </td>
                <td>
                  <Time at={s.created_at} />
                </td>
                <td>{fmt(s.messages)}</td>
                <td>{fmt(s.delivered ?? 0)}</td>
                <td>{fmt(s.bounced ?? 0)}</td>
                <td>{fmt(s.complained ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

export function SendDeliverabilityPage(props: {
  email: string;
  d: Deliverability;
  send: { id: number; kind: string; subject: string; createdAt: string };
}) {
  const { send } = props;
  const title = `Send #${send.id}`;
  return (
    <AdminLayout title={`Deliverability of send #${send.id}`} email={props.email}>
      <h1>Deliverability of send #{send.id}</h1>
      <p>
        <a href={`/admin/sends/${send.id}`}>
          {send.kind === "reconsent" ? "Re-consent invitation" : "Campaign"} #{send.id}
        </a>
        {send.subject ? ` — ${send.subject}` : ""}, started <Time at={send.createdAt} />.{" "}
        <a href="/admin/deliverability">All sends</a>
      </p>
      <Panel d={props.d} title={title} />
    </AdminLayout>
  );
}

export function InboundPage(props: { email: string; mail: InboundMail[] }) {
  return (
    <AdminLayout title="Inbound mail" email={props.email}>
      <h1>Inbound mail</h1>
      <p class="muted">
        Mail the provider received for this domain. Relance redistributes nothing: these are kept
        for you to read here and are never forwarded to anyone. Replies to Relance's mail go to the
        human Reply-To mailbox. The content stays with the provider.
      </p>
      {props.mail.length === 0 ? (
        <p class="muted">No inbound mail.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {props.mail.map((m) => (
              <tr>
                <td>
                  <Time at={m.receivedAt} />
                </td>
                <td>{m.from}</td>
                <td>{m.to.join(", ")}</td>
                <td>{m.subject || <span class="muted">(no subject)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}
