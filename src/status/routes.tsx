// The status page's machine-readable and embeddable forms: Statuspage JSON, RSS, badge, embed.
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../http/env";
import { feedIncidents } from "../incidents/service";
import { badgeSvg } from "./badge";
import { StatusEmbedPage } from "./embed";
import { PUBLIC_CACHE } from "./page-routes";
import { componentsBySlugs } from "./queries";
import { incidentsRss } from "./rss";
import { statuspageRoutes } from "./statuspage-routes";
import { statusSummary } from "./summary";
import { componentStatusText, overallText } from "./views";

export const statusPages = new Hono<AppEnv>();

statusPages.use("/incidents.rss", etag());

statusPages.route("/", statuspageRoutes);

statusPages.get("/incidents.rss", async (c) => {
  const deps = c.var.deps;
  const xml = incidentsRss(await feedIncidents(deps), deps.config, deps.clock.now().toISOString());
  return c.body(xml, 200, {
    "Content-Type": "application/rss+xml; charset=utf-8",
    "Cache-Control": "public, max-age=60",
  });
});

statusPages.get("/badge.svg", async (c) => {
  const deps = c.var.deps;
  const slug = c.req.query("component");
  const lang = c.var.lang;
  let label = deps.config.orgName;
  let status = (await statusSummary(deps)).overall.status;
  let words = overallText(lang, status);
  if (slug !== undefined) {
    const [component] = await componentsBySlugs(deps.db, [slug]);
    if (!component) return c.text(`No component has the slug "${slug}".`, 404);
    label = component.name;
    status = component.status;
    words = componentStatusText(lang, status);
  }
  return c.body(badgeSvg(label, status, words), 200, {
    "Content-Type": "image/svg+xml; charset=utf-8",
    "Cache-Control": PUBLIC_CACHE,
    Vary: "Accept-Language, Cookie",
  });
});

statusPages.get("/embed/status", async (c) => {
  const deps = c.var.deps;
  const summary = await statusSummary(deps);
  c.header("Cache-Control", PUBLIC_CACHE);
  c.header("Vary", "Accept-Language, Cookie");
  return c.html(
    <StatusEmbedPage
      overall={summary.overall}
      open={summary.open}
      lang={c.var.lang}
      orgName={deps.config.orgName}
      publicUrl={deps.config.publicUrl}
    />,
  );
});
