// /api/v2/summary.json and /api/v2/status.json in Atlassian Statuspage's public API shapes, so
// widgets and integrations written for Statuspage read Relance as they are.
import type { Config } from "../config";
import type { Incident, IncidentUpdate } from "../incidents/queries";
import { worstStatus } from "./components";
import { zoneClock } from "./history";
import type { MaintenanceWithComponents } from "./maintenance";
import type { Component, ComponentStatus } from "./queries";
import type { StatusSummary } from "./summary";

const PAGE_ID = "status";

/** Statuspage's names for our component statuses. */
export const STATUSPAGE_COMPONENT: Record<ComponentStatus, string> = {
  operational: "operational",
  degraded: "degraded_performance",
  partial_outage: "partial_outage",
  major_outage: "major_outage",
  maintenance: "under_maintenance",
};

const INDICATOR: Record<ComponentStatus, Indicator> = {
  operational: "none",
  maintenance: "maintenance",
  degraded: "minor",
  partial_outage: "major",
  major_outage: "critical",
};
type Indicator = "none" | "minor" | "major" | "critical" | "maintenance";
const INDICATOR_RANK: Indicator[] = ["none", "maintenance", "minor", "major", "critical"];
const DESCRIPTION: Record<Indicator, string> = {
  none: "All Systems Operational",
  minor: "Minor Service Outage",
  major: "Partial System Outage",
  critical: "Major System Outage",
  maintenance: "Service Under Maintenance",
};

/** The worst of the components' status and the open incidents' impact, as Statuspage says it. */
export function indicatorOf(summary: Pick<StatusSummary, "overall" | "open">) {
  const impacts = summary.open.map((i) => (i.impact === "none" ? "none" : (i.impact as Indicator)));
  const indicator = [INDICATOR[summary.overall.status], ...impacts].reduce((worst, x) =>
    INDICATOR_RANK.indexOf(x) > INDICATOR_RANK.indexOf(worst) ? x : worst,
  );
  return { indicator, description: DESCRIPTION[indicator] };
}

const updatedAt = (summary: StatusSummary, now: string) =>
  [
    ...summary.components.map((c) => c.updatedAt),
    ...summary.open.map((i) => i.updatedAt),
    ...summary.maintenances.map((m) => m.maintenance.updatedAt),
  ]
    .sort()
    .at(-1) ?? now;

export const statusJson = (summary: StatusSummary, config: Config, now: string) => ({
  page: {
    id: PAGE_ID,
    name: config.orgName,
    url: config.publicUrl,
    time_zone: config.orgTimezone,
    updated_at: updatedAt(summary, now),
  },
  status: indicatorOf(summary),
});

/** Groups and components; `start_date` is the day each began, in the organisation's zone. */
export function componentsJson(
  summary: Pick<StatusSummary, "groups" | "components">,
  zone: string,
) {
  const localDate = zoneClock(zone).localDate;
  const groupSlug = (id: number) => `group-${id}`;
  const members = (groupId: number) =>
    summary.components.filter((c) => c.groupId === groupId).map((c) => c.slug);
  const groups = summary.groups
    .filter((g) => members(g.id).length)
    .map((g) => {
      const inside = summary.components.filter((c) => c.groupId === g.id);
      return {
        id: groupSlug(g.id),
        name: g.name,
        status: STATUSPAGE_COMPONENT[worstOf(inside)],
        created_at: inside[0]?.createdAt ?? null,
        updated_at:
          inside
            .map((c) => c.updatedAt)
            .sort()
            .at(-1) ?? null,
        position: g.position,
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: PAGE_ID,
        group: true,
        only_show_if_degraded: false,
        components: members(g.id),
      };
    });
  const components = summary.components.map((c: Component) => ({
    id: c.slug,
    name: c.name,
    status: STATUSPAGE_COMPONENT[c.status],
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    position: c.position,
    description: c.description,
    showcase: true,
    start_date: localDate(c.createdAt),
    group_id: c.groupId === null ? null : groupSlug(c.groupId),
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  }));
  return [...groups, ...components];
}

const worstOf = (components: Component[]) => worstStatus(components.map((c) => c.status));

export function incidentJson(
  incidentComponents: StatusSummary["incidentComponents"],
  incident: Incident,
  updates: IncidentUpdate[],
  config: Config,
) {
  const components = incidentComponents
    .filter((c) => c.incidentId === incident.id)
    .map((c) => ({ id: c.slug, name: c.name, status: STATUSPAGE_COMPONENT[c.status] }));
  const monitoring = updates.filter((u) => u.status === "monitoring").at(-1);
  return {
    id: incident.slug,
    name: incident.title,
    status: incident.status,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
    monitoring_at: monitoring?.createdAt ?? null,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: `${config.publicUrl}/incidents/${incident.slug}`,
    started_at: incident.createdAt,
    page_id: PAGE_ID,
    incident_updates: updates.map((u) => ({
      id: String(u.id),
      status: u.status,
      body: u.body,
      incident_id: incident.slug,
      created_at: u.createdAt,
      updated_at: u.createdAt,
      display_at: u.createdAt,
      affected_components: null,
    })),
    components,
  };
}

export function maintenanceJson(
  { maintenance: m, components }: MaintenanceWithComponents,
  config: Config,
) {
  const id = `maintenance-${m.id}`;
  return {
    id,
    name: m.title,
    status: m.status,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    monitoring_at: null,
    resolved_at: m.status === "completed" ? m.endsAt : null,
    impact: "maintenance",
    shortlink: `${config.publicUrl}/`,
    started_at: m.startsAt,
    page_id: PAGE_ID,
    incident_updates: [
      {
        id: `${id}-1`,
        status: m.status,
        body: m.body,
        incident_id: id,
        created_at: m.createdAt,
        updated_at: m.updatedAt,
        display_at: m.createdAt,
        affected_components: null,
      },
    ],
    components: components.map((c) => ({ id: c.slug, name: c.name, status: "under_maintenance" })),
    scheduled_for: m.startsAt,
    scheduled_until: m.endsAt,
  };
}

/** `updates`: the open incidents' updates, newest first. */
export const summaryJson = (
  summary: StatusSummary,
  updates: IncidentUpdate[],
  config: Config,
  now: string,
) => ({
  ...statusJson(summary, config, now),
  components: componentsJson(summary, config.orgTimezone),
  incidents: summary.open.map((i) =>
    incidentJson(
      summary.incidentComponents,
      i,
      updates.filter((u) => u.incidentId === i.id),
      config,
    ),
  ),
  scheduled_maintenances: summary.maintenances.map((m) => maintenanceJson(m, config)),
});
