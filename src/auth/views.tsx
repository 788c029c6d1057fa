import { AdminLayout } from "../views/layout";

export function LoginPage(props: { email?: string; error?: string; next?: string }) {
  return (
    <AdminLayout title="Sign in">
      <article class="narrow">
        <h1>Sign in</h1>
        {props.error ? (
          <p class="notice error" role="alert" id="login-error">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/admin/login">
          <input type="hidden" name="next" value={props.next ?? "/admin"} />
          <label>
            Email
            <input
              type="email"
              name="email"
              autocomplete="username"
              required
              value={props.email ?? ""}
              aria-invalid={props.error ? "true" : undefined}
              aria-describedby={props.error ? "login-error" : undefined}
            />
          </label>
          <label>
            Password
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          <label>
            Code from your authenticator app (only if two-step sign-in is on)
            <input
              type="text"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              maxlength={40}
              aria-describedby="code-help"
            />
            <small id="code-help">Or one of your recovery codes.</small>
          </label>
          <button type="submit">Sign in</button>
        </form>
      </article>
    </AdminLayout>
  );
}
