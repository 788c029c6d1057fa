// Public incident pages, their JSON and Atom forms, and the incidents JSON API.
import { Hono } from "hono";
import { etag } from "hono/etag";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { componentErrorProblem } from "../status/api";
import { PUBLIC_CACHE, rememberedPage } from "../status/page-routes";
import { followFormScope, formGuard, roundedDown } from "../subscriptions/bot-fields";
import { errorPage } from "../views/errors";
import { siteOf, withOrgName } from "../views/org";
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

/** Shared caches keep an incident page 30 s (PUBLIC_CACHE): the follow form's display time too. */
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
    deps.config.orgName,
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
  const deps = c.var.deps;
  if (!asJson) {
    // Rendered at most once a second per language (see status/page-memory.ts).
    const response = await rememberedPage(c, async () => {
      const page = await incidentPage(deps, slug);
      if (!page) return null;
      // The follow form's display time is the caches': rounded down, so a cached copy stays usable.
      const shown = roundedDown(deps.clock.now(), SHARED_CACHE_MS);
      const guard = formGuard(deps, followFormScope(page.incident.slug), shown);
      const html = (
        <IncidentPublicPage page={page} lang={c.var.lang} path={c.req.path} guard={guard} />
      );
      return String(await withOrgName(siteOf(deps), html).toString());
    });
    return response ?? errorPage(c, 404);
  }
  const page = await incidentPage(deps, slug);
  if (!page) return problem(c, 404, `No incident has the slug "${slug}".`);
  c.header("Cache-Control", PUBLIC_CACHE);
  return c.json(incidentJson(page));
});

export const incidentApi = new Hono<AppEnv>();

const notFound = (c: Parameters<typeof problem>[0], id: string) =>
  problem(c, 404, `No incident has the id ${id}.`);

incidentApi.post("/api/v1/incidents", async (c) => {
  const body = await parseJson(c, newIncidentSchema);
  if (!body.ok) return body.response;
  let result: Awaited<ReturnType<typeof createIncident>>;
  try {
    result = await createIncident(c.var.deps, body.value);
  } catch (error) {
    return componentErrorProblem(c, error);
  }
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
  let update: Awaited<ReturnType<typeof postUpdate>>;
  try {
    update = await postUpdate(c.var.deps, id, body.value);
  } catch (error) {
    return componentErrorProblem(c, error);
  }
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
