/**
 * Dates and numbers as people read them in Azerbaijani, Russian and English, through Intl.
 *
 * One style per kind of screen:
 * - `short` for lists and tables: 06.12.2026 (az, ru), 06/12/2026 (en);
 * - `long` for detail pages: 6 dekabr 2026, 6 декабря 2026 г., 6 December 2026;
 * - `dateTime` for timestamps: 6 dekabr 2026, 23:38; 6 декабря 2026 г. в 23:38; 6 December 2026 at 23:38.
 *
 * Chromium's ICU data has no Azerbaijani month names (it prints "2026 M12 6"), and Node's prints
 * "6 dekabr 2026/23:38", so Azerbaijani is composed here from Intl's numeric parts (which carry the
 * time zone) and the month names of the Azerbaijani standard spelling.
 */
import type { Language } from './languages.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Baku';

/** BCP 47 locale for Intl formatting. */
export const LOCALES: Record<Language, string> = { az: 'az-Latn-AZ', ru: 'ru-RU', en: 'en-GB' };

/** Azerbaijani month names (nominative, lower case as written inside a date). */
export const AZ_MONTHS = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'] as const;

export type DateStyle = 'short' | 'long' | 'dateTime';

const formats = new Map<string, Intl.DateTimeFormat>();

function cached(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, options);
    } catch {
      // An unknown time zone (a profile saved before a zone was renamed): Baku, rather than nothing.
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: DEFAULT_TIME_ZONE });
    }
    formats.set(key, f);
  }
  return f;
}

const OPTIONS: Record<Exclude<Language, 'az'>, Record<DateStyle, Intl.DateTimeFormatOptions>> = {
  ru: {
    short: { day: '2-digit', month: '2-digit', year: 'numeric' },
    long: { day: 'numeric', month: 'long', year: 'numeric' },
    dateTime: { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  },
  en: {
    short: { day: '2-digit', month: '2-digit', year: 'numeric' },
    long: { day: 'numeric', month: 'long', year: 'numeric' },
    dateTime: { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  },
};

function azDate(date: Date, timeZone: string, style: DateStyle): string {
  const parts = cached('en-GB', { timeZone, day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = Number(part('day'));
  const month = Number(part('month'));
  const year = part('year');
  switch (style) {
    case 'short':
      return `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year}`;
    case 'long':
      return `${day} ${AZ_MONTHS[month - 1]} ${year}`;
    case 'dateTime':
      return `${day} ${AZ_MONTHS[month - 1]} ${year}, ${part('hour')}:${part('minute')}`;
  }
}

/** An instant (ISO timestamp or Date) in a language, style and time zone. */
export function formatInstant(value: string | Date, language: Language, style: DateStyle, timeZone: string = DEFAULT_TIME_ZONE): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  if (language === 'az') return azDate(date, timeZone, style);
  return cached(LOCALES[language], { ...OPTIONS[language][style], timeZone }).format(date);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date (YYYY-MM-DD: a date of birth, a deadline, a decision's date) in a language and
 * style. It names a day, not an instant, so no time zone moves it.
 */
export function formatDay(day: string, language: Language, style: Exclude<DateStyle, 'dateTime'>): string {
  if (!DAY.test(day)) return day;
  return formatInstant(`${day}T12:00:00Z`, language, style, 'UTC');
}

/** Azerbaijani abbreviated month names (CLDR's), for the compact day labels of chart axes. */
const AZ_MONTHS_SHORT = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek'] as const;

/** A calendar date (YYYY-MM-DD) as a chart axis shows it: day and short month (6 dek, 6 дек., 6 Dec). */
export function formatDayMonth(day: string, language: Language): string {
  const m = DAY.exec(day);
  if (!m) return day;
  if (language === 'az') return `${Number(m[3])} ${AZ_MONTHS_SHORT[Number(m[2]) - 1]}`;
  return cached(LOCALES[language], { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** A date or a timestamp, whichever the value is: a calendar date keeps its day, an instant gets its zone. */
export function formatDateValue(value: string, language: Language, style: DateStyle, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (DAY.test(value)) return formatDay(value, language, style === 'dateTime' ? 'long' : style);
  return formatInstant(value, language, style, timeZone);
}

/** A number in a language's digits grouping and decimal mark (1 234,5 in az and ru; 1,234.5 in en). */
export function formatNumber(n: number, language: Language, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1, ...options }).format(n);
}

/** A date known to the day, the month or only the year (press incidents): shown only as far as it is known. */
export function formatPartialDay(d: { on: string; precision: 'day' | 'month' | 'year' }, language: Language, style: Exclude<DateStyle, 'dateTime'>): string {
  if (!DAY.test(d.on)) return d.on;
  switch (d.precision) {
    case 'year':
      return d.on.slice(0, 4);
    case 'month': {
      if (language === 'az') return `${AZ_MONTHS[Number(d.on.slice(5, 7)) - 1]} ${d.on.slice(0, 4)}`;
      return cached(LOCALES[language], { month: style === 'short' ? '2-digit' : 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${d.on}T12:00:00Z`));
    }
    case 'day':
      return formatDay(d.on, language, style);
  }
}

/** An incident's date and, when sources disagree, the other date too ("5 March 2006 / 6 March 2006"). */
export function formatIncidentDate(
  main: { on: string; precision: 'day' | 'month' | 'year' },
  disputed: { on: string; precision: 'day' | 'month' | 'year' } | null | undefined,
  language: Language,
  style: Exclude<DateStyle, 'dateTime'>,
): string {
  const first = formatPartialDay(main, language, style);
  if (!disputed) return first;
  const second = formatPartialDay(disputed, language, style);
  return second === first ? first : `${first} / ${second}`;
}
