// Atlassian Statuspage's public read API (`/api/v2/…json`), which widgets and integrations poll:
// each answer is `{page, …}` in its shapes, readable cross-origin and cached like the pages.
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { incidentsRecentlyUpdated, updatesOf } from "../incidents/queries";
import type { MaintenanceWithComponents } from "./maintenance";
import { PUBLIC_CACHE } from "./page-routes";
import { componentsOfIncidents, componentsOfMaintenances, recentMaintenances } from "./queries";
import {
  componentsJson,
  incidentJson,
  maintenanceJson,
  statusJson,
  summaryJson,
} from "./statuspage";
import { type StatusSummary, statusSummary } from "./summary";

/** Every update of these incidents, newest first (none asked: none read). */
const updatesOfIncidents = (deps: Deps, ids: number[]) =>
  ids.length ? updatesOf(deps.db, ids) : Promise.resolve([]);

/** As many as Statuspage lists in `incidents.json` and `scheduled-maintenances.json`. */
const LISTED = 50;

export const statuspageRoutes = new Hono<AppEnv>();

statuspageRoutes.use("/api/v2/*", etag());

/** Widgets poll these from other sites: readable cross-origin, cached like the pages. */
const jsonHeaders = { "Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*" };

/** The summary every answer starts from (its `page`), and the page itself. */
async function pageOf(deps: Deps) {
  const summary = await statusSummary(deps);
  return { summary, page: statusJson(summary, deps.config, deps.clock.now().toISOString()).page };
}

statuspageRoutes.get("/api/v2/status.json", async (c) => {
  const deps = c.var.deps;
  const summary = await statusSummary(deps);
  return c.json(statusJson(summary, deps.config, deps.clock.now().toISOString()), 200, jsonHeaders);
});

statuspageRoutes.get("/api/v2/summary.json", async (c) => {
  const deps = c.var.deps;
  const summary = await statusSummary(deps);
  const updates = await updatesOfIncidents(
    deps,
    summary.open.map((i) => i.id),
  );
  const now = deps.clock.now().toISOString();
  return c.json(summaryJson(summary, updates, deps.config, now), 200, jsonHeaders);
});

statuspageRoutes.get("/api/v2/components.json", async (c) => {
  const { summary, page } = await pageOf(c.var.deps);
  const components = componentsJson(summary, c.var.deps.config.orgTimezone);
  return c.json({ page, components }, 200, jsonHeaders);
});

/** The incidents given, each with its updates and components, in Statuspage's shape. */
async function incidentsJson(deps: Deps, incidents: StatusSummary["open"]) {
  const ids = incidents.map((i) => i.id);
  const [updates, components] = await Promise.all([
    updatesOfIncidents(deps, ids),
    componentsOfIncidents(deps.db, ids),
  ]);
  return incidents.map((i) =>
    incidentJson(
      components,
      i,
      updates.filter((u) => u.incidentId === i.id),
      deps.config,
    ),
  );
}

statuspageRoutes.get("/api/v2/incidents.json", async (c) => {
  const deps = c.var.deps;
  const { page } = await pageOf(deps);
  const incidents = await incidentsJson(deps, await incidentsRecentlyUpdated(deps.db, LISTED));
  return c.json({ page, incidents }, 200, jsonHeaders);
});

statuspageRoutes.get("/api/v2/incidents/unresolved.json", async (c) => {
  const deps = c.var.deps;
  const { summary, page } = await pageOf(deps);
  return c.json({ page, incidents: await incidentsJson(deps, summary.open) }, 200, jsonHeaders);
});

const maintenancesJson = (deps: Deps, items: MaintenanceWithComponents[]) =>
  items.map((m) => maintenanceJson(m, deps.config));

statuspageRoutes.get("/api/v2/scheduled-maintenances.json", async (c) => {
  const deps = c.var.deps;
  const { page } = await pageOf(deps);
  const rows = await recentMaintenances(deps.db, LISTED);
  const named = await componentsOfMaintenances(
    deps.db,
    rows.map((r) => r.id),
  );
  const items = rows.map((maintenance) => ({
    maintenance,
    components: named.filter((n) => n.maintenanceId === maintenance.id),
  }));
  return c.json({ page, scheduled_maintenances: maintenancesJson(deps, items) }, 200, jsonHeaders);
});

/** Upcoming: still scheduled; active: in progress (the summary holds both, soonest first). */
for (const [path, status] of [
  ["/api/v2/scheduled-maintenances/upcoming.json", "scheduled"],
  ["/api/v2/scheduled-maintenances/active.json", "in_progress"],
] as const) {
  statuspageRoutes.get(path, async (c) => {
    const deps = c.var.deps;
    const { summary, page } = await pageOf(deps);
    const items = summary.maintenances.filter((m) => m.maintenance.status === status);
    return c.json(
      { page, scheduled_maintenances: maintenancesJson(deps, items) },
      200,
      jsonHeaders,
    );
  });
}
