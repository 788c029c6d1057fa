// Admin pages: the team (owners, by the role table) and one's own account (everyone signed in).
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { ZodError } from "zod";
import { SESSION_COOKIE } from "../auth/middleware";
import { clientHash } from "../auth/routes";
import { listSessions, listTokens, revokeSession, revokeToken } from "../auth/service";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { idParam } from "../http/params";
import { fieldErrors } from "../http/problem";
import { messages } from "../messages";
import { ADMIN_ERROR_STATUS, invitation, passwordChange, roleChange } from "./input";
import {
  AdminError,
  changeOwnPassword,
  changeRole,
  inviteAdmin,
  listAdmins,
  removeAdmin,
} from "./service";
import { AccountPage, TeamPage } from "./views";

/** The notices of these routes in the admin's language (errors from the services stay English). */
const text = (c: Context<AppEnv>) => messages(c.var.adminLang);

export const adminsPages = new Hono<AppEnv>();

async function team(
  c: Context<AppEnv>,
  extra: { notice?: string; error?: string; inviteUrl?: string } = {},
  status: 200 | 404 | 409 | 422 = 200,
) {
  const admins = await listAdmins(c.var.deps);
  return c.html(<TeamPage email={c.var.admin.email} admins={admins} {...extra} />, status);
}

adminsPages.get("/admin/admins", (c) => team(c));

/** The form's first error, named by its field as the team page has always said it. */
function firstError(c: Context<AppEnv>, error: ZodError) {
  const first = fieldErrors(error)[0];
  if (!first) return text(c).formErrors.invalid;
  return errorText(c.var.adminLang, { ...first, message: `${first.field}: ${first.message}` });
}

const ADMIN_ERROR_CODES = {
  exists: "adminExists",
  not_found: "adminNotFound",
  last_owner: "lastOwner",
};

const roleError = (c: Context<AppEnv>) =>
  errorText(c.var.adminLang, {
    field: "role",
    message: "role: one of owner, sender, editor, viewer",
    code: "invalidChoice",
  });

/** A refusal of the admins service in the page's language. */
const adminErrorText = (c: Context<AppEnv>, error: AdminError) =>
  errorText(c.var.adminLang, {
    field: "email",
    message: error.message,
    code: ADMIN_ERROR_CODES[error.kind],
    values: error.values,
  });

adminsPages.post("/admin/admins", async (c) => {
  const parsed = invitation.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    return team(c, { error: firstError(c, parsed.error) }, 422);
  }
  try {
    const invited = await inviteAdmin(c.var.deps, c.var.admin, parsed.data);
    const t = text(c).team;
    const notice = t.invited(invited.email, t.roles[invited.role]);
    return team(c, { notice, inviteUrl: invited.invite_url });
  } catch (error) {
    if (error instanceof AdminError)
      return team(c, { error: adminErrorText(c, error) }, ADMIN_ERROR_STATUS[error.kind]);
    throw error;
  }
});

adminsPages.post("/admin/admins/:id/:action{role|remove}", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined) return team(c, { error: text(c).team.noSuchAdmin }, 404);
  const form = await c.req.parseBody();
  try {
    if (c.req.param("action") === "remove") {
      await removeAdmin(c.var.deps, c.var.admin, id);
      return team(c, { notice: text(c).team.removed });
    }
    const parsed = roleChange.safeParse(form);
    if (!parsed.success) return team(c, { error: roleError(c) }, 422);
    const changed = await changeRole(c.var.deps, c.var.admin, id, parsed.data.role);
    const t = text(c).team;
    return team(c, { notice: t.roleChanged(changed.email, t.roles[changed.role]) });
  } catch (error) {
    if (error instanceof AdminError)
      return team(c, { error: adminErrorText(c, error) }, ADMIN_ERROR_STATUS[error.kind]);
    throw error;
  }
});

async function account(
  c: Context<AppEnv>,
  extra: { notice?: string; error?: string } = {},
  status: 200 | 401 | 404 | 422 | 429 = 200,
) {
  const admin = c.var.admin;
  const [sessions, tokens] = await Promise.all([
    listSessions(c.var.deps, admin, getCookie(c, SESSION_COOKIE)),
    listTokens(c.var.deps, admin),
  ]);
  return c.html(
    <AccountPage
      email={admin.email}
      role={admin.role}
      sessions={sessions}
      tokens={tokens}
      {...extra}
    />,
    status,
  );
}

adminsPages.get("/admin/account", (c) => account(c));

adminsPages.post("/admin/account/password", async (c) => {
  const parsed = passwordChange.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    const first = fieldErrors(parsed.error)[0];
    const error = first ? errorText(c.var.adminLang, first) : text(c).formErrors.invalid;
    return account(c, { error }, 422);
  }
  const outcome = await changeOwnPassword(c.var.deps, c.var.admin, {
    current: parsed.data.current_password,
    next: parsed.data.new_password,
    clientHash: clientHash(c),
    sessionId: getCookie(c, SESSION_COOKIE) ?? "",
  });
  const t = text(c).account;
  if (outcome === "invalid") return account(c, { error: t.wrongPassword }, 401);
  if (outcome === "locked") return account(c, { error: t.locked }, 429);
  return account(c, { notice: t.passwordChanged });
});

adminsPages.post("/admin/account/:kind{sessions|tokens}/:id/revoke", async (c) => {
  const revoke = c.req.param("kind") === "sessions" ? revokeSession : revokeToken;
  const done = await revoke(c.var.deps, c.var.admin, c.req.param("id"));
  if (!done) return account(c, { error: text(c).account.nothingToRevoke }, 404);
  return account(c, { notice: text(c).account.revoked });
});
