import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, type Language } from '../../shared/schemas/common.ts';
import { translations } from './resources.ts';

const STORAGE_KEY = 'pathway.language';

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : 'az';
  } catch {
    return 'az';
  }
}

/** Applies a language at once (texts, <html lang>) and remembers it for the sign-in page. */
export async function applyLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private browsing: the language still applies to this page.
  }
  document.documentElement.lang = lang;
  if (i18n.language !== lang) await i18n.changeLanguage(lang);
}

/** BCP 47 locale for Intl formatting. */
export const LOCALES: Record<Language, string> = { az: 'az-Latn-AZ', ru: 'ru-RU', en: 'en-GB' };

export function initI18n() {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  return i18n.use(initReactI18next).init({
    resources: { az: { translation: translations.az }, ru: { translation: translations.ru }, en: { translation: translations.en } },
    lng,
    fallbackLng: 'az',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export default i18n;
