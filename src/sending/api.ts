// JSON API for sending: re-consent, campaigns, sends, the kill switch.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { listFromParam } from "../lists/load";
import { findList } from "../lists/service";
import { pauseSending, resumeSending, sendingStateOf } from "./kill-switch";
import {
  campaignInput,
  createCampaign,
  findCampaign,
  inviteLegacyContacts,
  overallRates,
  type Refusal,
  reconsentInputNow,
  sendCampaign,
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
}) => ({
  send_id: r.sendId,
  recipients: r.recipients,
  excluded: r.excluded,
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

sendingApi.post("/api/v1/campaigns", async (c) => {
  const body = await parseJson(c, campaignInput);
  if (!body.ok) return body.response;
  const list = await findList(c.var.deps, body.value.list_id);
  const result = await createCampaign(c.var.deps, c.var.admin.email, list, body.value);
  if (!result.ok) return refused(c, result);
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

const sendOptions = z.object({
  dry_run: z.boolean({ error: "dry_run is true or false." }).optional(),
});

sendingApi.post("/api/v1/campaigns/:id/send", async (c) => {
  const id = idParam(c.req.param("id"));
  const campaign = id === undefined ? undefined : await findCampaign(c.var.deps, id);
  if (!campaign) return problem(c, 404, `No campaign with id ${c.req.param("id")}.`);
  // The body is optional: none means "send".
  const raw = await c.req.raw.clone().text();
  let dryRun = false;
  if (raw.trim()) {
    const body = await parseJson(c, sendOptions);
    if (!body.ok) return body.response;
    dryRun = body.value.dry_run ?? false;
  }
  const list = await findList(c.var.deps, campaign.listId);
  if (!list) return problem(c, 404, `The list of campaign ${campaign.id} no longer exists.`);
  const result = await sendCampaign(c.var.deps, c.var.admin.email, campaign, list, { dryRun });
  if (!result.ok) return refused(c, result);
  c.var.deps.dispatcher?.wake();
  return c.json(sendReport(result), 202);
});

sendingApi.get("/api/v1/sends/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const progress = id === undefined ? undefined : await sendProgress(c.var.deps, id);
  if (!progress) return problem(c, 404, `No send with id ${c.req.param("id")}.`);
  return c.json(sendJson(progress));
});

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
