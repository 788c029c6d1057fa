// The owners' page of outgoing webhooks: endpoints, their delivery log, a test button.
import { AdminLayout } from "../views/layout";
import { EVENT_PATTERNS } from "./events";
import type { Delivery, Endpoint } from "./service";

export type WebhooksPageProps = {
  email: string;
  endpoints: Endpoint[];
  deliveries: Delivery[];
  /** Just registered: its secret, shown this once. */
  created?: { id: number; secret: string };
  error?: { url: string; events: string[]; message: string; field: "url" | "events" };
  notice?: string;
};

/** A receiver's answer, cut to a line: the log shows what happened, not the whole page it sent. */
const shortened = (text: string | null) =>
  text && text.length > 120 ? `${text.slice(0, 120)}…` : (text ?? "");

function DeliveryLog(props: { deliveries: Delivery[] }) {
  if (props.deliveries.length === 0) return <p class="muted">No delivery yet.</p>;
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Queued</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr>
              <td>
                <time datetime={d.createdAt}>{d.createdAt}</time>
              </td>
              <td>
                <code>{d.eventType}</code>
              </td>
              <td>
                {d.status}
                {d.status === "pending" && d.attempts > 0 ? ` (next try ${d.nextAttemptAt})` : ""}
              </td>
              <td>{d.attempts}</td>
              <td>
                {d.lastStatus ?? ""} {shortened(d.lastError)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EndpointCard(props: { endpoint: Endpoint; deliveries: Delivery[] }) {
  const e = props.endpoint;
  return (
    <article>
      <header>
        <strong>{e.url}</strong> — <code>{e.events.join(", ")}</code>
      </header>
      <DeliveryLog deliveries={props.deliveries.filter((d) => d.endpointId === e.id)} />
      <footer>
        <form method="post" action={`/admin/webhook-endpoints/${e.id}/test`} class="inline">
          <button type="submit" class="secondary">
            Send a test event
          </button>
        </form>{" "}
        <form method="post" action={`/admin/webhook-endpoints/${e.id}/delete`} class="inline">
          <button type="submit" class="outline contrast">
            Remove
          </button>
        </form>
      </footer>
    </article>
  );
}

function RegisterForm(props: { error?: WebhooksPageProps["error"] }) {
  const chosen = new Set(props.error?.events ?? []);
  const invalid = (field: string) =>
    props.error?.field === field
      ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` }
      : {};
  return (
    <form method="post" action="/admin/webhook-endpoints">
      <label>
        URL (https://…, a public address)
        <input type="url" name="url" required value={props.error?.url ?? ""} {...invalid("url")} />
      </label>
      {props.error?.field === "url" ? <small id="url-error">{props.error.message}</small> : null}
      <fieldset {...invalid("events")}>
        <legend>Events</legend>
        {EVENT_PATTERNS.map((p) => (
          <label>
            <input type="checkbox" name="events" value={p} checked={chosen.has(p)} />{" "}
            <code>{p}</code>
          </label>
        ))}
      </fieldset>
      {props.error?.field === "events" ? (
        <small id="events-error">{props.error.message}</small>
      ) : null}
      <button type="submit">Register the endpoint</button>
    </form>
  );
}

export function WebhooksPage(props: WebhooksPageProps) {
  return (
    <AdminLayout title="Webhooks" email={props.email}>
      <h1>Outgoing webhooks</h1>
      <p>
        Relance posts incident, maintenance and component events to these URLs, signed with the
        Standard Webhooks scheme (<code>webhook-id</code>, <code>webhook-timestamp</code>,{" "}
        <code>webhook-signature</code>), and retries a failed delivery with growing delays for about
        two hours. Private, local and cloud-metadata addresses are refused.
      </p>
      {props.notice ? <p role="status">{props.notice}</p> : null}
      {props.created ? (
        <p role="status">
          Endpoint registered. Its signing secret, shown only now:{" "}
          <code>{props.created.secret}</code>
        </p>
      ) : null}
      {props.endpoints.map((e) => (
        <EndpointCard endpoint={e} deliveries={props.deliveries} />
      ))}
      <h2>Register an endpoint</h2>
      <RegisterForm error={props.error} />
    </AdminLayout>
  );
}
