import { useTranslation } from 'react-i18next';
import { useMe } from '../api/session.ts';
import { isLanguage, LOCALES } from '../i18n/index.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Baku';

/** Today's date (YYYY-MM-DD) in a time zone (UTC's date when the zone is unknown). */
export function localToday(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** Formats instants in the signed-in user's time zone and language. */
export function useFormatDateTime() {
  const { i18n } = useTranslation();
  const { data } = useMe();
  const timeZone = data?.user.timeZone || DEFAULT_TIME_ZONE;
  const locale = isLanguage(i18n.language) ? LOCALES[i18n.language] : LOCALES.az;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    fmt = new Intl.DateTimeFormat(locale, { timeZone: DEFAULT_TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
  }
  return (iso: string | null | undefined): string => (iso ? fmt.format(new Date(iso)) : '—');
}
