/**
 * The interface languages, apart from the zod schemas (`schemas/common.ts` re-exports them) so that
 * the public pages' code can name them without loading zod.
 */
export const LANGUAGES = ['az', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language of anyone who has chosen none and whose browser asks for none of ours. */
export const DEFAULT_LANGUAGE: Language = 'az';

/**
 * The cookie that carries the language picked in the browser (written by the web app whenever one is
 * picked), so that the server can send the public report pages already in it.
 */
export const LANGUAGE_COOKIE = 'pathway-language';

/** The address parameter that asks for a language (`/public/report?lang=ru`). */
export const LANGUAGE_PARAM = 'lang';

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/**
 * The language tags of an Accept-Language header, most wanted first (by their q-values, ties in the
 * header's order), those with q=0 left out. Malformed entries (a bad tag or q-value) are skipped: the
 * header only ever helps.
 */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number; at: number }[] = [];
  header.split(',').forEach((part, at) => {
    const [tag, ...params] = part.trim().split(';');
    if (!tag || !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$|^\*$/.test(tag.trim())) return;
    let q = 1;
    for (const p of params) {
      if (!/^\s*q\s*=/i.test(p)) continue;
      const m = /^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.exec(p);
      if (!m) return;
      q = Number(m[1]);
    }
    if (q > 0) entries.push({ tag: tag.trim(), q, at });
  });
  return entries.sort((a, b) => b.q - a.q || a.at - b.at).map((e) => e.tag);
}

/**
 * The one rule for the language a page is shown in, applied by the server to the prerendered public
 * report pages (src/server/app.ts) and by the web app at its start (src/web/i18n/index.ts), so that
 * both pick the same: a language asked for in the address, else the one picked before (the cookie;
 * in the browser also its older copy in local storage, which the app writes to the cookie), else the
 * first of the browser's languages (Accept-Language, `navigator.languages`) that is one of ours,
 * matched by its primary subtag (`ru-RU` is `ru`), else Azerbaijani. Values that are not a language
 * of ours are passed over.
 */
export function pickLanguage(from: { param?: string | null; cookie?: string | null; stored?: string | null; accepted?: readonly string[] }): Language {
  for (const v of [from.param, from.cookie, from.stored]) if (isLanguage(v)) return v;
  for (const tag of from.accepted ?? []) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return DEFAULT_LANGUAGE;
}
