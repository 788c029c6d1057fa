// JSON API for lists: create, list, read with counts per consent state, edit.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { parseJson, problem } from "../http/problem";
import { listFromParam } from "./load";
import {
  allLists,
  countsByState,
  createList,
  editList,
  listEdit,
  listInput,
  listJson,
  setArchived,
} from "./service";

export const listsApi = new Hono<AppEnv>();

listsApi.post("/api/v1/lists", async (c) => {
  const body = await parseJson(c, listInput);
  if (!body.ok) return body.response;
  const result = await createList(c.var.deps, c.var.admin.email, body.value);
  if (!result.ok) {
    return problem(c, 422, result.errors.map((e) => `${e.field}: ${e.message}`).join("; "), {
      errors: result.errors,
    });
  }
  return c.json(listJson(result.list), 201);
});

listsApi.get("/api/v1/lists", async (c) =>
  c.json({ items: (await allLists(c.var.deps)).map(listJson) }),
);

listsApi.get("/api/v1/lists/:id", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  return c.json({ ...listJson(list), counts: await countsByState(c.var.deps, list.id) });
});

listsApi.patch("/api/v1/lists/:id", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  const body = await parseJson(c, listEdit.extend({ archived: z.boolean().optional() }));
  if (!body.ok) return body.response;
  const { archived, ...edit } = body.value;
  if (archived !== undefined) await setArchived(c.var.deps, list, archived);
  const updated = await editList(c.var.deps, c.var.admin.email, list, edit);
  return c.json({ ...listJson(updated), counts: await countsByState(c.var.deps, list.id) });
});
