// The evidence of consent, for auditors: the JSON export (API and admin download) and the
// "verify an IP" form. Each use is audited; the typed IP never is.
import type { Context } from "hono";
import { Hono } from "hono";
import { recordAudit } from "../audit/service";
import type { AppEnv } from "../http/env";
import { fieldErrors, parseJson, problem } from "../http/problem";
import { listFromParam } from "../lists/load";
import type { List } from "../lists/service";
import { errorPage } from "../views/errors";
import { errorsByField } from "../views/fields";
import {
  consentEvidence,
  eventsMatchingIp,
  type VerifyIpInput,
  type VerifyIpResult,
  verifyIpInput,
} from "./evidence";
import { VerifyIpPage, type VerifyIpValues } from "./evidence-views";

export const evidenceRoutes = new Hono<AppEnv>();

type C = Context<AppEnv>;

async function exportEvidence(c: C, list: List) {
  const evidence = await consentEvidence(c.var.deps, list);
  await recordAudit(c.var.deps, {
    actor: c.var.admin.email,
    action: "consent.evidence",
    listId: list.id,
    summary: `Exported the consent evidence of ${evidence.contacts.length} contacts`,
  });
  return evidence;
}

async function verifyIp(c: C, list: List, input: VerifyIpInput): Promise<VerifyIpResult> {
  const result = await eventsMatchingIp(c.var.deps, list, input);
  if (result.ok) {
    const whom = input.contact_id === undefined ? "the list" : `contact #${input.contact_id}`;
    await recordAudit(c.var.deps, {
      actor: c.var.admin.email,
      action: "consent.verify_ip",
      listId: list.id,
      summary: `Checked an IP address against the consent events of ${whom}: ${result.matches.length} matching`,
    });
  }
  return result;
}

evidenceRoutes.get("/api/v1/lists/:id/consent-evidence", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  return c.json(await exportEvidence(c, list));
});

evidenceRoutes.post("/api/v1/lists/:id/consent-evidence/verify-ip", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return problem(c, 404, `No list with id ${c.req.param("id")}.`);
  const body = await parseJson(c, verifyIpInput);
  if (!body.ok) return body.response;
  const result = await verifyIp(c, list, body.value);
  if (!result.ok) {
    const errors = [{ field: result.field, message: result.message }];
    return problem(c, 422, `${result.field}: ${result.message}`, { errors });
  }
  return c.json({ matches: result.matches });
});

evidenceRoutes.get("/admin/lists/:id/consent-evidence.json", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return errorPage(c, 404);
  const evidence = await exportEvidence(c, list);
  return c.body(JSON.stringify(evidence, null, 2), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": `attachment; filename="${list.slug}-consent-evidence.json"`,
  });
});

evidenceRoutes.get("/admin/lists/:id/verify-ip", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return errorPage(c, 404);
  const contact = c.req.query("contact_id") ?? "";
  return c.html(
    <VerifyIpPage email={c.var.admin.email} list={list} values={{ ip: "", contact_id: contact }} />,
  );
});

evidenceRoutes.post("/admin/lists/:id/verify-ip", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return errorPage(c, 404);
  const form = await c.req.parseBody();
  const values: VerifyIpValues = {
    ip: typeof form.ip === "string" ? form.ip : "",
    contact_id: typeof form.contact_id === "string" ? form.contact_id.trim() : "",
  };
  const page = (props: Partial<Parameters<typeof VerifyIpPage>[0]>, status: 200 | 422) =>
    c.html(
      <VerifyIpPage email={c.var.admin.email} list={list} values={values} {...props} />,
      status,
    );
  const parsed = verifyIpInput.safeParse({
    ip: values.ip,
    contact_id:
      values.contact_id === ""
        ? undefined
        : /^\d{1,15}$/.test(values.contact_id)
          ? Number(values.contact_id)
          : values.contact_id,
  });
  if (!parsed.success)
    return page({ errors: errorsByField(fieldErrors(parsed.error), c.var.adminLang) }, 422);
  const result = await verifyIp(c, list, parsed.data);
  if (!result.ok) return page({ errors: { [result.field]: result.message } }, 422);
  return page({ matches: result.matches, checkedContact: parsed.data.contact_id }, 200);
});
