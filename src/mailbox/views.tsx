import type { OutboxMessage } from "../mail/outbox-transport";
import { AdminLayout } from "../views/layout";
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

export function MailboxPage(props: {
  email: string;
  transport: "outbox" | "resend";
  publicUrl: string;
  to: string;
  messages: OutboxMessage[];
  nextBefore: number | null;
}) {
  return (
    <AdminLayout title="Mailbox" email={props.email}>
      <h1>Mailbox</h1>
      {props.transport === "outbox" ? (
        <p>
          With <code>MAIL_TRANSPORT=outbox</code> every message Relance would send is kept here and
          never leaves the machine.
        </p>
      ) : (
        <p class="notice">
          Mail goes out through Resend (<code>MAIL_TRANSPORT=resend</code>): this mailbox only shows
          what was kept while the outbox transport was in use.
        </p>
      )}
      <search>
        <form method="get" action="/admin/mailbox">
          <input
            type="search"
            name="to"
            placeholder="Recipient address"
            value={props.to}
            aria-label="Recipient address"
          />
          <button type="submit">Filter</button>
        </form>
      </search>
      {props.messages.length === 0 ? (
        <p class="muted">No message{props.to ? ` to ${props.to}` : ""}.</p>
      ) : (
        props.messages.map((m) => (
          <details>
            <summary>
              <Time at={m.createdAt} /> — to <strong>{m.to}</strong>: {m.subject}
            </summary>
            <dl>
              <dt>From</dt>
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
            <pre class="mail-text">
              <LinkedText text={m.text} publicUrl={props.publicUrl} />
            </pre>
          </details>
        ))
      )}
      {props.nextBefore ? (
        <p>
          <a
            href={`/admin/mailbox?${new URLSearchParams({ ...(props.to ? { to: props.to } : {}), before: String(props.nextBefore) })}`}
          >
            Older messages
          </a>
        </p>
      ) : null}
    </AdminLayout>
  );
}
