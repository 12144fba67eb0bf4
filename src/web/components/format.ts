import { useTranslation } from 'react-i18next';
import { useMe } from '../api/session.ts';
import { isLanguage } from '../i18n/index.ts';
import { DEFAULT_TIME_ZONE, formatDay, formatDayMonth, formatIncidentDate, formatInstant, formatNumber } from '../../shared/format.ts';
import type { Language } from '../../shared/schemas/common.ts';

export { DEFAULT_TIME_ZONE } from '../../shared/format.ts';

/** Today's date (YYYY-MM-DD) in a time zone (UTC's date when the zone is unknown). */
export function localToday(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

type PartialDay = { on: string; precision: 'day' | 'month' | 'year' };

const orDash = (v: string | null | undefined, f: (v: string) => string) => (v ? f(v) : '—');

/**
 * Dates and numbers in the page's language and the signed-in user's time zone (Baku when nobody is
 * signed in), one style per kind of screen (see src/shared/format.ts):
 * `short` in lists, `long` on detail pages, `dateTime` for timestamps; `day`/`longDay` for calendar
 * dates (YYYY-MM-DD) which no time zone moves.
 */
export function useFormat() {
  const { i18n } = useTranslation();
  const { data } = useMe();
  return formatters(isLanguage(i18n.language) ? i18n.language : 'az', data?.user.timeZone || DEFAULT_TIME_ZONE);
}

/** The same for the public pages: nobody is signed in, so Baku time in the page's language. */
export function usePublicFormat() {
  const { i18n } = useTranslation();
  return formatters(isLanguage(i18n.language) ? i18n.language : 'az', DEFAULT_TIME_ZONE);
}

function formatters(lang: Language, timeZone: string) {
  return {
    lang,
    short: (iso: string | null | undefined) => orDash(iso, (v) => formatInstant(v, lang, 'short', timeZone)),
    long: (iso: string | null | undefined) => orDash(iso, (v) => formatInstant(v, lang, 'long', timeZone)),
    dateTime: (iso: string | null | undefined) => orDash(iso, (v) => formatInstant(v, lang, 'dateTime', timeZone)),
    day: (day: string | null | undefined) => orDash(day, (v) => formatDay(v, lang, 'short')),
    longDay: (day: string | null | undefined) => orDash(day, (v) => formatDay(v, lang, 'long')),
    /** A calendar date as a chart's axis shows it: day and short month. */
    dayMonth: (day: string | null | undefined) => orDash(day, (v) => formatDayMonth(v, lang)),
    /** A press incident's partial (and perhaps disputed) date. */
    incident: (main: PartialDay, disputed?: PartialDay | null, style: 'short' | 'long' = 'short') => formatIncidentDate(main, disputed, lang, style),
    /** A date written as far as it is known: YYYY, YYYY-MM or YYYY-MM-DD. */
    partial: (text: string | null | undefined, style: 'short' | 'long' = 'long') => orDash(text, (v) => {
      const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
      if (!m) return v;
      const precision = m[3] ? 'day' : m[2] ? 'month' : 'year';
      return formatIncidentDate({ on: `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`, precision }, null, lang, style);
    }),
    number: (n: number | null | undefined, options?: Intl.NumberFormatOptions) => (n === null || n === undefined ? '—' : formatNumber(n, lang, options)),
  };
}

/** Formats instants as timestamps (date and time) in the signed-in user's time zone and language. */
export function useFormatDateTime() {
  return useFormat().dateTime;
}
