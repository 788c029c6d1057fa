import { AdminLayout } from "../views/layout";
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
  return (
    <AdminLayout title="Audit log" email={props.email}>
      <h1>Audit log</h1>
      <p class="muted">Who did what to how many: imports, edits, bulk actions and exports.</p>
      {props.entries.length === 0 ? (
        <p class="muted">
          Nothing recorded yet. Imports, edits, sends, pauses and exports appear here as admins make
          them; start with the <a href="/admin/lists">lists</a>.
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <SortHeader
              label="Time"
              column="date"
              current={props.sort ?? { key: "date", dir: "desc" }}
              path="/admin/audit"
              params={{ list: props.listId ? String(props.listId) : undefined }}
            />
            <th scope="col">Admin</th>
            <th scope="col">Action</th>
            <th scope="col">List</th>
            <th scope="col">What</th>
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
              <td>{humaniseInstants(e.summary)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}
