// The 90-day history strip of each component: per day, the worst status it was in, and the
// incidents that touched it. Days are UTC calendar days.

import { worstStatus } from "./components";
import type { ComponentStatus } from "./queries";

export const HISTORY_DAYS = 90;
const DAY_MS = 24 * 3600_000;

export type HistoryDay = {
  /** YYYY-MM-DD */
  date: string;
  /** null before the component existed. */
  worst: ComponentStatus | null;
  incidents: { slug: string; title: string; titleEn: string | null }[];
};

type Change = { componentId: number; status: ComponentStatus; at: string };
type Touch = {
  componentId: number;
  slug: string;
  title: string;
  titleEn: string | null;
  createdAt: string;
  resolvedAt: string | null;
};

/** The first instant of the strip: midnight UTC, HISTORY_DAYS - 1 days before today. */
export const historyStart = (now: Date) => {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (HISTORY_DAYS - 1) * DAY_MS).toISOString();
};

/**
 * One component's strip, from its changes in order (`before`: the status it began the window
 * in, if it existed then). A day's worst status counts the status it began the day in.
 */
export function componentHistory(
  start: string,
  before: ComponentStatus | undefined,
  changes: Change[],
  touches: Touch[],
): HistoryDay[] {
  const days: HistoryDay[] = [];
  let current = before;
  let next = 0;
  const startMs = Date.parse(start);
  for (let i = 0; i < HISTORY_DAYS; i++) {
    const dayStart = new Date(startMs + i * DAY_MS).toISOString();
    const dayEnd = new Date(startMs + (i + 1) * DAY_MS).toISOString();
    const seen: ComponentStatus[] = current ? [current] : [];
    while (next < changes.length && (changes[next] as Change).at < dayEnd) {
      current = (changes[next] as Change).status;
      seen.push(current);
      next++;
    }
    days.push({
      date: dayStart.slice(0, 10),
      worst: seen.length ? worstStatus(seen) : null,
      incidents: touches
        .filter((t) => t.createdAt < dayEnd && (t.resolvedAt === null || t.resolvedAt >= dayStart))
        .map(({ slug, title, titleEn }) => ({ slug, title, titleEn })),
    });
  }
  return days;
}
