// The admin's view of the status page's subscribers: each system list with its members per
// state, linked to the list's own page, where every subscriber is shown with their state and
// may be exported, erased or suppressed as on any list.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { AdminLayout } from "../views/layout";

export const subscriptionAdmin = new Hono<AppEnv>();

const STATES = [
  "pending",
  "confirmed",
  "unsubscribed",
  "expired",
  "bounced",
  "complained",
  "erased",
] as const;

type Row = {
  list_id: number;
  name: string;
  kind: "page" | "follow";
  incident_id: number | null;
  incident_title: string | null;
  ended_at: string | null;
} & Record<(typeof STATES)[number], number>;

const statusListsWithCounts = (deps: Deps) =>
  deps.db.all<Row>(sql`
    SELECT s.list_id, l.name, s.kind, s.incident_id, i.title AS incident_title, s.ended_at,
      ${sql.join(
        STATES.map(
          (state) =>
            sql`(SELECT count(*) FROM list_members m WHERE m.list_id = s.list_id AND m.status = ${state}) AS ${sql.raw(state)}`,
        ),
        sql`, `,
      )}
    FROM status_lists s JOIN lists l ON l.id = s.list_id
    LEFT JOIN incidents i ON i.id = s.incident_id
    ORDER BY s.kind DESC, s.list_id DESC`);

function SubscribersPage(props: { email: string; rows: Row[] }) {
  return (
    <AdminLayout title="Status subscribers" email={props.email}>
      <h1>Status subscribers</h1>
      <p>
        Who asked for every update of the status page, and who follows one incident. Each is a
        system list: open it to see every subscriber with their state, export them, erase one, or
        see their consent evidence. Only <strong>confirmed</strong> subscribers receive notices; a
        follow ends by itself 7 days after its incident is resolved.
      </p>
      {props.rows.length === 0 ? (
        <p>Nobody has subscribed yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>List</th>
              <th>For</th>
              {STATES.map((s) => (
                <th>{s}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>
                  <a href={`/admin/lists/${r.list_id}`}>{r.name}</a>
                </td>
                <td>
                  {r.kind === "page" ? (
                    "every update"
                  ) : r.incident_id ? (
                    <a href={`/admin/incidents/${r.incident_id}`}>{r.incident_title}</a>
                  ) : (
                    "an incident since deleted"
                  )}
                  {r.ended_at ? (
                    <>
                      {" "}
                      (ended <time datetime={r.ended_at}>{r.ended_at}</time>)
                    </>
                  ) : null}
                </td>
                {STATES.map((s) => (
                  <td data-state={s}>{Number(r[s])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

subscriptionAdmin.get("/admin/subscribers", async (c) =>
  c.html(
    <SubscribersPage email={c.var.admin.email} rows={await statusListsWithCounts(c.var.deps)} />,
  ),
);
