// The audit log in the admin.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { latestAudit } from "./service";
import { AuditPage } from "./views";

export const auditAdmin = new Hono<AppEnv>();

auditAdmin.get("/admin/audit", async (c) => {
  const list = c.req.query("list");
  const listId = list && /^\d{1,15}$/.test(list) ? Number(list) : undefined;
  const entries = await latestAudit(c.var.deps, 200, undefined, listId);
  return c.html(<AuditPage email={c.var.admin.email} entries={entries} />);
});
