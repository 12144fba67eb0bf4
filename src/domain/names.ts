/**
 * Name keys for search across scripts and spellings (Azerbaijani Latin, Russian Cyrillic, English).
 * A small stand-in until the full name-matching module arrives: a key is deliberately lossy, so
 * that every common spelling of one name gives the same key, and a search returns candidates.
 */

// Russian Cyrillic -> Latin, as passports and the English press write Azerbaijani names; е/ё after
// a vowel, a sign or at the start of a word is "ye" (Хазиев -> Khaziyev, Елмар -> Yelmar).
const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Azerbaijani Cyrillic letters still met in older texts
  ә: 'ə', ғ: 'gh', һ: 'h', ҹ: 'c', ҝ: 'g', ө: 'ö', ү: 'ü', ј: 'y',
};
const CYRILLIC_VOWELS = new Set([...'аеёиоуыэюяәөү']);

/** Russian Cyrillic to Latin letters; other characters pass through (transliteration as in passports). */
export function cyrillicToLatin(text: string): string {
  let out = '';
  const lower = text.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i]!;
    const prev = i > 0 ? lower[i - 1]! : '';
    if ((ch === 'е' || ch === 'ё') && (prev === '' || CYRILLIC_VOWELS.has(prev) || prev === 'ь' || prev === 'ъ' || !/\p{L}/u.test(prev))) {
      out += ch === 'е' ? 'ye' : 'yo';
      continue;
    }
    out += CYRILLIC[ch] ?? ch;
  }
  return out;
}

/**
 * The search key of one word: Cyrillic to Latin, then the spellings that differ between scripts
 * and sources folded together: ü/u, ö/o, ə/a/e, ı/i/y, ş/sh, ç/ch, ğ/gh/g/q, x/kh/h (and Russian
 * г for Azerbaijani h, as in Гусейнов = Huseynov), c/j/dzh/zh, doubled letters once.
 */
export function nameKey(word: string): string {
  // Upper-case letters are placeholders, so that the folds below cannot reach into sh, ch and j.
  const s = cyrillicToLatin(word.normalize('NFC'))
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/ş|sh/g, 'S')
    .replace(/ç|ch/g, 'C')
    .replace(/dzh|dj|zh|[cj]/g, 'J')
    .replace(/kh|gh|[xqgğh]/g, 'H')
    .replace(/ü/g, 'u')
    .replace(/ö/g, 'o')
    .replace(/[əe]/g, 'a')
    .replace(/y/g, 'i')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-zSJCH0-9]/g, '')
    // a doubled letter counts once (Məmmədov = Mamedov)
    .replace(/(.)\1+/g, '$1');
  return s.replace(/S/g, 'sh').replace(/C/g, 'ch').replace(/J/g, 'j').replace(/H/g, 'h');
}

/** The distinct keys of every word of every given name: what a record stores to be found by. */
export function nameKeys(...names: ReadonlyArray<string | null | undefined>): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const word of name.split(/[\s\-–—'’‘`".,;:()/]+/u)) {
      const k = nameKey(word);
      if (k.length > 0) keys.add(k);
    }
  }
  return [...keys].sort();
}

/** The keys a search must find all of: one per word of the query. */
export const queryKeys = (query: string): string[] => nameKeys(query);
