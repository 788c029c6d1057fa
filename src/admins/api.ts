// The team over the JSON API (owners only, by the role table): invite, list, change role, remove.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { ADMIN_ERROR_STATUS, invitation, roleChange } from "./input";
import { AdminError, changeRole, inviteAdmin, listAdmins, removeAdmin } from "./service";

/** The domain's refusals, as problem+json. */
export function adminProblem(c: Context<AppEnv>, error: unknown) {
  if (error instanceof AdminError) return problem(c, ADMIN_ERROR_STATUS[error.kind], error.message);
  throw error;
}

export const adminsApi = new Hono<AppEnv>();

adminsApi.get("/api/v1/admins", async (c) => c.json({ items: await listAdmins(c.var.deps) }));

adminsApi.post("/api/v1/admins", async (c) => {
  const body = await parseJson(c, invitation);
  if (!body.ok) return body.response;
  try {
    return c.json(await inviteAdmin(c.var.deps, c.var.admin, body.value), 201);
  } catch (error) {
    return adminProblem(c, error);
  }
});

adminsApi.patch("/api/v1/admins/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return problem(c, 404, `No admin with id ${c.req.param("id")}.`);
  const body = await parseJson(c, roleChange);
  if (!body.ok) return body.response;
  try {
    return c.json(await changeRole(c.var.deps, c.var.admin, id, body.value.role));
  } catch (error) {
    return adminProblem(c, error);
  }
});

adminsApi.delete("/api/v1/admins/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return problem(c, 404, `No admin with id ${c.req.param("id")}.`);
  try {
    await removeAdmin(c.var.deps, c.var.admin, id);
    return c.body(null, 204);
  } catch (error) {
    return adminProblem(c, error);
  }
});
