// The public home page, the status check and the language switch.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env";
import { isLang, LANG_COOKIE } from "../i18n";
import { openAndRecentIncidents } from "../incidents/service";
import { IncidentsSection } from "../incidents/views";
import { openPollsNow } from "../polls/service";
import { PollsSection } from "../polls/views";
import { formGuard, STATUS_FORM_SCOPE } from "../subscriptions/bot-fields";
import { StatusSubscribeForm } from "../subscriptions/views";
import { PublicLayout } from "../views/layout";
import { HomePage, StatusFragment } from "./views";

export const homeRoutes = new Hono<AppEnv>();

homeRoutes.get("/", async (c) => {
  const [incidents, polls] = await Promise.all([
    openAndRecentIncidents(c.var.deps),
    openPollsNow(c.var.deps),
  ]);
  return c.html(
    <HomePage
      lang={c.var.lang}
      sections={
        <>
          <IncidentsSection incidents={incidents} lang={c.var.lang} />
          <PollsSection polls={polls} lang={c.var.lang} />
          <StatusSubscribeForm lang={c.var.lang} guard={formGuard(c.var.deps, STATUS_FORM_SCOPE)} />
        </>
      }
    />,
  );
});

homeRoutes.get("/status", async (c) => {
  await c.var.deps.db.run(sql`select 1`);
  const fragment = (
    <StatusFragment lang={c.var.lang} checkedAt={c.var.deps.clock.now().toISOString()} />
  );
  if (c.req.header("HX-Request")) return c.html(fragment);
  return c.html(
    <PublicLayout title="Status" lang={c.var.lang} path="/status">
      {fragment}
    </PublicLayout>,
  );
});

/** Only same-site paths are accepted as the place to go back to (no open redirect). */
const safeBack = (value: unknown) =>
  typeof value === "string" && /^\/(?![/\\])[^\s]*$/.test(value) ? value : "/";

homeRoutes.post("/lang", async (c) => {
  const form = await c.req.parseBody();
  const lang = form.lang;
  if (isLang(lang)) {
    setCookie(c, LANG_COOKIE, lang, {
      path: "/",
      maxAge: 365 * 24 * 3600,
      sameSite: "Lax",
      httpOnly: true,
      secure: c.var.deps.config.publicUrl.startsWith("https:"),
    });
  }
  return c.redirect(safeBack(form.back), 303);
});
