// Admin pages: the team (owners, by the role table) and one's own account (everyone signed in).
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { SESSION_COOKIE } from "../auth/middleware";
import { clientHash } from "../auth/routes";
import { listSessions, listTokens, revokeSession, revokeToken } from "../auth/service";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
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

adminsPages.post("/admin/admins", async (c) => {
  const parsed = invitation.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return team(c, { error: `${String(issue?.path[0] ?? "form")}: ${issue?.message}` }, 422);
  }
  try {
    const invited = await inviteAdmin(c.var.deps, c.var.admin, parsed.data);
    const t = text(c).team;
    const notice = t.invited(invited.email, t.roles[invited.role]);
    return team(c, { notice, inviteUrl: invited.invite_url });
  } catch (error) {
    if (error instanceof AdminError)
      return team(c, { error: error.message }, ADMIN_ERROR_STATUS[error.kind]);
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
    if (!parsed.success)
      return team(c, { error: "role: one of owner, sender, editor, viewer" }, 422);
    const changed = await changeRole(c.var.deps, c.var.admin, id, parsed.data.role);
    const t = text(c).team;
    return team(c, { notice: t.roleChanged(changed.email, t.roles[changed.role]) });
  } catch (error) {
    if (error instanceof AdminError)
      return team(c, { error: error.message }, ADMIN_ERROR_STATUS[error.kind]);
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
    return account(c, { error: parsed.error.issues[0]?.message ?? "Invalid input." }, 422);
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
