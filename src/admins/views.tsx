// Pages of the team (owners) and of one's own account (everyone signed in).
import type { SessionSummary, TokenSummary } from "../auth/service";
import { labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import { Time } from "../views/time";
import { ROLE_NAMES } from "./input";
import type { AdminSummary } from "./service";

function RoleSelect(props: { name: string; value?: string; id?: string }) {
  const text = useAdminText();
  const t = text.team;
  return (
    <select name={props.name} aria-label={t.role} id={props.id}>
      {ROLE_NAMES.map((role) => (
        <option value={role} selected={role === props.value}>
          {t.roles[role]}
          {text.sendingBar.colon}
          {t.roleHelp[role]}
        </option>
      ))}
    </select>
  );
}

function Notice(props: { notice?: string; error?: string }) {
  if (props.error) {
    return (
      <p class="notice error" role="alert">
        {props.error}
      </p>
    );
  }
  return props.notice ? (
    <p class="notice" role="status">
      {props.notice}
    </p>
  ) : null;
}

export function TeamPage(props: {
  email: string;
  admins: AdminSummary[];
  notice?: string;
  error?: string;
  inviteUrl?: string;
}) {
  const t = useAdminText().team;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <Notice notice={props.notice} error={props.error} />
      {props.inviteUrl ? (
        <article>
          <p>{t.inviteLink}</p>
          <pre>{props.inviteUrl}</pre>
        </article>
      ) : null}
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th>{t.admin}</th>
              <th>{t.role}</th>
              <th>{t.remove}</th>
            </tr>
          </thead>
          <tbody>
            {props.admins.map((admin) => (
              <AdminRow admin={admin} />
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t.invite}</h2>
      <form method="post" action="/admin/admins">
        <label>
          {t.email}
          <input type="email" name="email" required />
        </label>
        <label for="invite-role">{t.role}</label>
        <RoleSelect name="role" value="viewer" id="invite-role" />
        <button type="submit">{t.inviteButton}</button>
      </form>
    </AdminLayout>
  );
}

/** One admin of the team: their role to change, and the button that removes them. */
function AdminRow(props: { admin: AdminSummary }) {
  const t = useAdminText().team;
  const { admin } = props;
  return (
    <tr>
      <td>{admin.email}</td>
      <td>
        <form method="post" action={`/admin/admins/${admin.id}/role`} class="inline">
          <RoleSelect name="role" value={admin.role} />
          <button type="submit" class="outline">
            {t.changeRole}
          </button>
        </form>
      </td>
      <td>
        <form method="post" action={`/admin/admins/${admin.id}/remove`} class="inline">
          <button type="submit" class="outline secondary">
            {t.removeAdmin(admin.email)}
          </button>
        </form>
      </td>
    </tr>
  );
}

export function AccountPage(props: {
  email: string;
  role: string;
  sessions: SessionSummary[];
  tokens: TokenSummary[];
  notice?: string;
  error?: string;
}) {
  const text = useAdminText();
  const t = text.account;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.heading}</h1>
      <p>{t.whoAmI(props.email, labelOf(text.team.roles, props.role))}</p>
      <Notice notice={props.notice} error={props.error} />
      <h2>{t.changePassword}</h2>
      <PasswordForm />
      <h2>{t.twoStep}</h2>
      <p>
        <a href="/admin/account/two-step">{t.twoStepLink}</a>
        {t.twoStepHint}
      </p>
      <h2>{t.sessions}</h2>
      <SessionsTable sessions={props.sessions} />
      <h2>{t.tokens}</h2>
      {props.tokens.length === 0 ? <p>{t.noToken}</p> : null}
      <TokensTable tokens={props.tokens} />
    </AdminLayout>
  );
}

function PasswordForm() {
  const t = useAdminText().account;
  return (
    <form method="post" action="/admin/account/password">
      <label>
        {t.currentPassword}
        <input type="password" name="current_password" autocomplete="current-password" required />
      </label>
      <label>
        {t.newPassword}
        <input
          type="password"
          name="new_password"
          autocomplete="new-password"
          minlength={8}
          required
        />
      </label>
      <button type="submit">{t.changeButton}</button>
    </form>
  );
}

/** The admin's sessions; any but this browser's can be ended. */
function SessionsTable(props: { sessions: SessionSummary[] }) {
  const t = useAdminText().account;
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>{t.started}</th>
            <th>{t.expires}</th>
            <th>{t.end}</th>
          </tr>
        </thead>
        <tbody>
          {props.sessions.map((session) => (
            <tr>
              <td>
                <Time at={session.created_at} />
              </td>
              <td>
                <Time at={session.expires_at} relative />
              </td>
              <td>
                {session.current ? (
                  t.thisBrowser
                ) : (
                  <form
                    method="post"
                    action={`/admin/account/sessions/${session.id}/revoke`}
                    class="inline"
                  >
                    <button type="submit" class="outline secondary">
                      {t.endSession(session.id)}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The admin's API tokens, each revocable. */
function TokensTable(props: { tokens: TokenSummary[] }) {
  const text = useAdminText();
  const t = text.account;
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th>{t.name}</th>
            <th>{t.role}</th>
            <th>{t.created}</th>
            <th>{t.lastUsed}</th>
            <th>{t.revoke}</th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr>
              <td>{token.name ?? t.noName}</td>
              <td>{labelOf(text.team.roles, token.role)}</td>
              <td>
                <Time at={token.created_at} />
              </td>
              <td>{token.last_used_at ? <Time at={token.last_used_at} relative /> : t.never}</td>
              <td>
                <form
                  method="post"
                  action={`/admin/account/tokens/${token.id}/revoke`}
                  class="inline"
                >
                  <button type="submit" class="outline secondary">
                    {t.revokeToken(token.name ?? token.id)}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
