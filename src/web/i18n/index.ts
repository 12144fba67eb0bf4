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

const CHOSEN_KEY = 'pathway.languageChosen';

/**
 * A language picked on the sign-in or setup page (before anyone is signed in): it is sent with the
 * sign-in and becomes the account's language. Kept for the browser tab only, so that the next person
 * signing in on a shared computer without picking one keeps their own.
 */
export async function chooseLanguage(lang: Language): Promise<void> {
  try {
    sessionStorage.setItem(CHOSEN_KEY, lang);
  } catch {
    // Private browsing: the page still changes language; the account keeps its own.
  }
  await applyLanguage(lang);
}

/** The language picked on a page before signing in, if any (see chooseLanguage). */
export function chosenLanguage(): Language | undefined {
  try {
    const v = sessionStorage.getItem(CHOSEN_KEY);
    return isLanguage(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** After signing in: the account's language applies from now on. */
export function forgetChosenLanguage(): void {
  try {
    sessionStorage.removeItem(CHOSEN_KEY);
  } catch {
    // Nothing was kept.
  }
}

/** The interface languages, each named in itself, wherever languages are listed to choose from. */
export const LANGUAGE_NAMES: Record<Language, string> = { az: 'Azərbaycanca', ru: 'Русский', en: 'English' };

/** BCP 47 locale for Intl formatting. */
export { LOCALES } from '../../shared/format.ts';

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
