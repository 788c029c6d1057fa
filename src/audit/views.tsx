import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { type Sort, SortHeader } from "../views/sort";
import { humaniseInstants, Time } from "../views/time";
import type { AuditEntry } from "./service";

export const AUDIT_SORTS = ["date"] as const;

export function AuditPage(props: {
  email: string;
  entries: AuditEntry[];
  sort?: Sort<(typeof AUDIT_SORTS)[number]>;
  listId?: number;
}) {
  const t = useAdminText().audit;
  const lang = useAdminLang();
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p class="muted">{t.intro}</p>
      {props.entries.length === 0 ? (
        <p class="muted">
          {t.emptyStart}
          <a href="/admin/lists">{t.emptyLink}</a>.
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <SortHeader
              label={t.time}
              column="date"
              current={props.sort ?? { key: "date", dir: "desc" }}
              path="/admin/audit"
              params={{ list: props.listId ? String(props.listId) : undefined }}
            />
            <th scope="col">{t.admin}</th>
            <th scope="col">{t.action}</th>
            <th scope="col">{t.list}</th>
            <th scope="col">{t.what}</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td>
                <Time at={e.at} relative />
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.listId ? <a href={`/admin/lists/${e.listId}`}>#{e.listId}</a> : "—"}</td>
              {/* Stored sentences, written in English when the action happened. */}
              <td translate="no">{humaniseInstants(e.summary, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}
