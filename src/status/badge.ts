// /badge.svg: the overall status (or one component's) as a small flat badge, like shields.io's.

import { escapeXml } from "../incidents/atom";
import type { ComponentStatus } from "./queries";

const COLOUR: Record<ComponentStatus, string> = {
  operational: "#2f9e44",
  maintenance: "#1c7ed6",
  degraded: "#b07a00",
  partial_outage: "#d9480f",
  major_outage: "#c92a2a",
};

/** Verdana 11px averages about 6.5 px a character; the badge only needs to be roughly right. */
const widthOf = (text: string) => Math.round(text.length * 6.5) + 12;

export function badgeSvg(label: string, status: ComponentStatus, words: string): string {
  const left = widthOf(label);
  const right = widthOf(words);
  const total = left + right;
  const l = escapeXml(label);
  const w = escapeXml(words);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${l}: ${w}">
<title>${l}: ${w}</title>
<rect width="${left}" height="20" rx="3" fill="#555"/>
<rect x="${left}" width="${right}" height="20" rx="3" fill="${COLOUR[status]}"/>
<rect x="${left}" width="4" height="20" fill="${COLOUR[status]}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="${left / 2}" y="14">${l}</text>
<text x="${left + right / 2}" y="14">${w}</text>
</g>
</svg>`;
}
