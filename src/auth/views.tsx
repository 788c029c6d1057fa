import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";

export function LoginPage(props: { email?: string; error?: string; next?: string }) {
  const t = useAdminText().auth;
  return (
    <AdminLayout title={t.signIn}>
      <article class="narrow">
        <h1>{t.signIn}</h1>
        {props.error ? (
          <p class="notice error" role="alert" id="login-error">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/admin/login">
          <input type="hidden" name="next" value={props.next ?? "/admin"} />
          <label>
            {t.email}
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
            {t.password}
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          <label>
            {t.code}
            <input
              type="text"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              maxlength={40}
              aria-describedby="code-help"
            />
            <small id="code-help">{t.codeHelp}</small>
          </label>
          <button type="submit">{t.signIn}</button>
        </form>
      </article>
    </AdminLayout>
  );
}
