// JSON API for sending: re-consent, campaigns, sends, the kill switch.
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { listFromParam } from "../lists/load";
import { findList } from "../lists/service";
import { approveSend, cancelSend, rejectSend, type SendDecisionRefusal } from "./approval";
import {
  type CampaignRefusal,
  campaignDetailJson,
  campaignInput,
  campaignJson,
  campaignPatch,
  campaignState,
  cancelCampaign,
  createCampaign,
  duplicateCampaign,
  findCampaign,
  langField,
  scheduleCampaign,
  scheduleInput,
  sendCampaign,
  sendCampaignTest,
  testAddress,
  updateCampaign,
} from "./campaigns";
import { failuresJson, retryFailed, sendFailures } from "./failures";
import { pauseSending, resumeSending, sendingStateOf } from "./kill-switch";
import { findSend } from "./queries";
import {
  inviteLegacyContacts,
  overallRates,
  type Refusal,
  reconsentInputNow,
  sendJson,
  sendProgress,
} from "./service";

export const sendingApi = new Hono<AppEnv>();

const refused = (c: Parameters<typeof problem>[0], r: Refusal) =>
  problem(c, r.status, r.detail, { errors: r.errors });

const sendReport = (r: {
  sendId: number | null;
  recipients: number;
  excluded: Record<string, number>;
  status?: string;
}) => ({
  send_id: r.sendId,
  recipients: r.recipients,
  excluded: r.excluded,
  ...(r.sendId !== null && r.status ? { status: r.status } : {}),
});

sendingApi.post("/api/v1/lists/:id/reconsent", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  const body = await parseJson(c, reconsentInputNow(c.var.deps));
  if (!body.ok) return body.response;
  const result = await inviteLegacyContacts(c.var.deps, c.var.admin.email, list, body.value);
  if (!result.ok) return refused(c, result);
  c.var.deps.dispatcher?.wake();
  return c.json(sendReport(result), 202);
});

// ---- Campaigns ------------------------------------------------------------------------------

const campaignRefused = (c: Parameters<typeof problem>[0], r: CampaignRefusal) =>
  problem(c, r.reason === "invalid" ? 422 : r.reason === "forbidden" ? 403 : 409, r.detail, {
    errors: r.reason === "invalid" ? r.errors : undefined,
  });

const campaignFromParam = async (deps: Deps, raw: string | undefined) => {
  const id = idParam(raw);
  return id === undefined ? undefined : findCampaign(deps, id);
};

/** An optional JSON body: none (or an empty one) means every field is left out. */
async function optionalJson<S extends z.ZodType>(c: Parameters<typeof parseJson>[0], schema: S) {
  const raw = await c.req.raw.clone().text();
  if (raw.trim()) return parseJson(c, schema);
  const parsed = schema.safeParse({});
  return parsed.success
    ? { ok: true as const, value: parsed.data as z.output<S> }
    : parseJson(c, schema);
}

sendingApi.post("/api/v1/campaigns", async (c) => {
  const body = await parseJson(c, campaignInput);
  if (!body.ok) return body.response;
  const list = await findList(c.var.deps, body.value.list_id);
  const result = await createCampaign(c.var.deps, c.var.admin, list, body.value);
  if (!result.ok) return campaignRefused(c, result);
  const { campaign } = result;
  return c.json(
    {
      id: campaign.id,
      list_id: campaign.listId,
      subject: campaign.subject,
      created_at: campaign.createdAt,
    },
    201,
  );
});

sendingApi.get("/api/v1/campaigns/:id", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  return c.json(await campaignDetailJson(c.var.deps, await campaignState(c.var.deps, campaign)));
});

sendingApi.patch("/api/v1/campaigns/:id", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const body = await parseJson(c, campaignPatch);
  if (!body.ok) return body.response;
  const list =
    body.value.list_id === undefined ? undefined : await findList(c.var.deps, body.value.list_id);
  const result = await updateCampaign(c.var.deps, c.var.admin, campaign, list, body.value);
  if (!result.ok) return campaignRefused(c, result);
  const state = await campaignState(c.var.deps, result.campaign);
  return c.json(await campaignDetailJson(c.var.deps, state));
});

sendingApi.post("/api/v1/campaigns/:id/duplicate", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const copy = await duplicateCampaign(c.var.deps, c.var.admin.email, campaign);
  return c.json({ id: copy.id }, 201);
});

sendingApi.post("/api/v1/campaigns/:id/cancel", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const result = await cancelCampaign(c.var.deps, c.var.admin.email, campaign);
  if (!result.ok) return campaignRefused(c, result);
  return c.json(campaignJson(await campaignState(c.var.deps, campaign)));
});

const sendOptions = z.object({
  dry_run: z.boolean({ error: "dry_run is true or false." }).optional(),
  send_at: scheduleInput.shape.send_at,
});

sendingApi.post("/api/v1/campaigns/:id/send", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const body = await optionalJson(c, sendOptions);
  if (!body.ok) return body.response;
  const { dry_run: dryRun, send_at: sendAt } = body.value;
  if (sendAt && !dryRun) {
    const scheduled = await scheduleCampaign(c.var.deps, c.var.admin, campaign, sendAt);
    if (!scheduled.ok) return campaignRefused(c, scheduled);
    return c.json(campaignJson(await campaignState(c.var.deps, scheduled.campaign)), 202);
  }
  const list = await findList(c.var.deps, campaign.listId);
  if (!list) return problem(c, 404, `The list of campaign ${campaign.id} no longer exists.`);
  const result = await sendCampaign(c.var.deps, c.var.admin.email, campaign, list, { dryRun });
  if (!result.ok) return campaignRefused(c, result);
  c.var.deps.dispatcher?.wake();
  return c.json(sendReport(result), 202);
});

sendingApi.post("/api/v1/campaigns/:id/schedule", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const body = await parseJson(c, z.object({ send_at: scheduleInput.shape.send_at.unwrap() }));
  if (!body.ok) return body.response;
  const result = await scheduleCampaign(c.var.deps, c.var.admin, campaign, body.value.send_at);
  if (!result.ok) return campaignRefused(c, result);
  return c.json(campaignJson(await campaignState(c.var.deps, result.campaign)), 202);
});

sendingApi.post("/api/v1/campaigns/:id/test", async (c) => {
  const campaign = await campaignFromParam(c.var.deps, c.req.param("id"));
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  const body = await optionalJson(
    c,
    z.object({
      to: testAddress.optional(),
      lang: langField.optional(),
    }),
  );
  if (!body.ok) return body.response;
  const list = await findList(c.var.deps, campaign.listId);
  if (!list) return problem(c, 404, `The list of campaign ${campaign.id} no longer exists.`);
  const to = body.value.to ?? c.var.admin.email;
  const language = { asked: body.value.lang, admin: c.var.adminLang };
  const result = await sendCampaignTest(
    c.var.deps,
    c.var.admin.email,
    campaign,
    list,
    to,
    language,
  );
  if (!result.ok) return campaignRefused(c, result);
  c.var.deps.dispatcher?.wake();
  return c.json({ send_id: result.sendId, recipients: 1 }, 202);
});

// ---- Sends ----------------------------------------------------------------------------------

sendingApi.get("/api/v1/sends/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const progress = id === undefined ? undefined : await sendProgress(c.var.deps, id);
  if (!progress) return problem(c, 404, `No send with id ${c.req.param("id")}.`);
  return c.json(sendJson(progress));
});

sendingApi.get("/api/v1/sends/:id/failures", async (c) => {
  const id = idParam(c.req.param("id"));
  const send = id === undefined ? undefined : await findSend(c.var.deps.db, id);
  if (!send) return problem(c, 404, `No send with id ${c.req.param("id")}.`);
  return c.json(failuresJson(await sendFailures(c.var.deps, send.id)));
});

sendingApi.post("/api/v1/sends/:id/retry-failed", async (c) => {
  const id = idParam(c.req.param("id"));
  const send = id === undefined ? undefined : await findSend(c.var.deps.db, id);
  if (!send) return problem(c, 404, `No send with id ${c.req.param("id")}.`);
  const result = await retryFailed(c.var.deps, c.var.admin.email, send);
  if (!result.ok) return problem(c, 409, result.detail);
  c.var.deps.dispatcher?.wake();
  return c.json(sendReport(result), 202);
});

const decisionRefused = (c: Parameters<typeof problem>[0], r: SendDecisionRefusal) =>
  problem(c, r.reason === "not_found" ? 404 : r.reason === "forbidden" ? 403 : 409, r.detail);

const rejectInput = z.object({
  reason: z
    .string({ error: "Say why the send is rejected (reason)." })
    .trim()
    .min(1, "Say why the send is rejected (reason).")
    .max(500, "The reason is longer than 500 characters."),
});

/** approve, reject, cancel: the send's progress after the decision. */
async function decided(c: Context<AppEnv>, decision: Awaited<ReturnType<typeof approveSend>>) {
  if (!decision.ok) return decisionRefused(c, decision);
  c.var.deps.dispatcher?.wake();
  const progress = await sendProgress(c.var.deps, decision.send.id);
  return c.json(progress ? sendJson(progress) : { id: decision.send.id });
}

/** The decision on the send the path names; an id that is no number is a 404 naming it as given. */
async function decideOn(
  c: Context<AppEnv>,
  decide: (id: number) => ReturnType<typeof approveSend>,
) {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return problem(c, 404, `No send with id ${c.req.param("id")}.`);
  return decided(c, await decide(id));
}

sendingApi.post("/api/v1/sends/:id/approve", (c) =>
  decideOn(c, (id) => approveSend(c.var.deps, c.var.admin, id)),
);

sendingApi.post("/api/v1/sends/:id/reject", async (c) => {
  const body = await parseJson(c, rejectInput);
  if (!body.ok) return body.response;
  return decideOn(c, (id) => rejectSend(c.var.deps, c.var.admin, id, body.value.reason));
});

sendingApi.post("/api/v1/sends/:id/cancel", (c) =>
  decideOn(c, (id) => cancelSend(c.var.deps, c.var.admin, id)),
);

sendingApi.get("/api/v1/sending", async (c) => {
  const [state, rates] = await Promise.all([
    sendingStateOf(c.var.deps.db),
    overallRates(c.var.deps),
  ]);
  return c.json({
    paused: state.paused,
    reason: state.reason,
    since: state.since,
    bounce_rate: rates.bounceRate,
    complaint_rate: rates.complaintRate,
  });
});

const pauseInput = z.object({
  reason: z
    .string({ error: "Say why sending is paused (reason)." })
    .trim()
    .min(1, "Say why sending is paused (reason).")
    .max(500, "The reason is longer than 500 characters."),
});

sendingApi.post("/api/v1/sending/pause", async (c) => {
  const body = await parseJson(c, pauseInput);
  if (!body.ok) return body.response;
  const state = await pauseSending(c.var.deps, body.value.reason, c.var.admin.email);
  return c.json({ paused: state.paused, reason: state.reason, since: state.since });
});

sendingApi.post("/api/v1/sending/resume", async (c) => {
  const state = await resumeSending(c.var.deps, c.var.admin.email);
  c.var.deps.dispatcher?.wake();
  return c.json({ paused: state.paused, reason: state.reason, since: state.since });
});
