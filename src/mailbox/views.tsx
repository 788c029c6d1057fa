import type { OutboxMessage } from "../mail/outbox-transport";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import { Time } from "../views/time";

/** A link Relance puts in mail: this site, one path segment, then a token (`/c/…`, `/u/…`). */
const isOwnMailLink = (url: string, publicUrl: string) =>
  url.startsWith(`${publicUrl}/`) &&
  /^\/[a-z]+\/[A-Za-z0-9_.~-]+$/.test(url.slice(publicUrl.length));

/**
 * The mail's text with Relance's own links clickable, so the admin can play the participant.
 * Any other URL stays text: it may come from what a participant typed (a name, an attribute).
 */
function LinkedText(props: { text: string; publicUrl: string }) {
  const parts = props.text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 && isOwnMailLink(part, props.publicUrl) ? <a href={part}>{part}</a> : part,
      )}
    </>
  );
}

/** One mail as sent: its envelope and headers, then its text as the recipient reads it. */
function MailItem(props: { message: OutboxMessage; publicUrl: string }) {
  const text = useAdminText();
  const t = text.mailbox;
  const m = props.message;
  return (
    <details>
      <summary>
        <Time at={m.createdAt} /> — {t.to} <strong>{m.to}</strong>
        {text.sendingBar.colon}
        <span translate="no">{m.subject}</span>
      </summary>
      <dl>
        <dt>{t.from}</dt>
        <dd>{m.from}</dd>
        <dt>Reply-To</dt>
        <dd>{m.replyTo}</dd>
        {Object.entries(m.headers).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>
              <code>{value}</code>
            </dd>
          </>
        ))}
      </dl>
      {/* The mail as its recipient reads it, in their language: not the interface's text. */}
      <pre class="mail-text" translate="no">
        <LinkedText text={m.text} publicUrl={props.publicUrl} />
      </pre>
    </details>
  );
}

/** Where mail goes now: kept here (outbox) or sent for real through Resend. */
function TransportNote(props: { transport: "outbox" | "resend" }) {
  const t = useAdminText().mailbox;
  return props.transport === "outbox" ? (
    <p>
      {t.outboxStart}
      <code>MAIL_TRANSPORT=outbox</code>
      {t.outboxEnd}
    </p>
  ) : (
    <p class="notice">
      {t.resendStart}
      <code>MAIL_TRANSPORT=resend</code>
      {t.resendEnd}
    </p>
  );
}

export function MailboxPage(props: {
  email: string;
  transport: "outbox" | "resend";
  publicUrl: string;
  to: string;
  messages: OutboxMessage[];
  nextBefore: number | null;
}) {
  const t = useAdminText().mailbox;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <TransportNote transport={props.transport} />
      <search>
        <form method="get" action="/admin/mailbox">
          <input
            type="search"
            name="to"
            placeholder={t.recipient}
            value={props.to}
            aria-label={t.recipient}
          />
          <button type="submit">{t.filter}</button>
        </form>
      </search>
      {props.messages.length === 0 ? (
        <p class="muted">{props.to ? t.noneTo(props.to) : t.none}</p>
      ) : (
        props.messages.map((m) => <MailItem message={m} publicUrl={props.publicUrl} />)
      )}
      {props.nextBefore ? (
        <p>
          <a
            href={`/admin/mailbox?${new URLSearchParams({ ...(props.to ? { to: props.to } : {}), before: String(props.nextBefore) })}`}
          >
            {t.older}
          </a>
        </p>
      ) : null}
    </AdminLayout>
  );
}
