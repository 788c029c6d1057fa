// Public incident pages, their JSON and Atom forms, and the incidents JSON API.
import { Hono } from "hono";
import { etag } from "hono/etag";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { followFormScope, formGuard, roundedDown } from "../subscriptions/bot-fields";
import { errorPage } from "../views/errors";
import { incidentsFeed } from "./atom";
import {
  createIncident,
  feedIncidents,
  incidentById,
  incidentJson,
  incidentPage,
  newIncidentSchema,
  newUpdateSchema,
  postmortemSchema,
  postUpdate,
  writePostmortem,
} from "./service";
import { IncidentPublicPage } from "./views";

/**
 * Everyone opens an incident page at once: browsers keep it 15 s and shared caches (the edge on
 * Workers) 30 s, then revalidate with the ETag. The language comes from a cookie or the header.
 */
const PUBLIC_CACHE = "public, max-age=15, s-maxage=30";
const SHARED_CACHE_MS = 30_000;

export const incidentPages = new Hono<AppEnv>();

incidentPages.use("/incidents/*", etag());
incidentPages.use("/incidents.atom", etag());

incidentPages.get("/incidents.atom", async (c) => {
  const deps = c.var.deps;
  const xml = incidentsFeed(
    await feedIncidents(deps),
    deps.config.publicUrl,
    deps.clock.now().toISOString(),
  );
  return c.body(xml, 200, {
    "Content-Type": "application/atom+xml; charset=utf-8",
    "Cache-Control": "public, max-age=60",
  });
});

incidentPages.get("/incidents/:slug", async (c) => {
  const param = c.req.param("slug");
  const asJson = param.endsWith(".json");
  const slug = asJson ? param.slice(0, -".json".length) : param;
  const page = await incidentPage(c.var.deps, slug);
  if (!page) {
    return asJson ? problem(c, 404, `No incident has the slug "${slug}".`) : errorPage(c, 404);
  }
  c.header("Cache-Control", PUBLIC_CACHE);
  if (asJson) return c.json(incidentJson(page));
  c.header("Vary", "Accept-Language, Cookie");
  // The follow form's display time is the cache's: rounded down, so the ETag holds meanwhile.
  const shown = roundedDown(c.var.deps.clock.now(), SHARED_CACHE_MS);
  const guard = formGuard(c.var.deps, followFormScope(page.incident.slug), shown);
  return c.html(
    <IncidentPublicPage page={page} lang={c.var.lang} path={c.req.path} guard={guard} />,
  );
});

export const incidentApi = new Hono<AppEnv>();

const notFound = (c: Parameters<typeof problem>[0], id: string) =>
  problem(c, 404, `No incident has the id ${id}.`);

incidentApi.post("/api/v1/incidents", async (c) => {
  const body = await parseJson(c, newIncidentSchema);
  if (!body.ok) return body.response;
  const result = await createIncident(c.var.deps, body.value);
  if (!result.ok) {
    return problem(c, 422, result.errors.map((e) => `${e.field}: ${e.message}`).join("; "), {
      errors: result.errors,
    });
  }
  const page = await incidentById(c.var.deps, result.incident.id);
  return c.json({ id: result.incident.id, ...(page ? incidentJson(page) : {}) }, 201);
});

incidentApi.get("/api/v1/incidents/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const page = id === undefined ? undefined : await incidentById(c.var.deps, id);
  if (!page) return notFound(c, c.req.param("id"));
  return c.json({ id: page.incident.id, ...incidentJson(page) });
});

incidentApi.post("/api/v1/incidents/:id/updates", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return notFound(c, c.req.param("id"));
  const body = await parseJson(c, newUpdateSchema);
  if (!body.ok) return body.response;
  const update = await postUpdate(c.var.deps, id, body.value);
  if (!update) return notFound(c, c.req.param("id"));
  return c.json(
    {
      id: update.id,
      incident_id: id,
      status: update.status,
      body: update.body,
      created_at: update.createdAt,
    },
    201,
  );
});

incidentApi.put("/api/v1/incidents/:id/postmortem", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return notFound(c, c.req.param("id"));
  const body = await parseJson(
    c,
    postmortemSchema.extend({ postmortem: z.string().trim().max(20_000) }),
  );
  if (!body.ok) return body.response;
  if (!(await writePostmortem(c.var.deps, id, body.value))) return notFound(c, c.req.param("id"));
  return c.json({ id, postmortem: body.value.postmortem || null });
});
