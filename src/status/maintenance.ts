// Scheduled maintenance: what a valid one is, and how the clock moves it and its components.
import { z } from "zod";
import type { MaintenanceStage } from "../../db/schema";
import type { Deps } from "../deps";
import { notifyMaintenance } from "../subscriptions/notify";
import { emitEvent } from "../webhooks-out/service";
import { componentsNamed, settleComponents } from "./components";
import {
  attachMaintenanceComponents,
  componentsOfMaintenances,
  findMaintenance,
  insertMaintenance,
  type Maintenance,
  maintenancesDue,
  setMaintenanceStatus,
  upcomingMaintenances,
} from "./queries";

export type { Maintenance };

const instant = (what: string) =>
  z.iso
    .datetime({
      offset: true,
      error: `${what}: an ISO 8601 date and time, like 2026-03-01T22:00:00Z.`,
    })
    .transform((v) => new Date(v).toISOString());

const titleField = z
  .string({ error: "Enter a title." })
  .trim()
  .min(1, "Enter a title.")
  .max(200, "At most 200 characters.");
const bodyField = z
  .string({ error: "Describe the maintenance." })
  .trim()
  .min(1, "Describe the maintenance.")
  .max(20_000, "At most 20000 characters.");
const componentsField = z
  .array(z.string().trim().min(1, "A component slug cannot be empty."))
  .max(50, "At most 50 components.");
const notifyField = z.boolean({ error: "true or false." });

const END_AFTER_START = "The end must come after the start.";

export const newMaintenanceSchema = z
  .object({
    title: titleField,
    body: bodyField,
    starts_at: instant("Start"),
    ends_at: instant("End"),
    components: componentsField.optional().default([]),
    notify: notifyField.optional().default(true),
  })
  .refine((m) => m.ends_at > m.starts_at, {
    path: ["ends_at"],
    message: END_AFTER_START,
    params: { code: "endBeforeStart" },
    // Only once both dates parsed: an invalid start is reported as such, not as an order.
    when: (payload) => payload.issues.length === 0,
  });
export type NewMaintenance = z.output<typeof newMaintenanceSchema>;

/**
 * An edit: any of the fields, checked as on creation; the order of start and end is checked
 * against the dates the maintenance keeps (`editMaintenance`). `notify` absent: the
 * maintenance's own setting decides whether this edit is told.
 */
export const maintenanceChangesSchema = z.object({
  title: titleField.optional(),
  body: bodyField.optional(),
  starts_at: instant("Start").optional(),
  ends_at: instant("End").optional(),
  components: componentsField.optional(),
  notify: notifyField.optional(),
});
export type MaintenanceChanges = z.output<typeof maintenanceChangesSchema>;

/** `notify` absent: the maintenance's own setting decides. */
export const cancelMaintenanceSchema = z.object({ notify: notifyField.optional() });

/** No maintenance has this id: the caller answers 404. */
export class MaintenanceNotFound extends Error {
  override name = "MaintenanceNotFound";
}

/** Completed or cancelled: it can no longer change (the caller answers 409). */
export class MaintenanceClosed extends Error {
  override name = "MaintenanceClosed";
  constructor(readonly status: Maintenance["status"]) {
    super(`This maintenance is ${status}; only a scheduled or in-progress one can change.`);
  }
}

export type MaintenanceWithComponents = {
  maintenance: Maintenance;
  components: { slug: string; name: string }[];
};

/** Creates it (an unknown component slug throws ComponentError, nothing written), then lets the clock place it. */
export async function createMaintenance(
  deps: Deps,
  input: NewMaintenance,
): Promise<MaintenanceWithComponents> {
  const named = await componentsNamed(deps, [...new Set(input.components)]);
  const now = deps.clock.now().toISOString();
  const row = await insertMaintenance(deps.db, {
    title: input.title,
    body: input.body,
    startsAt: input.starts_at,
    endsAt: input.ends_at,
    notify: input.notify,
    status: "scheduled",
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw new Error("the maintenance was not written");
  await attachMaintenanceComponents(
    deps.db,
    row.id,
    named.map((c) => c.id),
  );
  const components = named.map((c) => ({ slug: c.slug, name: c.name }));
  await emitEvent(deps, "maintenance.created", maintenanceJson({ maintenance: row, components }));
  await advanceMaintenances(deps);
  deps.statusPages.forget();
  const maintenance = (await findMaintenance(deps.db, row.id)) ?? row;
  // Already begun (its start is past): the clock's move told of it, not "scheduled".
  if (maintenance.notify && maintenance.status === "scheduled") {
    await notifyOf(deps, maintenance.id, "scheduled", components);
  }
  return { maintenance, components };
}

/** Where the clock puts a maintenance: a pure rule, used by the job and by the pages. */
export const maintenanceStatusAt = (
  m: Pick<Maintenance, "startsAt" | "endsAt">,
  now: string,
): Maintenance["status"] =>
  now >= m.endsAt ? "completed" : now >= m.startsAt ? "in_progress" : "scheduled";

/**
 * The job (every minute on Node and on the Workers cron): each maintenance the clock has
 * overtaken takes its status, and its components are settled (into `maintenance`, or out).
 */
export async function advanceMaintenances(deps: Deps): Promise<number> {
  const now = deps.clock.now().toISOString();
  const due = await maintenancesDue(deps.db, now);
  for (const m of due) {
    const status = maintenanceStatusAt(m, now);
    await setMaintenanceStatus(deps.db, m.id, status, now);
    const components = await componentsOfMaintenances(deps.db, [m.id]);
    const moved = { maintenance: { ...m, status, updatedAt: now }, components };
    const type = status === "in_progress" ? "maintenance.started" : "maintenance.completed";
    await emitEvent(deps, type, maintenanceJson(moved));
    await settleComponents(
      deps,
      components.map((c) => c.componentId),
    );
    if (m.notify && status === "in_progress") await notifyOf(deps, m.id, status, components);
  }
  if (due.length) deps.statusPages.forget();
  return due.length;
}

/** Enqueues the notice to the page's subscribers it concerns; the mail leaves through the outbox. */
export const notifyOf = (
  deps: Deps,
  maintenanceId: number,
  stage: MaintenanceStage,
  components: { slug: string }[],
) =>
  notifyMaintenance(deps, {
    maintenanceId,
    stage,
    components: components.map((c) => c.slug),
    actor: "maintenance notice",
  });

/** Maintenance scheduled or in progress, with their components, soonest first. */
export async function currentMaintenances(deps: Deps): Promise<MaintenanceWithComponents[]> {
  const rows = await upcomingMaintenances(deps.db, 20);
  const named = await componentsOfMaintenances(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((maintenance) => ({
    maintenance,
    components: named.filter((n) => n.maintenanceId === maintenance.id),
  }));
}

/** The public JSON shape of a maintenance (part of the HTTP contract). */
export const maintenanceJson = ({ maintenance: m, components }: MaintenanceWithComponents) => ({
  id: m.id,
  title: m.title,
  body: m.body,
  status: m.status,
  starts_at: m.startsAt,
  ends_at: m.endsAt,
  notify: m.notify,
  components: components.map((c) => c.slug),
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});
