// Components of the status page: what a valid one is, and the one rule for the status each is in.
import { z } from "zod";
import { COMPONENT_STATUSES } from "../../db/schema";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { slugField } from "../incidents/slug";
import { emitEvent } from "../webhooks-out/service";
import {
  applyStatusChanges,
  type Component,
  type ComponentStatus,
  componentsByIds,
  componentsBySlugs,
  componentsInOrder,
  componentsOfIncidents,
  groupNamed,
  groupsInOrder,
  heldStatuses,
  holdComponents,
  insertComponent,
} from "./queries";

export type { Component, ComponentStatus };
export { COMPONENT_STATUSES };

/** From best to worst: an outage during maintenance still shows as the outage. */
const SEVERITY: Record<ComponentStatus, number> = {
  operational: 0,
  maintenance: 1,
  degraded: 2,
  partial_outage: 3,
  major_outage: 4,
};

export const worstStatus = (statuses: Iterable<ComponentStatus>): ComponentStatus => {
  let worst: ComponentStatus = "operational";
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
};

/**
 * The rule: a component is in the worst status that an open incident or a maintenance in
 * progress holds it in, and `operational` when nothing holds it.
 */
export const settledStatus = (held: ComponentStatus[]): ComponentStatus => worstStatus(held);

export const componentStatus = z.enum(COMPONENT_STATUSES, {
  error: `One of ${COMPONENT_STATUSES.join(", ")}.`,
});

export const newComponentSchema = z.object({
  slug: slugField,
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(100, "At most 100 characters."),
  group: z
    .string()
    .trim()
    .max(100, "At most 100 characters.")
    .optional()
    .nullable()
    .transform((v) => v || null),
  description: z
    .string()
    .trim()
    .max(500, "At most 500 characters.")
    .optional()
    .nullable()
    .transform((v) => v || null),
});
export type NewComponent = z.output<typeof newComponentSchema>;

export const componentStatusSchema = z.object({ status: componentStatus });

/** A component name is taken, or a slug names none: the caller maps it to 422. */
export class ComponentError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
  }
}

export async function createComponent(deps: Deps, input: NewComponent): Promise<Component> {
  const now = deps.clock.now().toISOString();
  const group = input.group ? await groupNamed(deps.db, input.group) : undefined;
  const position = (await componentsInOrder(deps.db)).length;
  const component = await insertComponent(deps.db, {
    slug: input.slug,
    name: input.name,
    description: input.description,
    groupId: group?.id ?? null,
    position,
    status: "operational",
    statusSince: now,
    createdAt: now,
    updatedAt: now,
  });
  if (!component)
    throw new ComponentError([
      { field: "slug", message: "This slug is already used.", code: "slugTaken" },
    ]);
  deps.statusPages.forget();
  await emitComponentEvent(deps, "component.created", component);
  return component;
}

/** Tells outgoing webhooks (queued, never sent in the request), in the API's shape. */
async function emitComponentEvent(deps: Deps, type: string, component: Component) {
  const group =
    component.groupId === null
      ? null
      : ((await groupsInOrder(deps.db)).find((g) => g.id === component.groupId)?.name ?? null);
  await emitEvent(deps, type, componentJson(component, group));
}

/** `component.updated` for each of these (just moved) components, as they are now. */
async function emitComponentsUpdated(deps: Deps, ids: number[]) {
  for (const component of await componentsByIds(deps.db, ids)) {
    await emitComponentEvent(deps, "component.updated", component);
  }
}

/** An admin sets a status by hand; it stands until an incident or maintenance moves it. */
export async function setComponentStatus(
  deps: Deps,
  slug: string,
  status: ComponentStatus,
): Promise<Component | undefined> {
  const [component] = await componentsBySlugs(deps.db, [slug]);
  if (!component) return undefined;
  if (component.status !== status) {
    await applyStatusChanges(
      deps.db,
      [{ id: component.id, status }],
      deps.clock.now().toISOString(),
    );
    deps.statusPages.forget();
    await emitComponentsUpdated(deps, [component.id]);
  }
  return (await componentsBySlugs(deps.db, [slug]))[0];
}

/** The components named by slug, in the order given; an unknown slug is a field error. */
export async function componentsNamed(
  deps: Deps,
  slugs: string[],
  field = "components",
): Promise<Component[]> {
  const found = new Map((await componentsBySlugs(deps.db, slugs)).map((c) => [c.slug, c]));
  const unknown = slugs.filter((s) => !found.has(s));
  if (unknown.length) {
    throw new ComponentError(
      unknown.map((s) => ({
        field,
        message: `No component has the slug "${s}".`,
        code: "noSuchComponent",
        values: { slug: s },
      })),
    );
  }
  return slugs.map((s) => found.get(s) as Component);
}

/** Applies the rule to these components now, recording each that changes. */
export async function settleComponents(deps: Deps, componentIds: number[]): Promise<void> {
  const ids = [...new Set(componentIds)];
  if (!ids.length) return;
  const [current, held] = await Promise.all([
    componentsByIds(deps.db, ids),
    heldStatuses(deps.db, ids),
  ]);
  const changes = current.flatMap((c) => {
    const status = settledStatus(held.filter((h) => h.componentId === c.id).map((h) => h.status));
    return status === c.status ? [] : [{ id: c.id, status }];
  });
  await applyStatusChanges(deps.db, changes, deps.clock.now().toISOString());
  if (!changes.length) return;
  deps.statusPages.forget();
  await emitComponentsUpdated(
    deps,
    changes.map((c) => c.id),
  );
}

export async function listComponents(deps: Deps) {
  const [components, groups] = await Promise.all([
    componentsInOrder(deps.db),
    groupsInOrder(deps.db),
  ]);
  return { components, groups };
}

/** The public JSON shape of a component (part of the HTTP contract). */
export const componentJson = (c: Component, groupName: string | null) => ({
  slug: c.slug,
  name: c.name,
  description: c.description,
  group: groupName,
  status: c.status,
  status_since: c.statusSince,
  updated_at: c.updatedAt,
});

export const componentsOfIncidentSchema = z
  .array(z.object({ slug: slugField, status: componentStatus }))
  .max(50, "At most 50 components.")
  .optional()
  .default([]);
export type HeldComponent = z.output<typeof componentsOfIncidentSchema>[number];

/**
 * Checks every slug before the incident is written (an unknown one changes nothing: it throws
 * ComponentError), and returns what to hold once it is.
 */
export async function resolveHeldComponents(deps: Deps, held: HeldComponent[]) {
  const bySlug = new Map(held.map((h) => [h.slug, h.status]));
  const found = await componentsNamed(deps, [...bySlug.keys()]);
  return found.map((c) => ({ componentId: c.id, status: bySlug.get(c.slug) as ComponentStatus }));
}

/**
 * After an incident is created or updated: it holds the given components in their statuses,
 * then every component it names is settled (so resolving it releases them).
 */
export async function settleIncidentComponents(
  deps: Deps,
  incidentId: number,
  held: { componentId: number; status: ComponentStatus }[],
) {
  await holdComponents(deps.db, incidentId, held);
  const named = await componentsOfIncidents(deps.db, [incidentId]);
  await settleComponents(
    deps,
    named.map((n) => n.componentId),
  );
}
