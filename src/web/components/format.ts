import { useTranslation } from 'react-i18next';
import { useMe } from '../api/session.ts';
import { isLanguage, LOCALES } from '../i18n/index.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Baku';

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
