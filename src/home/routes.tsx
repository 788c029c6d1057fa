// The public home page, the status check and the language switch.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env";
import { isLang, LANG_COOKIE } from "../i18n";
import { PUBLIC_CACHE } from "../incidents/routes";
import { IncidentsSection } from "../incidents/views";
import { openPollsNow } from "../polls/service";
import { PollsSection } from "../polls/views";
import { componentHistories, statusSummary } from "../status/summary";
import { ComponentsSection, MaintenanceSection, OverallBanner } from "../status/views";
import { PublicLayout } from "../views/layout";
import { HomePage, StatusFragment } from "./views";

export const homeRoutes = new Hono<AppEnv>();

/** The status home: everyone opens it at once during an incident (see PUBLIC_CACHE). */
homeRoutes.get("/", async (c) => {
  const deps = c.var.deps;
  const [summary, polls] = await Promise.all([statusSummary(deps), openPollsNow(deps)]);
  const histories = await componentHistories(deps, summary.components);
  const lang = c.var.lang;
  c.header("Cache-Control", PUBLIC_CACHE);
  c.header("Vary", "Accept-Language, Cookie");
  return c.html(
    <HomePage
      lang={lang}
      orgName={deps.config.orgName}
      sections={
        <>
          <OverallBanner overall={summary.overall} lang={lang} />
          <ComponentsSection
            groups={summary.groups}
            components={summary.components}
            histories={histories}
            lang={lang}
          />
          <IncidentsSection incidents={summary.open} lang={lang} part="open" />
          <MaintenanceSection maintenances={summary.maintenances} lang={lang} />
          <IncidentsSection incidents={summary.recent} lang={lang} part="recent" />
          <PollsSection polls={polls} lang={lang} />
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
