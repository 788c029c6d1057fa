// A contact's own admin page: state on the list, editable fields, and its consent history.
import { SIMULATED_SOURCE } from "../consent/eligibility";
import type { ConsentHistoryEntry } from "../consent/service";
import type { List } from "../lists/service";
import { ListCrumbs } from "../lists/views";
import { labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import { Time } from "../views/time";
import type { ContactRow } from "./service";
import { ContactFields, contactUrl } from "./views";

/** Every consent event of the contact on this list, oldest first, with its proof. */
function ConsentHistory(props: { history: ConsentHistoryEntry[] }) {
  const text = useAdminText();
  const t = text.contacts;
  return (
    <>
      <h2>{t.history}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.time}</th>
            <th scope="col">{t.event}</th>
            <th scope="col">{t.sourceColumn}</th>
            <th scope="col">{t.textVersion}</th>
            <th scope="col">{t.actor}</th>
            <th scope="col">{t.ipHash}</th>
          </tr>
        </thead>
        <tbody>
          {props.history.map((e) => (
            <tr>
              <td>
                <Time at={e.at} />
              </td>
              <td data-event={e.event}>{labelOf(text.states.event, e.event)}</td>
              <td>{e.source === SIMULATED_SOURCE ? <mark>{t.simulated}</mark> : e.source}</td>
              <td>v{e.textVersion}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.ipHash ? `${e.ipHash.slice(0, 12)}…` : "—"}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ContactPage(props: {
  email: string;
  list: List;
  contact: ContactRow;
  history: ConsentHistoryEntry[];
  name: string;
  attributes: string;
  error?: { field: string; message: string };
  saved?: boolean;
}) {
  const { list, contact, error } = props;
  const text = useAdminText();
  const t = text.contacts;
  const url = contactUrl(list.id, contact.id);
  const erased = contact.email === null;
  return (
    <AdminLayout title={erased ? t.erasedContact : (contact.email ?? "")} email={props.email}>
      <ListCrumbs list={list} here={erased ? t.erasedCrumb : (contact.email ?? "")} />
      <h1>{erased ? t.erasedContact : contact.email}</h1>
      <p>
        {t.stateOnList}{" "}
        <span class={`state state-${contact.status}`}>
          {labelOf(text.states.consent, contact.status)}
        </span>
      </p>
      {props.saved ? (
        <p class="notice" role="status">
          {t.saved}
        </p>
      ) : null}
      {erased ? (
        <p class="muted">{t.erasedHint}</p>
      ) : (
        <form method="post" action={url}>
          <ContactFields name={props.name} attributes={props.attributes} error={error} rows={6} />
          <button type="submit">{t.save}</button>{" "}
          <a href={contactUrl(list.id, contact.id, "/erase")} class="secondary outline">
            {t.erase}
          </a>
        </form>
      )}
      <ConsentHistory history={props.history} />
    </AdminLayout>
  );
}
