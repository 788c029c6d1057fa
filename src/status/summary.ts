// Everything the status page, its JSON (Statuspage shapes), the badge and the embed show, read once.
import type { Deps } from "../deps";
import type { Incident } from "../incidents/queries";
import { openAndRecentIncidents } from "../incidents/service";
import { listComponents, worstStatus } from "./components";
import { componentHistory, type HistoryDay, historyDays } from "./history";
import { currentMaintenances, type MaintenanceWithComponents } from "./maintenance";
import {
  type Component,
  type ComponentGroup,
  type ComponentStatus,
  componentIncidentsSince,
  componentsOfIncidents,
  statusChangesSince,
  statusesBefore,
} from "./queries";

export type Overall = { status: ComponentStatus; since: string | null };

/** What an open incident that names no component says of the whole service, by its impact. */
const IMPACT_STATUS: Record<string, ComponentStatus> = {
  none: "operational",
  minor: "degraded",
  major: "partial_outage",
  critical: "major_outage",
};

/**
 * The overall status is the worst of the components' and of the open incidents that name no
 * component (those that do count through their components). It began when the first thing still
 * in it entered it; all operational, when the last one recovered.
 */
export function overallStatus(components: Component[], unattached: Incident[] = []): Overall {
  const entries = [
    ...components.map((c) => ({ status: c.status, since: c.statusSince })),
    ...unattached.map((i) => ({
      status: IMPACT_STATUS[i.impact] ?? "operational",
      since: i.createdAt,
    })),
  ];
  const status = worstStatus(entries.map((e) => e.status));
  const at = entries
    .filter((e) => e.status === status)
    .map((e) => e.since)
    .sort();
  return { status, since: (status === "operational" ? at.at(-1) : at[0]) ?? null };
}

export type StatusSummary = {
  overall: Overall;
  groups: ComponentGroup[];
  components: Component[];
  open: Incident[];
  recent: Incident[];
  incidentComponents: Awaited<ReturnType<typeof componentsOfIncidents>>;
  maintenances: MaintenanceWithComponents[];
};

export async function statusSummary(deps: Deps): Promise<StatusSummary> {
  const [{ components, groups }, incidents, maintenances] = await Promise.all([
    listComponents(deps),
    openAndRecentIncidents(deps),
    currentMaintenances(deps),
  ]);
  const incidentComponents = await componentsOfIncidents(
    deps.db,
    incidents.map((i) => i.id),
  );
  const open = incidents.filter((i) => !i.resolvedAt);
  const attached = new Set(incidentComponents.map((c) => c.incidentId));
  return {
    overall: overallStatus(
      components,
      open.filter((i) => !attached.has(i.id)),
    ),
    groups,
    components,
    open,
    recent: incidents.filter((i) => i.resolvedAt),
    incidentComponents,
    maintenances,
  };
}

/** Each component's 90-day strip, by component id. */
export async function componentHistories(
  deps: Deps,
  components: Component[],
): Promise<Map<number, HistoryDay[]>> {
  const strip = historyDays(deps.clock.now(), deps.config.orgTimezone);
  const start = strip[0]?.start ?? deps.clock.now().toISOString();
  const [before, changes, touches] = await Promise.all([
    statusesBefore(deps.db, start),
    statusChangesSince(deps.db, start),
    componentIncidentsSince(deps.db, start),
  ]);
  const startOf = new Map(before.map((b) => [b.componentId, b.status]));
  return new Map(
    components.map((c) => [
      c.id,
      componentHistory(
        strip,
        startOf.get(c.id),
        changes.filter((x) => x.componentId === c.id),
        touches.filter((x) => x.componentId === c.id),
      ),
    ]),
  );
}
