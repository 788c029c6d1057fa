// The admin's view of the status page's subscribers: each system list with its members per
// state, linked to the list's own page, where every subscriber is shown with their state and
// may be exported, erased or suppressed as on any list.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";

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
  const t = useAdminText().subscribers;
  const lang = useAdminLang();
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        {t.introBefore}
        <strong>{t.confirmed}</strong>
        {t.introAfter}
      </p>
      {props.rows.length === 0 ? (
        <p>{t.nobody}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t.list}</th>
              <th>{t.for}</th>
              {STATES.map((s) => (
                <th data-state={s}>{t.state(s)}</th>
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
                    t.everyUpdate
                  ) : r.incident_id ? (
                    <a href={`/admin/incidents/${r.incident_id}`}>{r.incident_title}</a>
                  ) : (
                    t.deletedIncident
                  )}
                  {r.ended_at ? (
                    <>
                      {" "}
                      ({t.ended}
                      <Time at={r.ended_at} lang={lang} />)
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
