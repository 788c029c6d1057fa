// The Atom feed (RFC 4287) of incidents: one entry per incident, its timeline in the content.

import { renderMarkdown } from "./markdown";
import type { Incident, IncidentUpdate } from "./queries";
import { statusText } from "./views";

/** Characters XML 1.0 forbids even escaped (a control character typed into the API). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must go
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export const escapeXml = (value: string) =>
  value
    .replace(FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

type FeedItem = { incident: Incident; updates: IncidentUpdate[] };

function entryHtml({ incident, updates }: FeedItem): string {
  const timeline = updates
    .map(
      (u) =>
        `<li><p><strong>${escapeXml(statusText("en", u.status))}</strong> — ${escapeXml(u.createdAt)}</p>${renderMarkdown(u.body)}</li>`,
    )
    .join("");
  const postmortem = incident.postmortem
    ? `<h2>Postmortem</h2>${renderMarkdown(incident.postmortem)}`
    : "";
  return `${renderMarkdown(incident.body)}${timeline ? `<ol>${timeline}</ol>` : ""}${postmortem}`;
}

/** `publicUrl` has no trailing slash; `now` dates an empty feed. */
export function incidentsFeed(
  items: FeedItem[],
  publicUrl: string,
  now: string,
  orgName: string,
): string {
  // ISO 8601 UTC strings sort as the instants they name.
  const updated =
    items
      .map((i) => i.incident.updatedAt)
      .sort()
      .at(-1) ?? now;
  const entries = items.map((item) => {
    const url = `${publicUrl}/incidents/${item.incident.slug}`;
    return `  <entry>
    <id>${escapeXml(url)}</id>
    <title>${escapeXml(item.incident.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
    <published>${escapeXml(item.incident.createdAt)}</published>
    <updated>${escapeXml(item.incident.updatedAt)}</updated>
    <category term="${escapeXml(item.incident.status)}"/>
    <summary>${escapeXml(`${statusText("en", item.incident.status)} · impact ${item.incident.impact}`)}</summary>
    <content type="html">${escapeXml(entryHtml(item))}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(`${publicUrl}/incidents.atom`)}</id>
  <title>${escapeXml(orgName)} — incidents</title>
  <link rel="self" type="application/atom+xml" href="${escapeXml(`${publicUrl}/incidents.atom`)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(`${publicUrl}/`)}"/>
  <updated>${escapeXml(updated)}</updated>
  <author><name>${escapeXml(orgName)}</name></author>
${entries.join("\n")}
</feed>
`;
}
