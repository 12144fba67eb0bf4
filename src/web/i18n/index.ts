import i18n, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, LANGUAGE_COOKIE, LANGUAGE_PARAM, pickLanguage, type Language } from '../../shared/languages.ts';
import type { Tree } from './merge.ts';

export { isLanguage } from '../../shared/languages.ts';

const STORAGE_KEY = 'pathway.language';

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function cookieLanguage(): string | null {
  const m = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([^;]*)`).exec(document.cookie);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null; // a malformed cookie (not one the app wrote) is no choice
  }
}

/** The language cookie the server reads for the prerendered public report pages (see pickLanguage). */
function rememberInCookie(lang: Language): void {
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${LANGUAGE_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}

/**
 * The public pages (the report pages, the press tracker, the statistics): their reader has no account,
 * so their language may come from the address and the browser's languages.
 */
const onPublicPage = () => window.location.pathname === '/public' || window.location.pathname.startsWith('/public/');

/**
 * The language the app starts in: on the public pages by `pickLanguage` from the address, the
 * cookie, local storage and the browser's languages, as the server chose the prerendered report
 * pages' (so the app takes them over in the same language); elsewhere from the cookie and local storage only
 * (a signed-in user's is their account's, applied once known).
 */
export function startLanguage(): Language {
  const publicPage = onPublicPage();
  return pickLanguage({
    param: publicPage ? new URLSearchParams(window.location.search).get(LANGUAGE_PARAM) : null,
    cookie: cookieLanguage(),
    stored: storedLanguage(),
    accepted: publicPage ? navigator.languages : [],
  });
}

/** Applies a language at once (texts, <html lang>) and remembers it for the sign-in page and the server. */
export async function applyLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private browsing: the language still applies to this page.
  }
  rememberInCookie(lang);
  // A language asked for in the address gives way to the one picked now (a reload keeps the pick).
  const url = new URL(window.location.href);
  if (url.searchParams.has(LANGUAGE_PARAM)) {
    url.searchParams.delete(LANGUAGE_PARAM);
    window.history.replaceState(window.history.state, '', url);
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

type Chunk = () => Promise<{ default: Tree }>;

/**
 * Each language's texts are chunks of their own, fetched when that language is first used: the core
 * (what the public report pages need) and, once any other screen is opened, the rest.
 */
const CORE: Record<Language, Chunk> = {
  az: () => import('./languages/az.ts'),
  ru: () => import('./languages/ru.ts'),
  en: () => import('./languages/en.ts'),
};
const MORE: Record<Language, Chunk> = {
  az: () => import('./languages/az-more.ts'),
  ru: () => import('./languages/ru-more.ts'),
  en: () => import('./languages/en-more.ts'),
};

let allTexts = false;

const chunkBackend: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read: (language, _namespace, callback) => {
    if (!isLanguage(language)) return callback(null, {});
    Promise.all([CORE[language](), allTexts ? MORE[language]() : null]).then(
      ([core, more]) => callback(null, more ? { ...core.default, ...more.default } : core.default),
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), false),
    );
  },
};

/**
 * Loads the texts of every feature (for the languages already in use, and from now on for any other)
 * before a screen other than the public report pages is shown.
 */
export async function loadAllTexts(): Promise<void> {
  if (allTexts) return;
  allTexts = true;
  const loaded = (i18n.languages ?? []).filter(isLanguage);
  const mores = await Promise.all(loaded.map(async (l) => [l, (await MORE[l]()).default] as const));
  for (const [l, tree] of mores) i18n.addResourceBundle(l, 'translation', tree, true, false);
}

export function initI18n() {
  const lng = startLanguage();
  // A language kept only in local storage (picked before the cookie existed) goes to the cookie too,
  // so that the server sends the prerendered pages in it from now on.
  const stored = storedLanguage();
  if (isLanguage(stored) && !isLanguage(cookieLanguage())) rememberInCookie(stored);
  document.documentElement.lang = lng;
  return i18n.use(chunkBackend).use(initReactI18next).init({
    lng,
    // No fallback language: all three have the same keys (a test checks), and a fallback would be
    // fetched as well on every page in Russian or English, the public report page included.
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export default i18n;
