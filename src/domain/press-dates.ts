import type { DatePrecision } from '../shared/press.ts';

/** A date known to the day, the month or only the year; `on` is the first day of that period. */
export type PartialDate = { on: string; precision: DatePrecision };

const DAY = 86_400_000;

/** Reads "2006", "2006-03" or "2006-03-05" into a partial date; null when it is no real date (press-freedom.md: dates may be partial). */
export function parsePartialDate(text: string): PartialDate | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (year < 1900 || year > 2100 || month < 1 || month > 12) return null;
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
  const precision: DatePrecision = d !== undefined ? 'day' : mo !== undefined ? 'month' : 'year';
  return { on: at.toISOString().slice(0, 10), precision };
}

/** Shows a partial date only as far as it is known: "2006", "2006-03" or "2006-03-05" (press-freedom.md). */
export function formatPartialDate(d: PartialDate): string {
  switch (d.precision) {
    case 'year':
      return d.on.slice(0, 4);
    case 'month':
      return d.on.slice(0, 7);
    case 'day':
      return d.on.slice(0, 10);
  }
}

/** The last day a partial date may stand for (the end of its month or year). */
export function periodEnd(d: PartialDate): string {
  const [y, m] = d.on.split('-').map(Number) as [number, number];
  switch (d.precision) {
    case 'day':
      return d.on;
    case 'month':
      return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    case 'year':
      return `${y}-12-31`;
  }
}

/** Whole days from `from` to `to` (ISO dates), negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/**
 * The date as shown to readers: a disputed date keeps both versions, each as far as it is known
 * ("2006-03-05 / 2006-03-06"), since sources disagree (press-freedom.md: keep both with their sources).
 */
export function displayIncidentDate(main: PartialDate, disputed: PartialDate | null): string {
  const first = formatPartialDate(main);
  if (!disputed) return first;
  const second = formatPartialDate(disputed);
  return second === first ? first : `${first} / ${second}`;
}

/**
 * Puts dated events in order, comparing two dates only as far as both are known: "2005" is neither
 * before nor after "2005-03-02", so such pairs keep their given order (the sort is stable). Partial
 * dates stay as the sources give them (press-freedom.md), so a timeline must not pretend more.
 */
export function inTimelineOrder<T>(items: readonly T[], dateOf: (item: T) => PartialDate): T[] {
  const len = (p: DatePrecision) => (p === 'year' ? 4 : p === 'month' ? 7 : 10);
  return [...items].sort((a, b) => {
    const x = dateOf(a);
    const y = dateOf(b);
    const n = Math.min(len(x.precision), len(y.precision));
    const l = x.on.slice(0, n);
    const r = y.on.slice(0, n);
    return l < r ? -1 : l > r ? 1 : 0;
  });
}
