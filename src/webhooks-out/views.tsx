// The owners' page of outgoing webhooks: endpoints, their delivery log, a test button.
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";
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
  const t = useAdminText().webhooks;
  const lang = useAdminLang();
  if (props.deliveries.length === 0) return <p class="muted">{t.noDelivery}</p>;
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.queued}</th>
            <th scope="col">{t.event}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.attempts}</th>
            <th scope="col">{t.lastAnswer}</th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr>
              <td>
                <Time at={d.createdAt} lang={lang} />
              </td>
              <td>
                <code>{d.eventType}</code>
              </td>
              <td data-status={d.status}>
                {t.deliveryStatus(d.status)}
                {d.status === "pending" && d.attempts > 0 ? (
                  <>
                    {t.nextTry}
                    <Time at={d.nextAttemptAt} lang={lang} />)
                  </>
                ) : null}
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
  const t = useAdminText().webhooks;
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
            {t.sendTest}
          </button>
        </form>{" "}
        <form method="post" action={`/admin/webhook-endpoints/${e.id}/delete`} class="inline">
          <button type="submit" class="outline contrast">
            {t.remove}
          </button>
        </form>
      </footer>
    </article>
  );
}

function RegisterForm(props: { error?: WebhooksPageProps["error"] }) {
  const t = useAdminText().webhooks;
  const chosen = new Set(props.error?.events ?? []);
  const invalid = (field: string) =>
    props.error?.field === field
      ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` }
      : {};
  return (
    <form method="post" action="/admin/webhook-endpoints">
      <label>
        {t.url}
        <input type="url" name="url" required value={props.error?.url ?? ""} {...invalid("url")} />
      </label>
      {props.error?.field === "url" ? <small id="url-error">{props.error.message}</small> : null}
      <fieldset {...invalid("events")}>
        <legend>{t.events}</legend>
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
      <button type="submit">{t.register}</button>
    </form>
  );
}

export function WebhooksPage(props: WebhooksPageProps) {
  const t = useAdminText().webhooks;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.heading}</h1>
      <p>
        {t.introBefore}
        <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>
        {t.introAfter}
      </p>
      {props.notice ? <p role="status">{props.notice}</p> : null}
      {props.created ? (
        <p role="status">
          {t.registered}
          <code>{props.created.secret}</code>
        </p>
      ) : null}
      {props.endpoints.map((e) => (
        <EndpointCard endpoint={e} deliveries={props.deliveries} />
      ))}
      <h2>{t.registerHeading}</h2>
      <RegisterForm error={props.error} />
    </AdminLayout>
  );
}
