// The rules of a campaign: what may be saved (merge tags included), its lifecycle (draft,
// scheduled, sending, sent, cancelled), sending it once, and its test sends.
import { and, desc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { campaigns, contacts, listMembers, sends } from "../../db/schema";
import { recordAudit } from "../audit/service";
import { roleAtLeast } from "../auth/roles";
import type { Admin } from "../auth/service";
import { parseAddress } from "../contacts/address";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { LANGS, type Lang } from "../i18n";
import { findList, type List } from "../lists/service";
import { singleRecipient } from "../mail/provider";
import { enqueueDueSend } from "./approval";
import {
  campaignVersionsOf,
  contentFor,
  copyVersionsStatement,
  hasLanguage,
  lastCampaignId,
  replaceVersionsStatements,
  storedHtml,
  versionsRefusal,
} from "./campaign-versions";
import { isPaused } from "./kill-switch";
import { type MergeContact, parseMergeTags } from "./merge-tags";
import { type SendReport, startSend, startTestSend } from "./outbox";
import { noLineBreak } from "./service";

export type Campaign = typeof campaigns.$inferSelect;
export type CampaignStatus = "draft" | "scheduled" | "sending" | "sent" | "cancelled";

/**
 * Why a campaign action was refused; the HTTP edge maps `invalid` to 422, `forbidden` to 403, the
 * others to 409.
 */
export type CampaignRefusal =
  | { ok: false; reason: "invalid"; detail: string; errors: FieldError[] }
  | {
      ok: false;
      reason: "archived" | "already_sent" | "not_a_draft" | "cancelled" | "paused" | "forbidden";
      detail: string;
    };

/** A text that may hold merge tags: an unknown or unclosed tag is refused, naming it. */
const withMergeTags = <T extends z.ZodType<string | undefined>>(schema: T) =>
  schema.superRefine((value, ctx) => {
    if (value === undefined) return;
    const parsed = parseMergeTags(value);
    if (!parsed.ok) {
      const params = { code: parsed.code, values: parsed.values };
      ctx.addIssue({ code: "custom", message: parsed.message, params });
    }
  });

const isoDateTime = z
  .string({ error: "Give send_at as an ISO 8601 date-time, such as 2026-02-01T09:00:00Z." })
  .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: "Give send_at as an ISO 8601 date-time, such as 2026-02-01T09:00:00Z.",
    params: { code: "invalidDate" },
  })
  .transform((v) => new Date(v).toISOString());

/** What each version of a campaign (its main one and any other language's) is made of. */
const contentFields = {
  subject: withMergeTags(noLineBreak("The subject")),
  text: withMergeTags(
    z
      .string({ error: "The text is empty." })
      .trim()
      .min(1, "The text is empty.")
      .max(100_000, "The text is longer than 100,000 characters."),
  ),
  html: withMergeTags(
    z
      .string({ error: "The HTML is text." })
      .max(500_000, "The HTML is longer than 500,000 characters.")
      .optional(),
  ),
};

export const langField = z.enum(LANGS, { error: `lang is one of ${LANGS.join(", ")}.` });

/** A version in another language than the main one; its fields are checked as the main's. */
const versionInput = z.object({ lang: langField, ...contentFields });

const campaignFields = {
  list_id: z.number({ error: "list_id is the id of a list (a number)." }).int().positive(),
  ...contentFields,
  /** The main version's language (French by default). */
  lang: langField.optional(),
  /** The other languages' versions; given on PATCH, they replace the campaign's. */
  versions: z
    .array(versionInput, { error: "versions is a list of {lang, subject, text, html?}." })
    .optional(),
  /** When to send it; a campaign with `send_at` is scheduled. */
  send_at: isoDateTime.nullable().optional(),
};

export const campaignInput = z.object(campaignFields);
export type CampaignInput = z.output<typeof campaignInput>;
export const campaignPatch = z.object(campaignFields).partial();
export type CampaignPatch = z.output<typeof campaignPatch>;
export const scheduleInput = z.object({ send_at: isoDateTime.optional() });

const invalid = (field: string, message: string): CampaignRefusal => ({
  ok: false,
  reason: "invalid",
  detail: `${field}: ${message}`,
  errors: [{ field, message }],
});

/** A send time must lie ahead: a past one would start at once, which "send" already does. */
function pastSendAt(deps: Deps, sendAt: string | null | undefined) {
  if (!sendAt || Date.parse(sendAt) > deps.clock.now().getTime()) return undefined;
  return invalid("send_at", "send_at must be in the future.");
}

const archivedList: CampaignRefusal = {
  ok: false,
  reason: "archived",
  detail: "This list is archived: nothing can be sent to it.",
};

/** A send time on an archived list is refused before anything is saved (scheduling would be). */
const scheduledOnArchived = (list: List | undefined, sendAt: string | null | undefined) =>
  sendAt && list?.archivedAt ? archivedList : undefined;

/** Scheduling is sending later: only a sender (or an owner) may, whatever route asks. */
function mayNotSchedule(
  admin: Admin,
  sendAt: string | null | undefined,
): CampaignRefusal | undefined {
  if (!sendAt || roleAtLeast(admin.role, "sender")) return undefined;
  return {
    ok: false,
    reason: "forbidden",
    detail: `Your role (${admin.role}) may not schedule a campaign (send_at): it needs sender. Save it without send_at.`,
  };
}

export async function createCampaign(
  deps: Deps,
  admin: Admin,
  list: List | undefined,
  input: CampaignInput,
): Promise<{ ok: true; campaign: Campaign } | CampaignRefusal> {
  if (!list) return invalid("list_id", `No list with id ${input.list_id}.`);
  const versions = input.versions ?? [];
  const wrongVersion = versionsRefusal(input.lang ?? "fr", versions);
  if (wrongVersion) return invalid(wrongVersion.field, wrongVersion.message);
  const refused =
    pastSendAt(deps, input.send_at) ??
    mayNotSchedule(admin, input.send_at) ??
    scheduledOnArchived(list, input.send_at);
  if (refused) return refused;
  const actor = admin.email;
  const at = deps.clock.now().toISOString();
  // One batch: the campaign and its versions are saved together or not at all.
  const [inserted] = await deps.db.batch([
    deps.db
      .insert(campaigns)
      .values({
        listId: list.id,
        subject: input.subject,
        text: input.text,
        html: storedHtml(input.html),
        lang: input.lang ?? "fr",
        createdBy: actor,
        createdAt: at,
        updatedAt: at,
      })
      .returning(),
    ...replaceVersionsStatements(deps.db, lastCampaignId, versions),
  ]);
  const campaign = inserted[0] as Campaign;
  if (!input.send_at) return { ok: true, campaign };
  return scheduleCampaign(deps, admin, campaign, input.send_at);
}

/** Edits a draft (a campaign scheduled, sending, sent or cancelled is read-only). */
export async function updateCampaign(
  deps: Deps,
  admin: Admin,
  campaign: Campaign,
  list: List | undefined,
  patch: CampaignPatch,
): Promise<{ ok: true; campaign: Campaign } | CampaignRefusal> {
  const forbidden = mayNotSchedule(admin, patch.send_at);
  if (forbidden) return forbidden;
  const state = await campaignState(deps, campaign);
  if (state.status !== "draft")
    return {
      ok: false,
      reason: "not_a_draft",
      detail: `Campaign ${campaign.id} is ${state.status}: only a draft can be edited. Duplicate it to change it.`,
    };
  if (patch.list_id !== undefined && !list)
    return invalid("list_id", `No list with id ${patch.list_id}.`);
  const wrongVersion = await patchedVersionsRefusal(deps, campaign, patch);
  if (wrongVersion) return wrongVersion;
  const past =
    pastSendAt(deps, patch.send_at) ??
    (patch.send_at
      ? scheduledOnArchived(list ?? (await findList(deps, campaign.listId)), patch.send_at)
      : undefined);
  if (past) return past;
  // Only while still a draft: a send started meanwhile keeps what it started with.
  const stillDraft = and(eq(campaigns.id, campaign.id), isNull(campaigns.cancelledAt), noSendYet);
  const versionsGuard = sql`EXISTS (SELECT 1 FROM campaigns WHERE ${stillDraft})`;
  const [updated] = await deps.db.batch([
    deps.db
      .update(campaigns)
      .set({
        listId: patch.list_id,
        subject: patch.subject,
        text: patch.text,
        html: patch.html === undefined ? undefined : storedHtml(patch.html),
        lang: patch.lang,
        updatedAt: deps.clock.now().toISOString(),
      })
      .where(stillDraft)
      .returning(),
    ...(patch.versions
      ? replaceVersionsStatements(deps.db, campaign.id, patch.versions, versionsGuard)
      : []),
  ]);
  const row = updated[0];
  if (!row)
    return { ok: false, reason: "not_a_draft", detail: `Campaign ${campaign.id} just went out.` };
  if (!patch.send_at) return { ok: true, campaign: row };
  return scheduleCampaign(deps, admin, row, patch.send_at);
}

/**
 * The versions a patch leaves a campaign with must suit its main language: a refusal names the
 * version at fault, or `lang` when the patch moves the main language onto a kept version's.
 */
async function patchedVersionsRefusal(deps: Deps, campaign: Campaign, patch: CampaignPatch) {
  const main = patch.lang ?? campaign.lang;
  if (patch.versions) {
    const wrong = versionsRefusal(main, patch.versions);
    return wrong ? invalid(wrong.field, wrong.message) : undefined;
  }
  if (patch.lang === undefined) return undefined;
  const kept = await campaignVersionsOf(deps.db, campaign.id);
  if (!kept.some((v) => v.lang === main)) return undefined;
  return invalid(
    "lang",
    `The campaign has a ${main} version already: remove it (versions) to make ${main} the main language.`,
  );
}

/** A new draft with the same list, subject and content, its other languages' versions too. */
export async function duplicateCampaign(deps: Deps, actor: string, campaign: Campaign) {
  const at = deps.clock.now().toISOString();
  const [inserted] = await deps.db.batch([
    deps.db
      .insert(campaigns)
      .values({
        listId: campaign.listId,
        subject: campaign.subject,
        text: campaign.text,
        html: campaign.html,
        lang: campaign.lang,
        createdBy: actor,
        createdAt: at,
        updatedAt: at,
      })
      .returning(),
    copyVersionsStatement(deps.db, campaign.id),
  ]);
  return inserted[0] as Campaign;
}

/** The send that delivered the campaign (not a test, not a resend to its failed recipients). */
const isCampaignSend = sql`${sends.kind} = 'campaign' AND ${sends.retryOf} IS NULL`;
const noSendYet = sql`NOT EXISTS (SELECT 1 FROM sends s WHERE s.campaign_id = ${campaigns.id}
  AND s.kind = 'campaign' AND s.retry_of IS NULL)`;

type CampaignSend = Pick<typeof sends.$inferSelect, "id" | "status" | "total" | "createdAt"> & {
  finishedAt: string | null;
};

/** The one place a campaign's status is decided: from its send, else from its own dates. */
export function statusOf(campaign: Campaign, send: CampaignSend | undefined): CampaignStatus {
  if (send) {
    if (send.status === "done") return "sent";
    if (send.status === "cancelled" || send.status === "rejected") return "cancelled";
    if (send.status === "scheduled") return "scheduled";
    // Waiting for a second admin: scheduled if it was, else on its way.
    if (send.status === "awaiting_approval" && campaign.sendAt) return "scheduled";
    return "sending";
  }
  if (campaign.cancelledAt) return "cancelled";
  return campaign.sendAt ? "scheduled" : "draft";
}

export type CampaignState = { campaign: Campaign; status: CampaignStatus; send?: CampaignSend };

const sendColumns = {
  id: sends.id,
  status: sends.status,
  total: sends.total,
  createdAt: sends.createdAt,
  finishedAt: sends.finishedAt,
};

export async function campaignState(deps: Deps, campaign: Campaign): Promise<CampaignState> {
  const [send] = await deps.db
    .select(sendColumns)
    .from(sends)
    .where(and(eq(sends.campaignId, campaign.id), isCampaignSend))
    .limit(1);
  return { campaign, status: statusOf(campaign, send), send };
}

export const findCampaign = async (deps: Deps, id: number) =>
  (await deps.db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1))[0];

/** The latest campaigns, each with its status. */
export async function allCampaigns(deps: Deps): Promise<CampaignState[]> {
  const rows = await deps.db
    .select({ campaign: campaigns, send: sendColumns })
    .from(campaigns)
    .leftJoin(sends, and(eq(sends.campaignId, campaigns.id), isCampaignSend))
    .orderBy(desc(campaigns.id))
    .limit(200);
  return rows.map(({ campaign, send }) => ({
    campaign,
    status: statusOf(campaign, send ?? undefined),
    send: send ?? undefined,
  }));
}

export const campaignJson = ({ campaign, status, send }: CampaignState) => ({
  id: campaign.id,
  list_id: campaign.listId,
  subject: campaign.subject,
  status,
  send_id: send?.id ?? null,
  send_at: campaign.sendAt,
  lang: campaign.lang,
});

/** A campaign as the API shows one: its state, and its other languages' versions. */
export const campaignDetailJson = async (deps: Deps, state: CampaignState) => ({
  ...campaignJson(state),
  versions: await campaignVersionsOf(deps.db, state.campaign.id),
});

const alreadySent = (campaign: Campaign, status: CampaignStatus): CampaignRefusal =>
  status === "cancelled"
    ? { ok: false, reason: "cancelled", detail: `Campaign ${campaign.id} was cancelled.` }
    : {
        ok: false,
        reason: "already_sent",
        detail: `Campaign ${campaign.id} was already sent (it is ${status}): a campaign is sent once. Duplicate it to send it again.`,
      };

/** A constraint error from the unique index that lets a campaign have one send. */
const isSecondSend = (error: unknown) =>
  /UNIQUE constraint failed: sends\.campaign_id/.test(
    `${error instanceof Error ? error.message : ""} ${error instanceof Error && error.cause instanceof Error ? error.cause.message : ""}`,
  );

/**
 * Sends a campaign to the confirmed, unsuppressed members of its list: the consent gate. Once
 * only: a campaign that has a send is refused, and the unique index on its send settles a race.
 */
export async function sendCampaign(
  deps: Deps,
  actor: string,
  campaign: Campaign,
  list: List,
  options: { dryRun?: boolean } = {},
): Promise<({ ok: true } & SendReport) | CampaignRefusal> {
  const { status, send } = await campaignState(deps, campaign);
  if (status !== "draft" && status !== "scheduled") return alreadySent(campaign, status);
  if (send)
    return {
      ok: false,
      reason: "already_sent",
      detail: `Campaign ${campaign.id} is scheduled for ${campaign.sendAt} (send #${send.id}): it goes then; cancel it to change it.`,
    };
  if (list.archivedAt) return archivedList;
  let report: SendReport;
  try {
    report = await startSend(deps, {
      kind: "campaign",
      listId: list.id,
      campaignId: campaign.id,
      subject: campaign.subject,
      textVersion: list.purposeVersion,
      actor,
      dryRun: options.dryRun,
    });
  } catch (error) {
    if (isSecondSend(error)) return alreadySent(campaign, "sending");
    throw error;
  }
  if (report.sendId !== null) {
    await recordAudit(deps, {
      actor,
      action: "campaign.sent",
      listId: list.id,
      summary: `Campaign "${campaign.subject}" to ${report.recipients} confirmed contacts of "${list.name}"`,
      details: {
        send_id: report.sendId,
        campaign_id: campaign.id,
        recipients: report.recipients,
        excluded: report.excluded,
      },
    });
  }
  return { ok: true, ...report };
}

/**
 * Schedules a draft for `sendAt`: its send is recorded now, so that a second admin's approval (if
 * its size needs one) is asked now, not at the last minute; its recipients are enqueued, consent
 * checked then, by the periodic job when due. Nobody eligible yet: the job starts it when due.
 */
export async function scheduleCampaign(
  deps: Deps,
  admin: Admin,
  campaign: Campaign,
  sendAt: string,
): Promise<{ ok: true; campaign: Campaign; report?: SendReport } | CampaignRefusal> {
  const refused = pastSendAt(deps, sendAt) ?? mayNotSchedule(admin, sendAt);
  if (refused) return refused;
  const { status } = await campaignState(deps, campaign);
  if (status !== "draft")
    return {
      ok: false,
      reason: "not_a_draft",
      detail: `Campaign ${campaign.id} is ${status}: only a draft can be scheduled.`,
    };
  const list = await findList(deps, campaign.listId);
  if (!list) return invalid("list_id", `No list with id ${campaign.listId}.`);
  if (list.archivedAt) return archivedList;
  const [row] = await deps.db
    .update(campaigns)
    .set({ sendAt, updatedAt: deps.clock.now().toISOString() })
    .where(and(eq(campaigns.id, campaign.id), isNull(campaigns.cancelledAt), noSendYet))
    .returning();
  if (!row) return alreadySent(campaign, "sending");
  let report: SendReport;
  try {
    report = await startSend(deps, {
      kind: "campaign",
      listId: list.id,
      campaignId: campaign.id,
      subject: campaign.subject,
      textVersion: list.purposeVersion,
      actor: admin.email,
      sendAt,
    });
  } catch (error) {
    if (isSecondSend(error)) return alreadySent(campaign, "sending");
    throw error;
  }
  await recordAudit(deps, {
    actor: admin.email,
    action: "campaign.scheduled",
    listId: list.id,
    summary: `Campaign "${campaign.subject}" scheduled for ${sendAt} (${report.recipients} recipients now)${report.status === "awaiting_approval" ? ", awaiting approval" : ""}`,
    details: { campaign_id: campaign.id, send_id: report.sendId, send_at: sendAt },
  });
  return { ok: true, campaign: row, report };
}

/** Calls off a draft or a scheduled campaign; one that went out cannot be called back. */
export async function cancelCampaign(
  deps: Deps,
  actor: string,
  campaign: Campaign,
): Promise<{ ok: true } | CampaignRefusal> {
  const { status } = await campaignState(deps, campaign);
  if (status !== "draft" && status !== "scheduled") return alreadySent(campaign, status);
  const at = deps.clock.now().toISOString();
  // A scheduled campaign's send (scheduled, or awaiting approval) is cancelled with it.
  await deps.db.batch([
    deps.db
      .update(campaigns)
      .set({ cancelledAt: at, updatedAt: at })
      .where(eq(campaigns.id, campaign.id)),
    deps.db
      .update(sends)
      .set({
        status: "cancelled",
        stoppedBy: actor,
        stoppedAt: at,
        stopReason: "cancelled",
        finishedAt: at,
      })
      .where(
        and(
          eq(sends.campaignId, campaign.id),
          isCampaignSend,
          inArray(sends.status, ["scheduled", "awaiting_approval"]),
        ),
      ),
  ]);
  await recordAudit(deps, {
    actor,
    action: "campaign.cancelled",
    listId: campaign.listId,
    summary: `Campaign "${campaign.subject}" cancelled before it was sent`,
    details: { campaign_id: campaign.id },
  });
  return { ok: true };
}

/**
 * The periodic job: starts every scheduled campaign whose time has come, through the same
 * `sendCampaign` (so consent is checked now, not when it was scheduled). One that finds nobody,
 * or whose list was archived, goes back to draft, and the audit log says why.
 */
export async function startDueCampaigns(deps: Deps): Promise<number> {
  const started = (await startDueSends(deps)) + (await startDueUnrecordedCampaigns(deps));
  deps.dispatcher?.wake();
  return started;
}

/**
 * Scheduled sends whose time has come: enqueued now, consent checked now. One that finds nobody
 * is not kept, and its campaign goes back to draft, with the reason in the audit log.
 */
async function startDueSends(deps: Deps): Promise<number> {
  const now = deps.clock.now().toISOString();
  const due = await deps.db
    .select()
    .from(sends)
    .where(and(eq(sends.status, "scheduled"), lte(sends.sendAt, now)));
  let started = 0;
  for (const send of due) {
    if ((await enqueueDueSend(deps, send)) > 0) {
      started++;
      continue;
    }
    if (send.campaignId === null) continue;
    await deps.db.update(campaigns).set({ sendAt: null }).where(eq(campaigns.id, send.campaignId));
    await recordAudit(deps, {
      actor: "system",
      action: "campaign.schedule_failed",
      listId: send.listId,
      summary: `Scheduled campaign "${send.subject}" did not start: nobody may receive it now; it is a draft again`,
      details: { campaign_id: send.campaignId },
    });
  }
  return started;
}

/** Scheduled campaigns that had nobody eligible when scheduled (so no send yet): started now. */
async function startDueUnrecordedCampaigns(deps: Deps): Promise<number> {
  const due = await deps.db
    .select()
    .from(campaigns)
    .where(
      and(
        lte(campaigns.sendAt, deps.clock.now().toISOString()),
        isNull(campaigns.cancelledAt),
        noSendYet,
      ),
    );
  let started = 0;
  for (const campaign of due) {
    const list = await findList(deps, campaign.listId);
    const result = list
      ? await sendCampaign(deps, `${campaign.createdBy} (scheduled)`, campaign, list)
      : undefined;
    if (result?.ok && result.sendId !== null) {
      started++;
      continue;
    }
    await deps.db.update(campaigns).set({ sendAt: null }).where(eq(campaigns.id, campaign.id));
    await recordAudit(deps, {
      actor: "system",
      action: "campaign.schedule_failed",
      listId: campaign.listId,
      summary: `Scheduled campaign "${campaign.subject}" did not start: ${result === undefined ? "its list is gone" : result.ok ? "nobody may receive it" : result.detail}; it is a draft again`,
      details: { campaign_id: campaign.id },
    });
  }
  return started;
}

/** The address a test goes to: one address, parsed as a contact's would be. */
export const testAddress = z
  .string({ error: "to is one email address, such as someone@example.org." })
  .transform((value, ctx) => {
    const parsed = parseAddress(value);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.email;
  });

/** Which language a test shows: the one asked, else the admin's if the campaign has it. */
export type TestLanguage = { asked?: Lang; admin: Lang };

/**
 * Sends one test of a campaign to one address (the admin's own by default) through the pipeline,
 * so the kill switch, the rate limit, the outbox and the audit log apply. Refused while paused.
 * It shows one version: the language asked (which the campaign must have), else the admin's if
 * the campaign has it, else the main one.
 */
export async function sendCampaignTest(
  deps: Deps,
  actor: string,
  campaign: Campaign,
  list: List,
  to: string,
  language: TestLanguage = { admin: campaign.lang },
): Promise<({ ok: true } & { sendId: number }) | CampaignRefusal> {
  const versions = await campaignVersionsOf(deps.db, campaign.id);
  if (language.asked && !hasLanguage(campaign, versions, language.asked))
    return invalid("lang", `This campaign has no ${language.asked} version.`);
  if (await isPaused(deps.db))
    return {
      ok: false,
      reason: "paused",
      detail: "Sending is paused: no test can go out until sending is resumed.",
    };
  const lang =
    language.asked ??
    (hasLanguage(campaign, versions, language.admin) ? language.admin : campaign.lang);
  const sendId = await startTestSend(deps, {
    listId: list.id,
    campaignId: campaign.id,
    subject: `[TEST] ${contentFor(campaign, versions, lang).subject}`,
    textVersion: list.purposeVersion,
    actor,
    to: singleRecipient(to),
    lang,
  });
  // The address stays out of the audit log, which outlives the send.
  await recordAudit(deps, {
    actor,
    action: "campaign.test",
    listId: list.id,
    summary: `Test of campaign "${campaign.subject}" to ${to === actor ? "the admin's own address" : "one address"}`,
    details: { send_id: sendId, campaign_id: campaign.id, recipients: 1 },
  });
  return { ok: true, sendId };
}

/**
 * Whom the admin's preview is written for: the list's first named member, or a made-up one, so
 * that the merge tags show as a recipient will see them.
 */
export async function sampleContact(deps: Deps, listId: number): Promise<MergeContact> {
  const [row] = await deps.db
    .select({ name: contacts.name, attributes: contacts.attributes })
    .from(listMembers)
    .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
    .where(and(eq(listMembers.listId, listId), isNotNull(contacts.name)))
    .orderBy(listMembers.id)
    .limit(1);
  return row ?? { name: "Camille Martin", attributes: {} };
}

/**
 * A finished test send keeps its counts, not its address: the address on the send and the
 * message stored with its batch go.
 */
export async function forgetFinishedTestSends(deps: Deps) {
  const finished = sql`SELECT id FROM sends WHERE kind = 'test' AND status IN ('done', 'cancelled')`;
  await deps.db.batch([
    deps.db.run(sql`
      DELETE FROM batch_payloads WHERE batch_id IN (
        SELECT b.id FROM send_batches b WHERE b.status <> 'pending' AND b.send_id IN (${finished}))`),
    deps.db.run(sql`
      UPDATE sends SET test_recipient = NULL
      WHERE test_recipient IS NOT NULL AND id IN (${finished})`),
  ]);
}
