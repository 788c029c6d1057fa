// /incidents.rss: the same incidents as the Atom feed, in RSS 2.0 for readers that only take RSS.
import { escapeXml } from "../incidents/atom";
import { renderMarkdown } from "../incidents/markdown";
import type { Incident, IncidentUpdate } from "../incidents/queries";
import { statusText } from "../incidents/views";

type FeedItem = { incident: Incident; updates: IncidentUpdate[] };

const rfc822 = (iso: string) => new Date(iso).toUTCString();

function item({ incident, updates }: FeedItem, publicUrl: string) {
  const url = `${publicUrl}/incidents/${incident.slug}`;
  const timeline = updates
    .map(
      (u) =>
        `<li><p><strong>${escapeXml(statusText("en", u.status))}</strong> — ${escapeXml(u.createdAt)}</p>${renderMarkdown(u.body)}</li>`,
    )
    .join("");
  const html = `${renderMarkdown(incident.body)}${timeline ? `<ol>${timeline}</ol>` : ""}`;
  return `    <item>
      <title>${escapeXml(incident.title)}</title>
      <link>${escapeXml(url)}</link>
      <guid isPermaLink="true">${escapeXml(url)}</guid>
      <pubDate>${rfc822(incident.updatedAt)}</pubDate>
      <category>${escapeXml(incident.status)}</category>
      <description>${escapeXml(html)}</description>
    </item>`;
}

export function incidentsRss(
  items: FeedItem[],
  config: { publicUrl: string; orgName: string },
  now: string,
): string {
  const updated =
    items
      .map((i) => i.incident.updatedAt)
      .sort()
      .at(-1) ?? now;
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeXml(`${config.orgName} — incidents`)}</title>
    <link>${escapeXml(`${config.publicUrl}/`)}</link>
    <atom:link href="${escapeXml(`${config.publicUrl}/incidents.rss`)}" rel="self" type="application/rss+xml"/>
    <description>${escapeXml(`Incidents of ${config.orgName}`)}</description>
    <lastBuildDate>${rfc822(updated)}</lastBuildDate>
${items.map((i) => item(i, config.publicUrl)).join("\n")}
  </channel>
</rss>
`;
}
