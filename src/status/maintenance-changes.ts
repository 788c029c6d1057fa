// A maintenance changed by an admin after it was scheduled: edited while scheduled or in
// progress, or called off (a scheduled one never starts; one in progress ends now).
import { recordAudit } from "../audit/service";
import type { Deps } from "../deps";
import { emitEvent } from "../webhooks-out/service";
import { ComponentError, componentsNamed, settleComponents } from "./components";
import {
  advanceMaintenances,
  type Maintenance,
  type MaintenanceChanges,
  MaintenanceClosed,
  MaintenanceNotFound,
  type MaintenanceWithComponents,
  maintenanceJson,
  notifyOf,
} from "./maintenance";
import {
  componentsOfMaintenances,
  findMaintenance,
  replaceMaintenanceComponents,
  updateMaintenance,
} from "./queries";

const OPEN: readonly Maintenance["status"][] = ["scheduled", "in_progress"];

/** The maintenance, if it may still change; otherwise the typed error the caller maps. */
async function openMaintenance(deps: Deps, id: number) {
  const found = await findMaintenance(deps.db, id);
  if (!found) throw new MaintenanceNotFound(`No maintenance has the id ${id}.`);
  if (!OPEN.includes(found.status)) throw new MaintenanceClosed(found.status);
  return found;
}

async function withComponents(deps: Deps, id: number): Promise<MaintenanceWithComponents> {
  const maintenance = await findMaintenance(deps.db, id);
  if (!maintenance) throw new MaintenanceNotFound(`No maintenance has the id ${id}.`);
  const components = await componentsOfMaintenances(deps.db, [id]);
  return { maintenance, components: components.map(({ slug, name }) => ({ slug, name })) };
}

/**
 * Every check first (an invalid edit writes nothing), then the edit; its components are settled
 * (those taken out leave `maintenance`, those added enter it if it is in progress), and the clock
 * places it again: a start moved into the past begins it now, an end moved there completes it.
 * Subscribers of the components it named before or names now are told, unless the clock's move
 * told them already.
 */
export async function editMaintenance(
  deps: Deps,
  id: number,
  changes: MaintenanceChanges,
  actor: string,
): Promise<MaintenanceWithComponents> {
  const current = await openMaintenance(deps, id);
  if (!changesShown(changes)) return keepNotifySetting(deps, current, changes.notify);
  const startsAt = changes.starts_at ?? current.startsAt;
  const endsAt = changes.ends_at ?? current.endsAt;
  if (endsAt <= startsAt) {
    const field = changes.ends_at ? "ends_at" : "starts_at";
    throw new ComponentError([
      { field, message: "The end must come after the start.", code: "endBeforeStart" },
    ]);
  }
  const named = changes.components
    ? await componentsNamed(deps, [...new Set(changes.components)])
    : undefined;
  const before = await componentsOfMaintenances(deps.db, [id]);
  const now = deps.clock.now().toISOString();
  // Forward moves are the clock's (advanceMaintenances); a start moved into the future is not.
  const status = current.status === "in_progress" && now < startsAt ? "scheduled" : current.status;
  await updateMaintenance(deps.db, id, {
    title: changes.title ?? current.title,
    body: changes.body ?? current.body,
    startsAt,
    endsAt,
    notify: changes.notify ?? current.notify,
    status,
    updatedAt: now,
  });
  if (named)
    await replaceMaintenanceComponents(
      deps.db,
      id,
      named.map((c) => c.id),
    );
  const edited = await withComponents(deps, id);
  await emitEvent(deps, "maintenance.updated", maintenanceJson(edited));
  await settleComponents(deps, [...before, ...(named ?? [])].map(componentIdOf));
  await advanceMaintenances(deps);
  deps.statusPages.forget();
  const after = await withComponents(deps, id);
  await recordAudit(deps, {
    actor,
    action: "maintenance.updated",
    summary: `Maintenance "${after.maintenance.title}" edited`,
    details: {
      maintenance_id: id,
      changed: Object.keys(changes),
      status: after.maintenance.status,
    },
  });
  const movedByClock = after.maintenance.status !== status;
  if ((changes.notify ?? current.notify) && !movedByClock) {
    await notifyOf(deps, id, "updated", unionBySlug(before, after.components));
  }
  return after;
}

/** Only the setting for its later moments changes: nothing to tell anyone now. */
async function keepNotifySetting(deps: Deps, current: Maintenance, notify: boolean | undefined) {
  if (notify !== undefined && notify !== current.notify) {
    const now = deps.clock.now().toISOString();
    await updateMaintenance(deps.db, current.id, { notify, updatedAt: now });
  }
  return withComponents(deps, current.id);
}

/** Whether the edit names a field people see (anything but `notify`). */
const changesShown = (changes: MaintenanceChanges) =>
  Object.entries(changes).some(([key, value]) => key !== "notify" && value !== undefined);

const componentIdOf = (c: { componentId: number } | { id: number }) =>
  "componentId" in c ? c.componentId : c.id;

const unionBySlug = (a: { slug: string }[], b: { slug: string }[]) => [
  ...new Map([...a, ...b].map((c) => [c.slug, { slug: c.slug }])).values(),
];

/**
 * Calls it off: a scheduled one becomes `cancelled` and never starts; one in progress ends now
 * (`completed`, its end set to now) and its components return to operational unless an open
 * incident or another maintenance holds them.
 */
export async function cancelMaintenance(
  deps: Deps,
  id: number,
  options: { notify?: boolean },
  actor: string,
): Promise<MaintenanceWithComponents> {
  const current = await openMaintenance(deps, id);
  const now = deps.clock.now().toISOString();
  const begun = current.status === "in_progress";
  await updateMaintenance(
    deps.db,
    id,
    begun
      ? { status: "completed", endsAt: now, updatedAt: now }
      : { status: "cancelled", updatedAt: now },
  );
  const after = await withComponents(deps, id);
  await emitEvent(
    deps,
    begun ? "maintenance.completed" : "maintenance.updated",
    maintenanceJson(after),
  );
  if (begun) {
    const held = await componentsOfMaintenances(deps.db, [id]);
    await settleComponents(deps, held.map(componentIdOf));
  }
  deps.statusPages.forget();
  await recordAudit(deps, {
    actor,
    action: "maintenance.cancelled",
    summary: `Maintenance "${current.title}" ${begun ? "ended early" : "cancelled"}`,
    details: { maintenance_id: id, was: current.status, status: after.maintenance.status },
  });
  if (options.notify ?? current.notify) {
    await notifyOf(deps, id, begun ? "completed" : "cancelled", after.components);
  }
  return after;
}
