// Pages of the team (owners) and of one's own account (everyone signed in).
import type { SessionSummary, TokenSummary } from "../auth/service";
import { AdminLayout } from "../views/layout";
import { Time } from "../views/time";
import { ROLE_NAMES } from "./input";
import type { AdminSummary } from "./service";

const ROLE_HELP: Record<AdminSummary["role"], string> = {
  owner: "everything, including admins and settings",
  sender: "what an editor does, plus start, approve and stop sends",
  editor: "lists, contacts, imports, campaign drafts, incidents, polls; no send",
  viewer: "reads only (and may press Stop all sending)",
};

function RoleSelect(props: { name: string; value?: string; id?: string }) {
  return (
    <select name={props.name} aria-label="Role" id={props.id}>
      {ROLE_NAMES.map((role) => (
        <option value={role} selected={role === props.value}>
          {role}: {ROLE_HELP[role]}
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
  return (
    <AdminLayout title="Team" email={props.email}>
      <h1>Team</h1>
      <Notice notice={props.notice} error={props.error} />
      {props.inviteUrl ? (
        <article>
          <p>Send this one-time link to the new admin (valid 72 hours, works once):</p>
          <pre>{props.inviteUrl}</pre>
        </article>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Admin</th>
            <th>Role</th>
            <th>Remove</th>
          </tr>
        </thead>
        <tbody>
          {props.admins.map((admin) => (
            <tr>
              <td>{admin.email}</td>
              <td>
                <form method="post" action={`/admin/admins/${admin.id}/role`} class="inline">
                  <RoleSelect name="role" value={admin.role} />
                  <button type="submit" class="outline">
                    Change role
                  </button>
                </form>
              </td>
              <td>
                <form method="post" action={`/admin/admins/${admin.id}/remove`} class="inline">
                  <button type="submit" class="outline secondary">
                    Remove {admin.email}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Invite an admin</h2>
      <form method="post" action="/admin/admins">
        <label>
          Email
          <input type="email" name="email" required />
        </label>
        <label for="invite-role">Role</label>
        <RoleSelect name="role" value="viewer" id="invite-role" />
        <button type="submit">Invite</button>
      </form>
    </AdminLayout>
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
  return (
    <AdminLayout title="Account" email={props.email}>
      <h1>Your account</h1>
      <p>
        {props.email}, role {props.role}.
      </p>
      <Notice notice={props.notice} error={props.error} />
      <h2>Change your password</h2>
      <form method="post" action="/admin/account/password">
        <label>
          Current password
          <input type="password" name="current_password" autocomplete="current-password" required />
        </label>
        <label>
          New password (at least 8 characters)
          <input
            type="password"
            name="new_password"
            autocomplete="new-password"
            minlength={8}
            required
          />
        </label>
        <button type="submit">Change password</button>
      </form>
      <h2>Two-step sign-in</h2>
      <p>
        <a href="/admin/account/two-step">Set up or turn off two-step sign-in</a> (a code from an
        authenticator app at each sign-in).
      </p>
      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th>Started</th>
            <th>Expires</th>
            <th>End</th>
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
                  "this browser"
                ) : (
                  <form
                    method="post"
                    action={`/admin/account/sessions/${session.id}/revoke`}
                    class="inline"
                  >
                    <button type="submit" class="outline secondary">
                      End session {session.id}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>API tokens</h2>
      {props.tokens.length === 0 ? <p>No API token. Issue one with POST /api/v1/tokens.</p> : null}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Revoke</th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr>
              <td>{token.name ?? "(no name)"}</td>
              <td>{token.role}</td>
              <td>
                <Time at={token.created_at} />
              </td>
              <td>{token.last_used_at ? <Time at={token.last_used_at} relative /> : "never"}</td>
              <td>
                <form
                  method="post"
                  action={`/admin/account/tokens/${token.id}/revoke`}
                  class="inline"
                >
                  <button type="submit" class="outline secondary">
                    Revoke {token.name ?? token.id}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}
