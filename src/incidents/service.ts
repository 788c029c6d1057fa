// The rules of incidents: what a valid incident and update are, and how the timeline moves.
import { z } from "zod";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { findSend } from "../sending/queries";
import {
  componentsOfIncidentSchema,
  resolveHeldComponents,
  settleIncidentComponents,
} from "../status/components";
import { componentsOfIncidents } from "../status/queries";
import { notifySubscribers } from "../subscriptions/notify";
import { incidentPayload } from "../webhooks-out/events";
import { emitEvent } from "../webhooks-out/service";
import {
  appendUpdate,
  findIncidentById,
  findIncidentBySlug,
  type Incident,
  type IncidentUpdate,
  incidentsRecentlyUpdated,
  insertIncident,
  latestResolved,
  openIncidents,
  pollsOfIncident,
  updateIncident,
  updatesNewestFirst,
  updatesOf,
} from "./queries";
import { slugField } from "./slug";

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type Impact = (typeof IMPACTS)[number];

export { SLUG_PATTERN, slugField } from "./slug";

const MARKDOWN_MAX = 20_000;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));

/** Whether subscribers are told (default yes); the admin forms send "true" or "false". */
const notifyField = z
  .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], {
    error: "true or false.",
  })
  .optional()
  .default(true);

const status = z.enum(INCIDENT_STATUSES, {
  error: `One of ${INCIDENT_STATUSES.join(", ")}.`,
});

/** Field names are the API's (snake_case), and the admin forms use the same names. */
export const newIncidentSchema = z.object({
  slug: slugField,
  title: z
    .string({ error: "Enter a title." })
    .trim()
    .min(1, "Enter a title.")
    .max(200, "At most 200 characters."),
  title_en: optionalText(200),
  status,
  impact: z.enum(IMPACTS, { error: `One of ${IMPACTS.join(", ")}.` }),
  body: z
    .string({ error: "Describe the incident." })
    .trim()
    .min(1, "Describe the incident.")
    .max(MARKDOWN_MAX, `At most ${MARKDOWN_MAX} characters.`),
  body_en: optionalText(MARKDOWN_MAX),
  services: z
    .array(
      z.string().trim().min(1, "A service name cannot be empty.").max(80, "At most 80 characters."),
    )
    .max(20, "At most 20 services.")
    .optional()
    .default([]),
  /** The components it affects and the status it holds each in while open. */
  components: componentsOfIncidentSchema,
  notify: notifyField,
  /** Declared from a send's page: the send the facts came from. */
  from_send: z.coerce.number().int().positive().optional(),
});
export type NewIncident = z.output<typeof newIncidentSchema>;

export const newUpdateSchema = z.object({
  status,
  body: z
    .string({ error: "Write what changed." })
    .trim()
    .min(1, "Write what changed.")
    .max(MARKDOWN_MAX, `At most ${MARKDOWN_MAX} characters.`),
  body_en: optionalText(MARKDOWN_MAX),
  /** Components to hold in a new status from now (others keep theirs until resolved). */
  components: componentsOfIncidentSchema,
  notify: notifyField,
});
export type NewUpdate = z.output<typeof newUpdateSchema>;

export const postmortemSchema = z.object({
  postmortem: optionalText(MARKDOWN_MAX),
  postmortem_en: optionalText(MARKDOWN_MAX),
});

const nowIso = (deps: Deps) => deps.clock.now().toISOString();

export async function createIncident(
  deps: Deps,
  input: NewIncident,
): Promise<{ ok: true; incident: Incident } | { ok: false; errors: FieldError[] }> {
  const held = await resolveHeldComponents(deps, input.components);
  if (input.from_send !== undefined && !(await findSend(deps.db, input.from_send))) {
    return {
      ok: false,
      errors: [{ field: "from_send", message: "No send has this id.", code: "noSuchSend" }],
    };
  }
  const now = nowIso(deps);
  const incident = await insertIncident(deps.db, {
    slug: input.slug,
    title: input.title,
    titleEn: input.title_en,
    status: input.status,
    impact: input.impact,
    body: input.body,
    bodyEn: input.body_en,
    services: JSON.stringify(input.services),
    createdAt: now,
    updatedAt: now,
    resolvedAt: input.status === "resolved" ? now : null,
    fromSendId: input.from_send ?? null,
  });
  if (!incident) {
    return {
      ok: false,
      errors: [{ field: "slug", message: "This slug is already used.", code: "slugTaken" }],
    };
  }
  await settleIncidentComponents(deps, incident.id, held);
  deps.statusPages.forget();
  if (input.notify) await notifyOf(deps, incident.id, null);
  await emitEvent(deps, "incident.created", incidentPayload(incident));
  return { ok: true, incident };
}

/**
 * Appends an update to the timeline; the incident takes its status (resolved, or reopened), and
 * its components follow (an unknown component slug throws ComponentError, nothing changed).
 */
export async function postUpdate(
  deps: Deps,
  incidentId: number,
  input: NewUpdate,
): Promise<IncidentUpdate | undefined> {
  const incident = await findIncidentById(deps.db, incidentId);
  if (!incident) return undefined;
  const held = await resolveHeldComponents(deps, input.components);
  const now = nowIso(deps);
  const resolvedAt = input.status === "resolved" ? (incident.resolvedAt ?? now) : null;
  const update = await appendUpdate(
    deps.db,
    { incidentId, status: input.status, body: input.body, bodyEn: input.body_en, createdAt: now },
    resolvedAt,
  );
  await settleIncidentComponents(deps, incidentId, held);
  deps.statusPages.forget();
  if (update && input.notify) await notifyOf(deps, incidentId, update.id);
  const type = input.status === "resolved" ? "incident.resolved" : "incident.updated";
  if (update) await emitEvent(deps, type, incidentPayload({ ...incident, resolvedAt }, update));
  return update;
}

/**
 * Enqueues the notice to the subscribers concerned (those who chose one of the components the
 * incident names, or none); the mail leaves through the outbox.
 */
async function notifyOf(deps: Deps, incidentId: number, updateId: number | null) {
  const named = await componentsOfIncidents(deps.db, [incidentId]);
  const components = named.map((c) => c.slug);
  return notifySubscribers(deps, { incidentId, updateId, components, actor: "incident notice" });
}

export async function writePostmortem(
  deps: Deps,
  incidentId: number,
  input: z.output<typeof postmortemSchema>,
): Promise<boolean> {
  const incident = await findIncidentById(deps.db, incidentId);
  if (!incident) return false;
  await updateIncident(deps.db, incidentId, {
    postmortem: input.postmortem,
    postmortemEn: input.postmortem_en,
    updatedAt: nowIso(deps),
  });
  deps.statusPages.forget();
  return true;
}

export const servicesOf = (incident: Incident): string[] => {
  try {
    const parsed: unknown = JSON.parse(incident.services);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
};

export type IncidentPage = {
  incident: Incident;
  updates: IncidentUpdate[];
  polls: { slug: string; question: string; questionEn: string | null }[];
  /** The components it names and the status it holds (held) each in. */
  components: { slug: string; name: string; status: string }[];
};

export async function incidentPage(deps: Deps, slug: string): Promise<IncidentPage | undefined> {
  const incident = await findIncidentBySlug(deps.db, slug);
  if (!incident) return undefined;
  const [updates, polls, components] = await Promise.all([
    updatesNewestFirst(deps.db, incident.id),
    pollsOfIncident(deps.db, incident.id),
    componentsOfIncidents(deps.db, [incident.id]),
  ]);
  return {
    incident,
    updates,
    polls,
    components: components.map((c) => ({ slug: c.slug, name: c.name, status: c.status })),
  };
}

export async function incidentById(deps: Deps, id: number): Promise<IncidentPage | undefined> {
  const incident = await findIncidentById(deps.db, id);
  return incident ? incidentPage(deps, incident.slug) : undefined;
}

/** The public JSON shape of an incident (part of the HTTP contract). */
export const incidentJson = ({ incident, updates, components }: IncidentPage) => ({
  slug: incident.slug,
  title: incident.title,
  status: incident.status,
  impact: incident.impact,
  body: incident.body,
  created_at: incident.createdAt,
  components,
  updates: updates.map((u) => ({ status: u.status, body: u.body, created_at: u.createdAt })),
});

/** For the home page: every open incident (up to 20), then the 5 latest resolved ones. */
export async function openAndRecentIncidents(deps: Deps): Promise<Incident[]> {
  const [open, resolved] = await Promise.all([
    openIncidents(deps.db, 20),
    latestResolved(deps.db, 5),
  ]);
  return [...open, ...resolved];
}

export const allIncidents = (deps: Deps) => incidentsRecentlyUpdated(deps.db, 200);

/** The latest incidents with their timelines, for the Atom feed. */
export async function feedIncidents(deps: Deps, limit = 50) {
  const rows = await incidentsRecentlyUpdated(deps.db, limit);
  const updates = rows.length
    ? await updatesOf(
        deps.db,
        rows.map((r) => r.id),
      )
    : [];
  return rows.map((incident) => ({
    incident,
    updates: updates.filter((u) => u.incidentId === incident.id),
  }));
}
