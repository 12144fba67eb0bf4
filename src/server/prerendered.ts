/**
 * The public report pages prerendered at build (scripts/prerender-public.ts), one file per page and
 * language, and the choice of the file that answers a request: the reader's language by the same rule
 * the web app starts with (`pickLanguage`), so that the app takes the page over without changing it.
 */
import { acceptedLanguages, isLanguage, LANGUAGE_PARAM, pickLanguage, type Language } from '../shared/languages.ts';

export const PRERENDERED_DIR = 'prerendered';

/** The file of one prerendered page in one language, under the web app's dist directory. */
export const prerenderedFile = (name: string, lang: Language) => `${PRERENDERED_DIR}/${name}.${lang}.html`;

/** The prerendered pages' names by their address. */
export const PRERENDERED_PATHS: Readonly<Record<string, string>> = { '/public/report': 'public-report', '/public/report/follow-up': 'public-follow-up' };

/**
 * What a prerendered page's response depends on besides its address: the compression, the language
 * cookie and the browser's languages. A shared cache keeps one copy per combination (and the pages
 * are `no-cache`, so it asks each time anyway).
 */
export const PRERENDERED_VARY = 'Accept-Encoding, Accept-Language, Cookie';

/** The prerendered page's name for an address (without its query), if it is one. */
export function prerenderedName(pathname: string): string | undefined {
  return PRERENDERED_PATHS[pathname.replace(/\/+$/, '')];
}

/**
 * The language a prerendered page is sent in. `?lang=` must be one of the languages (else the caller
 * answers 400 naming `lang`); the cookie and Accept-Language only ever help.
 */
export function prerenderedLanguage(req: { query: unknown; cookie: string | undefined; acceptLanguage: string | undefined }): { lang: Language } | { badParam: string } {
  const raw = (req.query as Record<string, unknown> | undefined)?.[LANGUAGE_PARAM];
  if (raw !== undefined && !isLanguage(raw)) return { badParam: LANGUAGE_PARAM };
  return { lang: pickLanguage({ param: raw, cookie: req.cookie, accepted: acceptedLanguages(req.acceptLanguage) }) };
}
