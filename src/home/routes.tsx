// The public home page, the status check and the language switch.
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { etag } from "hono/etag";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { isLang, LANG_COOKIE, type Lang } from "../i18n";
import { IncidentsSection } from "../incidents/views";
import { messages } from "../messages";
import { openPollsNow } from "../polls/service";
import { PollsSection } from "../polls/views";
import { rememberedPage } from "../status/page-routes";
import { componentHistories, statusSummary } from "../status/summary";
import { ComponentsSection, MaintenanceSection, OverallBanner } from "../status/views";
import { formGuard, roundedDown, STATUS_FORM_SCOPE } from "../subscriptions/bot-fields";
import { StatusSubscribeForm } from "../subscriptions/views";
import { PublicLayout } from "../views/layout";
import { siteOf, withOrgName } from "../views/org";
import { HomePage, StatusFragment } from "./views";

export const homeRoutes = new Hono<AppEnv>();

/** The status home, rendered at most once a second per language (see status/page-memory.ts). */
async function renderHome(deps: Deps, lang: Lang): Promise<string> {
  const [summary, polls] = await Promise.all([statusSummary(deps), openPollsNow(deps)]);
  const histories = await componentHistories(deps, summary.components);
  // The form's display time is rounded down to the shared caches' 30 s, as on incident pages.
  const guard = formGuard(deps, STATUS_FORM_SCOPE, roundedDown(deps.clock.now(), 30_000));
  const page = (
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
          <StatusSubscribeForm lang={lang} guard={guard} />
        </>
      }
    />
  );
  return String(await withOrgName(siteOf(deps), page).toString());
}

homeRoutes.use("/", etag());

homeRoutes.get("/", async (c) => {
  const response = await rememberedPage(c, () => renderHome(c.var.deps, c.var.lang));
  if (!response) throw new Error("the status home rendered nothing");
  return response;
});

homeRoutes.get("/status", async (c) => {
  await c.var.deps.db.run(sql`select 1`);
  const fragment = (
    <StatusFragment lang={c.var.lang} checkedAt={c.var.deps.clock.now().toISOString()} />
  );
  if (c.req.header("HX-Request")) return c.html(fragment);
  return c.html(
    <PublicLayout title={messages(c.var.lang).home.status} lang={c.var.lang} path="/status">
      <h1>{messages(c.var.lang).home.status}</h1>
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
