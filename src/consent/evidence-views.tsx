// The "verify an IP" page: the form, and which events the typed address matches.

import { ListCrumbs } from "../lists/views";
import type { FormErrors } from "../views/fields";
import { labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
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
  const text = useAdminText();
  const t = text.evidence;
  const aria = (field: string) =>
    e[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};
  return (
    <AdminLayout title={t.title} email={props.email}>
      <ListCrumbs list={props.list} here={t.title} />
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {props.matches ? (
        <MatchReport
          listId={props.list.id}
          matches={props.matches}
          contact={props.checkedContact}
        />
      ) : null}
      <form method="post" action={`/admin/lists/${props.list.id}/verify-ip`}>
        <label>
          {t.ip}
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
          {t.contact}
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
        <button type="submit">{t.verify}</button>
      </form>
    </AdminLayout>
  );
}

function MatchReport(props: { listId: number; matches: IpMatch[]; contact?: number }) {
  const text = useAdminText();
  const t = text.evidence;
  const scope = props.contact === undefined ? t.thisList : t.contactN(props.contact);
  if (props.matches.length === 0)
    return (
      <p class="notice" role="status">
        {t.noMatch(scope)}
      </p>
    );
  return (
    <div class="notice" role="status">
      <p>{t.matches(props.matches.length, scope)}</p>
      <ul>
        {props.matches.map((m) => (
          <li>
            <a href={`/admin/lists/${props.listId}/contacts/${m.contact_id}`}>
              {t.contactN(m.contact_id)}
            </a>
            {text.sendingBar.colon}
            {labelOf(text.states.event, m.event)} {t.at} <Time at={m.at} />
          </li>
        ))}
      </ul>
    </div>
  );
}
