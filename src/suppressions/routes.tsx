// The suppression list: its admin page, and the JSON API (`GET /api/v1/suppressions?q=`).
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { fieldErrors, parseJson, problem } from "../http/problem";
import { messages } from "../messages";
import { readSort } from "../views/sort";
import {
  removalInput,
  removeSuppression,
  SUPPRESSION_SORTS,
  searchSuppressions,
  suppressionJson,
  suppressionQuery,
} from "./service";
import { SuppressionsPage } from "./views";

export const suppressionAdmin = new Hono<AppEnv>();

suppressionAdmin.get("/admin/suppressions", async (c) => {
  const query = suppressionQuery.parse(c.req.query());
  const sort = readSort(c.req.query(), SUPPRESSION_SORTS, { key: "date", dir: "desc" });
  const search = await searchSuppressions(c.var.deps, query, 100, sort);
  const notice =
    c.req.query("lifted") === "1" ? messages(c.var.adminLang).suppressions.lifted : undefined;
  return c.html(
    <SuppressionsPage
      email={c.var.admin.email}
      query={query}
      search={search}
      notice={notice}
      sort={sort}
    />,
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
    const first = fieldErrors(parsed.error)[0];
    const message = first
      ? errorText(c.var.adminLang, first)
      : messages(c.var.adminLang).formErrors.invalid;
    return rerender(typeof form.hash === "string" ? form.hash : "", message, 422);
  }
  const result = await removeSuppression(c.var.deps, c.var.admin.email, parsed.data);
  if (!result.ok) {
    const error = { field: "hash", message: result.message, code: REFUSAL_CODES[result.reason] };
    const message = errorText(c.var.adminLang, error);
    return rerender(parsed.data.hash, message, result.reason === "not_found" ? 404 : 409);
  }
  const back = query.address ? `&address=${encodeURIComponent(query.address)}` : "";
  return c.redirect(`/admin/suppressions?lifted=1${back}`, 303);
});

const REFUSAL_CODES = { not_found: "notSuppressed", not_liftable: "ownAct" } as const;

export const suppressionsApi = new Hono<AppEnv>();

/** `q` is an address: hashed to look it up, never stored; without it, the latest suppressions. */
suppressionsApi.get("/api/v1/suppressions", async (c) => {
  const q = c.req.query("q") ?? "";
  if (q.length > 320) {
    return problem(c, 422, "q: at most 320 characters.", {
      errors: [{ field: "q", message: "At most 320 characters." }],
    });
  }
  const search = await searchSuppressions(c.var.deps, { address: q.trim(), reason: undefined });
  if (search.errors.length) {
    const errors = search.errors.map((e) => ({ field: "q", message: e.message }));
    return problem(c, 422, `q: ${errors[0]?.message}`, { errors });
  }
  return c.json({ items: search.rows.map(suppressionJson) });
});

suppressionsApi.delete("/api/v1/suppressions/:hash", async (c) => {
  const body = await parseJson(c, removalInput.omit({ hash: true }));
  if (!body.ok) return body.response;
  const hash = removalInput.shape.hash.safeParse(c.req.param("hash"));
  if (!hash.success) return problem(c, 404, "Not a suppression of this list.");
  const result = await removeSuppression(c.var.deps, c.var.admin.email, {
    hash: hash.data,
    note: body.value.note,
  });
  if (!result.ok) return problem(c, result.reason === "not_found" ? 404 : 409, result.message);
  return c.body(null, 204);
});
