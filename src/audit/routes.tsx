// The audit log in the admin.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { readSort } from "../views/sort";
import { latestAudit } from "./service";
import { AUDIT_SORTS, AuditPage } from "./views";

export const auditAdmin = new Hono<AppEnv>();

auditAdmin.get("/admin/audit", async (c) => {
  const list = c.req.query("list");
  const listId = list && /^\d{1,15}$/.test(list) ? Number(list) : undefined;
  const sort = readSort(c.req.query(), AUDIT_SORTS, { key: "date", dir: "desc" });
  const entries = await latestAudit(c.var.deps, 200, undefined, listId, sort.dir === "asc");
  return c.html(
    <AuditPage email={c.var.admin.email} entries={entries} sort={sort} listId={listId} />,
  );
});
