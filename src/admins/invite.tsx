// The one-time link of an invitation or a reset: a form that sets the admin's password, once.
import { Hono } from "hono";
import { beginBrowserSession } from "../auth/routes";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { fieldErrors } from "../http/problem";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import { newPassword } from "./input";
import { readPasswordLink, setPasswordFromLink } from "./service";

function PasswordLinkPage(props: { email?: string; token: string; error?: string }) {
  const t = useAdminText().invite;
  return (
    <AdminLayout title={t.title}>
      <article class="narrow">
        <h1>{t.title}</h1>
        {props.email === undefined ? (
          <p class="notice error" role="alert">
            {t.gone}
          </p>
        ) : (
          <form method="post" action={`/invite/${props.token}`}>
            <p>{t.account(props.email)}</p>
            {props.error ? (
              <p class="notice error" role="alert" id="password-error">
                {props.error}
              </p>
            ) : null}
            <input type="email" name="email" value={props.email} autocomplete="username" hidden />
            <label>
              {t.newPassword}
              <input
                type="password"
                name="password"
                autocomplete="new-password"
                minlength={8}
                required
                aria-invalid={props.error ? "true" : undefined}
                aria-describedby={props.error ? "password-error" : undefined}
              />
            </label>
            <button type="submit">{t.submit}</button>
          </form>
        )}
      </article>
    </AdminLayout>
  );
}

export const invitePages = new Hono<AppEnv>();

invitePages.get("/invite/:token", async (c) => {
  const token = c.req.param("token");
  const link = await readPasswordLink(c.var.deps, token);
  c.header("Referrer-Policy", "no-referrer");
  if (!link) return c.html(<PasswordLinkPage token={token} />, 410);
  return c.html(<PasswordLinkPage token={token} email={link.email} />);
});

invitePages.post("/invite/:token", async (c) => {
  const token = c.req.param("token");
  const form = await c.req.parseBody();
  const parsed = newPassword.safeParse(form.password);
  if (!parsed.success) {
    const link = await readPasswordLink(c.var.deps, token);
    if (!link) return c.html(<PasswordLinkPage token={token} />, 410);
    const first = fieldErrors(parsed.error)[0] ?? {
      field: "password",
      message: "Choose a password.",
    };
    const error = errorText(c.var.adminLang, { code: "required", ...first });
    return c.html(<PasswordLinkPage token={token} email={link.email} error={error} />, 422);
  }
  const admin = await setPasswordFromLink(c.var.deps, token, parsed.data);
  if (!admin) return c.html(<PasswordLinkPage token={token} />, 410);
  await beginBrowserSession(c, admin);
  return c.redirect("/admin", 303);
});
