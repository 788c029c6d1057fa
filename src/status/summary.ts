// Everything the status page, its JSON (Statuspage shapes), the badge and the embed show, read once.
import type { Deps } from "../deps";
import type { Incident } from "../incidents/queries";
import { openAndRecentIncidents } from "../incidents/service";
import { listComponents, worstStatus } from "./components";
import { componentHistory, type HistoryDay, historyStart } from "./history";
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

/**
 * The overall status is the worst component's; it began when the first component still in it
 * entered it (all operational: when the last one recovered).
 */
export function overallStatus(components: Component[]): Overall {
  const status = worstStatus(components.map((c) => c.status));
  const at = components.filter((c) => c.status === status).map((c) => c.statusSince);
  if (!at.length) return { status, since: null };
  return {
    status,
    since: status === "operational" ? (at.sort().at(-1) ?? null) : (at.sort()[0] ?? null),
  };
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
  return {
    overall: overallStatus(components),
    groups,
    components,
    open: incidents.filter((i) => !i.resolvedAt),
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
  const start = historyStart(deps.clock.now());
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
        start,
        startOf.get(c.id),
        changes.filter((x) => x.componentId === c.id),
        touches.filter((x) => x.componentId === c.id),
      ),
    ]),
  );
}
