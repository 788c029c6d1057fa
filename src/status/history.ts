// The 90-day history strip of each component: per day, the worst status it was in, and the
// incidents that touched it. Days are the organisation's calendar days (ORG_TIMEZONE): a day
// begins at local midnight, so it lasts 23 or 25 hours across a change of summer time.

import { worstStatus } from "./components";
import type { ComponentStatus } from "./queries";

export const HISTORY_DAYS = 90;

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

/** One day of the strip: its local date and the instants (ISO, UTC) it begins and ends at. */
export type StripDay = { date: string; start: string; end: string };

/**
 * Reads wall-clock time in one zone. Built once per strip: an `Intl.DateTimeFormat` with a time
 * zone costs far more to make than to use, and a strip asks for 182 offsets (bench/RESULTS.md).
 */
export function zoneClock(zone: string) {
  const dateOnly = new Intl.DateTimeFormat("en-CA", { timeZone: zone, dateStyle: "short" });
  const wallClock = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  /** How far the zone is ahead of UTC at `at`, in ms. */
  const offset = (at: number): number => {
    const parts = wallClock.formatToParts(at);
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const asUtc = Date.UTC(
      n("year"),
      n("month") - 1,
      n("day"),
      n("hour"),
      n("minute"),
      n("second"),
    );
    return asUtc - Math.floor(at / 1000) * 1000;
  };
  return {
    /** The local date ("YYYY-MM-DD") of an instant. */
    localDate: (at: Date | string) => dateOnly.format(new Date(at)),
    /** The instant local midnight of `date` falls at (the offset checked at that instant). */
    localMidnight(date: string): number {
      const [y, m, d] = date.split("-").map(Number) as [number, number, number];
      const wall = Date.UTC(y, m - 1, d);
      return wall - offset(wall - offset(wall));
    },
  };
}

/** The strip's days, oldest first, ending with today in `zone`. */
export function historyDays(now: Date, zone: string): StripDay[] {
  const clock = zoneClock(zone);
  const [y, m, d] = clock.localDate(now).split("-").map(Number) as [number, number, number];
  const dates = Array.from({ length: HISTORY_DAYS + 1 }, (_, i) =>
    new Date(Date.UTC(y, m - 1, d - (HISTORY_DAYS - 1) + i)).toISOString().slice(0, 10),
  );
  const bounds = dates.map((date) => new Date(clock.localMidnight(date)).toISOString());
  return dates.slice(0, HISTORY_DAYS).map((date, i) => ({
    date,
    start: bounds[i] as string,
    end: bounds[i + 1] as string,
  }));
}

/**
 * One component's strip, from its changes in order (`before`: the status it began the window
 * in, if it existed then). A day's worst status counts the status it began the day in.
 */
export function componentHistory(
  strip: StripDay[],
  before: ComponentStatus | undefined,
  changes: Change[],
  touches: Touch[],
): HistoryDay[] {
  const days: HistoryDay[] = [];
  let current = before;
  let next = 0;
  for (const { date, start: dayStart, end: dayEnd } of strip) {
    const seen: ComponentStatus[] = current ? [current] : [];
    while (next < changes.length && (changes[next] as Change).at < dayEnd) {
      current = (changes[next] as Change).status;
      seen.push(current);
      next++;
    }
    days.push({
      date,
      worst: seen.length ? worstStatus(seen) : null,
      incidents: touches
        .filter((t) => t.createdAt < dayEnd && (t.resolvedAt === null || t.resolvedAt >= dayStart))
        .map(({ slug, title, titleEn }) => ({ slug, title, titleEn })),
    });
  }
  return days;
}
