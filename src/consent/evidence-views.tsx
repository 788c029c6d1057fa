// The "verify an IP" page: the form, and which events the typed address matches.
import type { FormErrors } from "../views/fields";
import { AdminLayout } from "../views/layout";
import { Time } from "../views/time";
import type { IpMatch } from "./evidence";

export type VerifyIpValues = { ip: string; contact_id: string };

export function VerifyIpPage(props: {
  email: string;
  list: { id: number; name: string };
  values: VerifyIpValues;
  errors?: FormErrors;
  /** Present once a check was made. */
  matches?: IpMatch[];
  checkedContact?: number;
}) {
  const e = props.errors ?? {};
  const aria = (field: string) =>
    e[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};
  return (
    <AdminLayout title="Verify an IP address" email={props.email}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/admin/lists/${props.list.id}`}>{props.list.name}</a>
          </li>
          <li>Verify an IP address</li>
        </ul>
      </nav>
      <h1>Verify an IP address</h1>
      <p>
        Consent events keep only a salted hash of the address that answered. Type an address to
        learn which events it matches. It is hashed for the comparison and then forgotten: Relance
        stores neither the address nor the check's input.
      </p>
      {props.matches ? (
        <MatchReport
          listId={props.list.id}
          matches={props.matches}
          contact={props.checkedContact}
        />
      ) : null}
      <form method="post" action={`/admin/lists/${props.list.id}/verify-ip`}>
        <label>
          IP address
          <input
            name="ip"
            required
            autocomplete="off"
            value={props.values.ip}
            placeholder="192.0.2.1"
            {...aria("ip")}
          />
        </label>
        {e.ip ? (
          <small class="field-error" id="ip-error">
            {e.ip}
          </small>
        ) : null}
        <label>
          Contact id (optional; empty checks every event of the list)
          <input
            name="contact_id"
            inputmode="numeric"
            value={props.values.contact_id}
            {...aria("contact_id")}
          />
        </label>
        {e.contact_id ? (
          <small class="field-error" id="contact_id-error">
            {e.contact_id}
          </small>
        ) : null}
        <button type="submit">Verify</button>
      </form>
    </AdminLayout>
  );
}

function MatchReport(props: { listId: number; matches: IpMatch[]; contact?: number }) {
  const scope = props.contact === undefined ? "this list" : `contact #${props.contact}`;
  if (props.matches.length === 0)
    return (
      <p class="notice" role="status">
        No event of {scope} matches this address.
      </p>
    );
  return (
    <div class="notice" role="status">
      <p>
        This address matches the stored hash of {props.matches.length}{" "}
        {props.matches.length === 1 ? "event" : "events"} of {scope}:
      </p>
      <ul>
        {props.matches.map((m) => (
          <li>
            <a href={`/admin/lists/${props.listId}/contacts/${m.contact_id}`}>
              contact #{m.contact_id}
            </a>
            : {m.event} at <Time at={m.at} />
          </li>
        ))}
      </ul>
    </div>
  );
}
