// JSON API: the re-registrations received on a list.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { problem } from "../http/problem";
import { listFromParam } from "../lists/load";
import { listRegistrations, registrationJson } from "./registration";

export const registrationsApi = new Hono<AppEnv>();

registrationsApi.get("/api/v1/lists/:id/registrations", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  const items = await listRegistrations(c.var.deps, list.id);
  return c.json({ items: items.map(registrationJson) });
});
