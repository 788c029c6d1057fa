// Admin pages for sending: the kill switch, re-consent, campaigns, and each send's progress.

import type { Context } from "hono";
import { Hono } from "hono";
import { roleAtLeast } from "../auth/roles";
import type { AppEnv } from "../http/env";
import { errorText, inLang } from "../http/form-errors";
import { idParam } from "../http/params";
import { fieldErrors } from "../http/problem";
import { isLang, type Lang } from "../i18n";
import { listFromParam } from "../lists/load";
import { allLists, findList, type List } from "../lists/service";
import { messages } from "../messages";
import { formatNamedInstant } from "../time";
import { errorsByField } from "../views/fields";
import { readSort } from "../views/sort";
import { approveSend, cancelSend, rejectSend } from "./approval";
import { campaignFormValues, formErrorsByField, formLang, formVersions } from "./campaign-form";
import { campaignVersionsOf, recipientsByLanguage } from "./campaign-versions";
import { type CampaignFormValues, CampaignPage, CampaignsPage } from "./campaign-views";
import {
  allCampaigns,
  type CampaignRefusal,
  campaignInput,
  campaignPatch,
  campaignState,
  cancelCampaign,
  createCampaign,
  duplicateCampaign,
  findCampaign,
  sampleContact,
  sendCampaign,
  sendCampaignTest,
  updateCampaign,
} from "./campaigns";
import { countRecipients } from "./eligibility";
import { failuresCsv, retryFailed, sendFailures } from "./failures";
import { pauseSending, resumeSending, sendingStateOf } from "./kill-switch";
import { progressRate } from "./progress-rate";
import { canaryFigures, findSend, listWithPurpose, SEND_SORTS } from "./queries";
import {
  inviteLegacyContacts,
  overallRates,
  type ReconsentInput,
  recentSends,
  reconsentInputNow,
  type SendProgress,
  sendProgress,
} from "./service";
import { prepareCampaign } from "./templates";
import {
  type FormErrors,
  ProgressFragment,
  type ProgressView,
  ReconsentPage,
  type ReconsentValues,
  SendingBarContent,
  SendingPage,
  SendPage,
  SendsTable,
} from "./views";

export const sendingPages = new Hono<AppEnv>();

type C = Context<AppEnv>;

const str = (v: unknown) => (typeof v === "string" ? v : "");

async function progressView(c: C, p: SendProgress): Promise<ProgressView> {
  const now = c.var.deps.clock.now().getTime();
  const { send } = p;
  const holdUntil = send.canaryHoldUntil;
  return {
    ...p,
    rate: await progressRate(c.var.deps, p),
    stopReason: send.stopReason,
    stoppedBy: send.stoppedBy,
    sendAt: send.sendAt,
    canaryHoldUntil: holdUntil,
    holdSecondsLeft: holdUntil ? Math.max(0, (Date.parse(holdUntil) - now) / 1000) : null,
    canary: send.canaryLastMessageId === null ? null : await canaryFigures(c.var.deps.db, send.id),
  };
}

/** What the approver sees of a send awaiting approval; undefined once it no longer waits. */
async function approvalView(c: C, p: SendProgress) {
  if (p.status !== "awaiting_approval") return undefined;
  const { deps, admin } = c.var;
  const campaign = p.send.campaignId ? await findCampaign(deps, p.send.campaignId) : undefined;
  const list = await listWithPurpose(deps.db, p.listId, p.send.textVersion);
  const text = (campaign?.text ?? `${p.subject}\n\n${list?.purpose ?? ""}`).trim();
  return {
    firstLines: text.split("\n").slice(0, 6).join("\n"),
    mayApprove: admin.email !== p.createdBy && roleAtLeast(admin.role, "sender"),
    createdBy: p.createdBy,
  };
}

/** approve, reject, cancel from the send's page: back to it, saying what happened. */
function afterDecision(c: C, id: number, decision: Awaited<ReturnType<typeof approveSend>>) {
  if (decision.ok) c.var.deps.dispatcher?.wake();
  const notice = decision.ok
    ? messages(c.var.adminLang).sending.nowStatus(
        id,
        messages(c.var.adminLang).sending.statusName(decision.send.status),
      )
    : decision.detail;
  return c.redirect(`/admin/sends/${id}?notice=${encodeURIComponent(notice)}`, 303);
}

sendingPages.post("/admin/sends/:id/approve", async (c) => {
  const id = idParam(c.req.param("id")) ?? 0;
  return afterDecision(c, id, await approveSend(c.var.deps, c.var.admin, id));
});

sendingPages.post("/admin/sends/:id/reject", async (c) => {
  const id = idParam(c.req.param("id")) ?? 0;
  const reason = str((await c.req.parseBody()).reason)
    .trim()
    .slice(0, 500);
  if (!reason)
    return c.redirect(
      `/admin/sends/${id}?notice=${encodeURIComponent(messages(c.var.adminLang).sending.sayWhyReject)}`,
      303,
    );
  return afterDecision(c, id, await rejectSend(c.var.deps, c.var.admin, id, reason));
});

sendingPages.post("/admin/sends/:id/cancel", async (c) => {
  const id = idParam(c.req.param("id")) ?? 0;
  return afterDecision(c, id, await cancelSend(c.var.deps, c.var.admin, id));
});

// ---- Kill switch ------------------------------------------------------------------------

async function sendingPage(c: C, error?: string, status: 200 | 422 = 200) {
  const sort = readSort(c.req.query(), SEND_SORTS, { key: "date", dir: "desc" });
  const [state, rates, sends] = await Promise.all([
    sendingStateOf(c.var.deps.db),
    overallRates(c.var.deps),
    recentSends(c.var.deps, sort),
  ]);
  return c.html(
    <SendingPage
      email={c.var.admin.email}
      state={state}
      rates={rates}
      error={error}
      sends={<SendsTable rows={sends} paused={state.paused} sort={sort} />}
    />,
    status,
  );
}

sendingPages.get("/admin/sending", (c) => sendingPage(c));

sendingPages.get("/admin/sending/bar", async (c) =>
  c.html(<SendingBarContent state={await sendingStateOf(c.var.deps.db)} />),
);

/** Back to the admin page the button was pressed on (same site only), else the Sends page. */
function backTo(c: C): string {
  const referer = c.req.header("Referer");
  if (!referer) return "/admin/sending";
  const url = URL.parse(referer);
  const own = URL.parse(c.req.url);
  if (!url || !own || url.origin !== own.origin || !url.pathname.startsWith("/admin")) {
    return "/admin/sending";
  }
  return url.pathname + url.search;
}

sendingPages.post("/admin/sending/pause", async (c) => {
  const form = await c.req.parseBody();
  const reason =
    str(form.reason).trim().slice(0, 500) || messages(c.var.adminLang).sending.pauseReasonDefault;
  await pauseSending(c.var.deps, reason, c.var.admin.email);
  return c.redirect(backTo(c), 303);
});

sendingPages.post("/admin/sending/resume", async (c) => {
  const form = await c.req.parseBody();
  if (form.confirm !== "yes") {
    return sendingPage(c, messages(c.var.adminLang).sending.resumeTickBox, 422);
  }
  await resumeSending(c.var.deps, c.var.admin.email);
  c.var.deps.dispatcher?.wake();
  return c.redirect(backTo(c), 303);
});

// ---- Sends --------------------------------------------------------------------------------

sendingPages.get("/admin/sends/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const p = id === undefined ? undefined : await sendProgress(c.var.deps, id);
  if (!p) return c.notFound();
  const list = await findList(c.var.deps, p.listId);
  const failures = await sendFailures(c.var.deps, p.id);
  return c.html(
    <SendPage
      email={c.var.admin.email}
      p={await progressView(c, p)}
      approval={await approvalView(c, p)}
      subject={p.subject}
      listName={list?.name ?? messages(c.var.adminLang).sending.unknownList(p.listId)}
      createdBy={p.createdBy}
      createdAt={p.createdAt}
      excluded={p.excluded}
      failures={failures}
      notice={c.req.query("notice")}
    />,
  );
});

sendingPages.get("/admin/sends/:id/failures.csv", async (c) => {
  const id = idParam(c.req.param("id"));
  const send = id === undefined ? undefined : await findSend(c.var.deps.db, id);
  if (!send) return c.notFound();
  return c.body(failuresCsv(await sendFailures(c.var.deps, send.id)), 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="send-${send.id}-failures.csv"`,
  });
});

const RETRY_REFUSALS = {
  not_a_campaign: "retryNotACampaign",
  unfinished: "retryUnfinished",
  archived: "listArchivedNoSend",
} as const;

sendingPages.post("/admin/sends/:id/retry-failed", async (c) => {
  const id = idParam(c.req.param("id"));
  const send = id === undefined ? undefined : await findSend(c.var.deps.db, id);
  if (!send) return c.notFound();
  const result = await retryFailed(c.var.deps, c.var.admin.email, send);
  const notice = !result.ok
    ? errorText(c.var.adminLang, {
        field: "send",
        message: result.detail,
        code: RETRY_REFUSALS[result.reason],
      })
    : result.sendId === null
      ? messages(c.var.adminLang).sending.nobodyToResend
      : undefined;
  if (notice)
    return c.redirect(`/admin/sends/${send.id}?notice=${encodeURIComponent(notice)}`, 303);
  c.var.deps.dispatcher?.wake();
  return c.redirect(`/admin/sends/${result.ok ? result.sendId : send.id}`, 303);
});

sendingPages.get("/admin/sends/:id/progress", async (c) => {
  const id = idParam(c.req.param("id"));
  const p = id === undefined ? undefined : await sendProgress(c.var.deps, id);
  if (!p) return c.notFound();
  return c.html(<ProgressFragment p={await progressView(c, p)} />);
});

// ---- Re-consent ---------------------------------------------------------------------------

/** The number typed must be the number shown: a deliberate act, not a stray click. */
function confirmError(typed: string, expected: number, lang: Lang): string | undefined {
  if (typed.trim() === String(expected)) return undefined;
  return messages(lang).sending.confirmMismatch(expected);
}

const DAY_MS = 86_400_000;
/** The form proposes a deadline a month ahead: time to read, ask, and answer. */
const PROPOSED_DEADLINE_DAYS = 30;

/** A datetime-local value in UTC (the form says so), minutes precision. */
const toLocalInput = (at: Date) => at.toISOString().slice(0, 16);

type ReconsentView = {
  values?: ReconsentValues;
  errors?: FormErrors;
  step?: "edit" | "review";
  input?: ReconsentInput;
};

async function reconsentPage(c: C, list: List, view: ReconsentView, status: 200 | 422 = 200) {
  const now = c.var.deps.clock.now();
  const values = view.values ?? {
    deadline: toLocalInput(new Date(now.getTime() + PROPOSED_DEADLINE_DAYS * DAY_MS)),
    subject: "",
    reminder_days_before: "",
    confirm: "",
  };
  const eligibility = await countRecipients(c.var.deps, "reconsent", list.id);
  const input = view.input;
  const reminder = input?.reminder_days_before;
  const inWords = (iso: string) =>
    formatNamedInstant(iso, c.var.adminLang, c.var.deps.config.orgTimezone);
  return c.html(
    <ReconsentPage
      email={c.var.admin.email}
      list={list}
      recipients={eligibility.recipients}
      excluded={eligibility.excluded}
      values={values}
      errors={view.errors ?? {}}
      step={view.step ?? "edit"}
      deadlineInWords={input ? inWords(input.deadline) : undefined}
      reminderInWords={
        input && reminder
          ? inWords(new Date(Date.parse(input.deadline) - reminder * DAY_MS).toISOString())
          : undefined
      }
    />,
    status,
  );
}

sendingPages.get("/admin/lists/:id/reconsent", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  return list ? reconsentPage(c, list, {}) : c.notFound();
});

/** The form's strings, as the API would receive them (datetime-local has no zone: UTC). */
function reconsentFields(values: ReconsentValues) {
  const deadline = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(values.deadline)
    ? `${values.deadline}:00Z`
    : values.deadline;
  const days = values.reminder_days_before.trim();
  return {
    deadline,
    subject: values.subject.trim() || undefined,
    reminder_days_before: days === "" ? undefined : /^\d{1,6}$/.test(days) ? Number(days) : days,
  };
}

// Without `confirm` the form goes to its review step; with it, the typed number must match.
sendingPages.post("/admin/lists/:id/reconsent", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return c.notFound();
  const form = await c.req.parseBody();
  const values: ReconsentValues = {
    deadline: str(form.deadline),
    subject: str(form.subject),
    reminder_days_before: str(form.reminder_days_before),
    confirm: str(form.confirm),
  };
  const parsed = reconsentInputNow(c.var.deps).safeParse(reconsentFields(values));
  if (!parsed.success)
    return reconsentPage(
      c,
      list,
      { values, errors: errorsByField(fieldErrors(parsed.error), c.var.adminLang) },
      422,
    );
  const review = { values, step: "review" as const, input: parsed.data };
  if (form.confirm === undefined) return reconsentPage(c, list, review);
  const eligibility = await countRecipients(c.var.deps, "reconsent", list.id);
  const typed = confirmError(values.confirm, eligibility.recipients, c.var.adminLang);
  if (typed) return reconsentPage(c, list, { ...review, errors: { confirm: typed } }, 422);
  const result = await inviteLegacyContacts(c.var.deps, c.var.admin.email, list, parsed.data);
  if (!result.ok) {
    const errors = errorsByField(
      result.errors ?? [
        { field: "deadline", message: result.detail, code: result.code, values: result.values },
      ],
      c.var.adminLang,
    );
    return reconsentPage(c, list, { values, errors }, 422);
  }
  c.var.deps.dispatcher?.wake();
  return c.redirect(
    result.sendId ? `/admin/sends/${result.sendId}` : `/admin/lists/${list.id}/reconsent`,
    303,
  );
});

const REFUSAL_CODES = {
  archived: "listArchivedNoSend",
  already_sent: "campaignAlreadySent",
  not_a_draft: "campaignNotADraft",
  cancelled: "campaignCancelled",
  paused: "sendingPaused",
  forbidden: "scheduleForbidden",
} as const;

/** A refused campaign action, said in the admin's language (the first field error if invalid). */
function refusalText(c: C, result: CampaignRefusal) {
  const lang = c.var.adminLang;
  const first = result.reason === "invalid" ? result.errors[0] : undefined;
  if (first) return errorText(lang, first);
  const code = result.reason === "invalid" ? undefined : REFUSAL_CODES[result.reason];
  return errorText(lang, { field: "campaign", message: result.detail, code });
}

// ---- Campaigns ----------------------------------------------------------------------------

async function campaignsPage(
  c: C,
  values = { list_id: "", subject: "", text: "", html: "", lang: "" },
  errors: FormErrors = {},
  status: 200 | 422 = 200,
) {
  const [lists, campaigns] = await Promise.all([allLists(c.var.deps), allCampaigns(c.var.deps)]);
  return c.html(
    <CampaignsPage
      email={c.var.admin.email}
      lists={lists.filter((l) => !l.archivedAt)}
      campaigns={campaigns}
      values={values}
      errors={errors}
    />,
    status,
  );
}

sendingPages.get("/admin/campaigns", (c) => campaignsPage(c));

sendingPages.post("/admin/campaigns", async (c) => {
  const form = await c.req.parseBody();
  const values = {
    list_id: str(form.list_id),
    subject: str(form.subject),
    text: str(form.text),
    html: str(form.html),
    lang: str(form.lang),
  };
  const parsed = campaignInput.safeParse({
    list_id: /^\d{1,15}$/.test(values.list_id) ? Number(values.list_id) : values.list_id,
    subject: values.subject,
    text: values.text,
    html: values.html.trim() ? values.html : undefined,
    lang: values.lang || undefined,
  });
  if (!parsed.success) {
    const errors: FormErrors = {};
    for (const e of inLang(c.var.adminLang, fieldErrors(parsed.error)))
      errors[e.field] ??= e.message;
    return campaignsPage(c, values, errors, 422);
  }
  const list = await findList(c.var.deps, parsed.data.list_id);
  const result = await createCampaign(c.var.deps, c.var.admin, list, parsed.data);
  if (!result.ok) {
    const errors: FormErrors = {};
    const invalid = result.reason === "invalid" ? result.errors : [];
    for (const e of inLang(c.var.adminLang, invalid)) errors[e.field] = e.message;
    return campaignsPage(c, values, errors, 422);
  }
  return c.redirect(`/admin/campaigns/${result.campaign.id}`, 303);
});

async function campaignPage(
  c: C,
  id: string | undefined,
  extra: {
    notice?: string;
    confirmError?: string;
    values?: CampaignFormValues;
    errors?: FormErrors;
  } = {},
  status: 200 | 409 | 422 = 200,
) {
  const cid = idParam(id);
  const campaign = cid === undefined ? undefined : await findCampaign(c.var.deps, cid);
  if (!campaign) return c.notFound();
  const list = await findList(c.var.deps, campaign.listId);
  if (!list) return c.notFound();
  const versions = await campaignVersionsOf(c.var.deps.db, campaign.id);
  const [state, eligibility, sample, byLanguage] = [
    await campaignState(c.var.deps, campaign),
    await countRecipients(c.var.deps, "campaign", list.id),
    await sampleContact(c.var.deps, list.id),
    await recipientsByLanguage(c.var.deps, list.id, campaign.lang, versions),
  ];
  const unsubscribeUrl = `${c.var.deps.config.publicUrl}/u/preview`;
  const previews = [campaign, ...versions].map((content) => {
    const mail = prepareCampaign({ ...content, listName: list.name });
    return { lang: content.lang, ...mail({ lang: content.lang, unsubscribeUrl, contact: sample }) };
  });
  return c.html(
    <CampaignPage
      email={c.var.admin.email}
      state={state}
      versions={versions}
      listName={list.name}
      recipients={eligibility.recipients}
      excluded={eligibility.excluded}
      byLanguage={byLanguage}
      previews={previews}
      sampleName={sample.name}
      {...extra}
    />,
    status,
  );
}

sendingPages.get("/admin/campaigns/:id", (c) => campaignPage(c, c.req.param("id")));

/** The campaign named by the route and its list, or nothing. */
async function campaignAndList(c: C) {
  const cid = idParam(c.req.param("id"));
  const campaign = cid === undefined ? undefined : await findCampaign(c.var.deps, cid);
  const list = campaign ? await findList(c.var.deps, campaign.listId) : undefined;
  return campaign && list ? { campaign, list } : undefined;
}

sendingPages.post("/admin/campaigns/:id/test", async (c) => {
  const found = await campaignAndList(c);
  if (!found) return c.notFound();
  const { campaign, list } = found;
  const admin = c.var.admin.email;
  const asked = (await c.req.parseBody()).lang;
  const language = { asked: isLang(asked) ? asked : undefined, admin: c.var.adminLang };
  const result = await sendCampaignTest(c.var.deps, admin, campaign, list, admin, language);
  if (!result.ok)
    return campaignPage(c, c.req.param("id"), { notice: refusalText(c, result) }, 409);
  c.var.deps.dispatcher?.wake();
  return campaignPage(c, c.req.param("id"), {
    notice: messages(c.var.adminLang).campaigns.testSent(admin),
  });
});

sendingPages.post("/admin/campaigns/:id/send", async (c) => {
  const found = await campaignAndList(c);
  if (!found) return c.notFound();
  const { campaign, list } = found;
  const form = await c.req.parseBody();
  const eligibility = await countRecipients(c.var.deps, "campaign", list.id);
  const error = confirmError(str(form.confirm), eligibility.recipients, c.var.adminLang);
  if (error) return campaignPage(c, c.req.param("id"), { confirmError: error }, 422);
  const result = await sendCampaign(c.var.deps, c.var.admin.email, campaign, list);
  if (!result.ok)
    return campaignPage(
      c,
      c.req.param("id"),
      { notice: refusalText(c, result) },
      result.reason === "invalid" ? 422 : 409,
    );
  c.var.deps.dispatcher?.wake();
  return c.redirect(
    result.sendId ? `/admin/sends/${result.sendId}` : `/admin/campaigns/${campaign.id}`,
    303,
  );
});

sendingPages.post("/admin/campaigns/:id/duplicate", async (c) => {
  const found = await campaignAndList(c);
  if (!found) return c.notFound();
  const copy = await duplicateCampaign(c.var.deps, c.var.admin.email, found.campaign);
  return c.redirect(`/admin/campaigns/${copy.id}`, 303);
});

sendingPages.post("/admin/campaigns/:id/cancel", async (c) => {
  const found = await campaignAndList(c);
  if (!found) return c.notFound();
  const result = await cancelCampaign(c.var.deps, c.var.admin.email, found.campaign);
  if (!result.ok)
    return campaignPage(c, c.req.param("id"), { notice: refusalText(c, result) }, 409);
  return c.redirect(`/admin/campaigns/${found.campaign.id}`, 303);
});

sendingPages.post("/admin/campaigns/:id/edit", async (c) => {
  const found = await campaignAndList(c);
  if (!found) return c.notFound();
  const form = await c.req.parseBody();
  const values = campaignFormValues(form);
  const versions = formVersions(form, values);
  // datetime-local has no zone: the form says the time is UTC.
  const sendAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(values.send_at)
    ? `${values.send_at}:00Z`
    : values.send_at;
  const parsed = campaignPatch.safeParse({
    subject: values.subject,
    text: values.text,
    html: values.html,
    lang: formLang(values),
    versions,
    send_at: sendAt.trim() ? sendAt : undefined,
  });
  const errors: FormErrors = parsed.success
    ? {}
    : formErrorsByField(inLang(c.var.adminLang, fieldErrors(parsed.error)), versions);
  const result = parsed.success
    ? await updateCampaign(c.var.deps, c.var.admin, found.campaign, undefined, parsed.data)
    : undefined;
  if (result?.ok) return c.redirect(`/admin/campaigns/${found.campaign.id}`, 303);
  if (result?.reason === "invalid")
    Object.assign(errors, formErrorsByField(inLang(c.var.adminLang, result.errors), versions));
  const notice = result && result.reason !== "invalid" ? refusalText(c, result) : undefined;
  const code = result && result.reason !== "invalid" ? 409 : 422;
  return campaignPage(c, c.req.param("id"), { values, errors, notice }, code);
});
