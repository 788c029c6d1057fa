// Admin pages of the suppression list.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { removalInput, removeSuppression, searchSuppressions, suppressionQuery } from "./service";
import { SuppressionsPage } from "./views";

export const suppressionAdmin = new Hono<AppEnv>();

suppressionAdmin.get("/admin/suppressions", async (c) => {
  const query = suppressionQuery.parse(c.req.query());
  const search = await searchSuppressions(c.var.deps, query);
  const notice =
    c.req.query("lifted") === "1" ? "Suppression lifted; recorded in the audit log." : undefined;
  return c.html(
    <SuppressionsPage email={c.var.admin.email} query={query} search={search} notice={notice} />,
    search.errors.length ? 422 : 200,
  );
});

suppressionAdmin.post("/admin/suppressions/remove", async (c) => {
  const form = await c.req.parseBody();
  const query = suppressionQuery.parse({ address: form.address });
  const note = typeof form.note === "string" ? form.note : "";
  const parsed = removalInput.safeParse({ hash: form.hash, note });
  const rerender = async (hash: string, message: string, status: 404 | 409 | 422) => {
    const search = await searchSuppressions(c.var.deps, query);
    return c.html(
      <SuppressionsPage
        email={c.var.admin.email}
        query={query}
        search={search}
        notice={search.rows.some((r) => r.addressHash === hash) ? undefined : message}
        rowError={{ hash, message, note }}
      />,
      status,
    );
  };
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Invalid input.";
    return rerender(typeof form.hash === "string" ? form.hash : "", message, 422);
  }
  const result = await removeSuppression(c.var.deps, c.var.admin.email, parsed.data);
  if (!result.ok) return rerender(parsed.data.hash, result.message, result.status);
  const back = query.address ? `&address=${encodeURIComponent(query.address)}` : "";
  return c.redirect(`/admin/suppressions?lifted=1${back}`, 303);
});
