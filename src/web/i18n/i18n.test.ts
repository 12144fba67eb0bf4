import { describe, expect, it } from 'vitest';
import { moduleFiles, translations, type Tree } from './resources.ts';
import { AGENCY_TYPES, ROLES } from '../../shared/roles.ts';

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const files = { az: flatten(translations.az), ru: flatten(translations.ru), en: flatten(translations.en) };
const LOCALE = { az: 'az', ru: 'ru', en: 'en' } as const;

// i18next's plural forms (`key_one`, `key_few`...) and grammatical gender (`key_female`, `key_male`,
// with `context`) are suffixes: the base key is what the code asks for.
const PLURAL = /_(zero|one|two|few|many|other)$/;
const GENDER = /_(female|male)$/;
const baseKey = (k: string) => k.replace(PLURAL, '').replace(GENDER, '');
const baseKeys = (m: Map<string, string>) => [...new Set([...m.keys()].map(baseKey))].sort();

describe('translations', () => {
  it('az, ru and en have the same keys (plural and gender forms apart)', () => {
    expect(baseKeys(files.ru)).toEqual(baseKeys(files.az));
    expect(baseKeys(files.en)).toEqual(baseKeys(files.az));
  });

  it.each(Object.entries(files))('%s: every key with plural forms has exactly the forms its language needs (CLDR, Intl.PluralRules)', (lang, map) => {
    const needed = new Intl.PluralRules(LOCALE[lang as keyof typeof LOCALE]).resolvedOptions().pluralCategories.slice().sort();
    const forms = new Map<string, string[]>();
    for (const k of map.keys()) {
      const m = PLURAL.exec(k);
      if (m) forms.set(k.replace(PLURAL, ''), [...(forms.get(k.replace(PLURAL, '')) ?? []), m[1]!]);
    }
    const wrong = [...forms].filter(([, f]) => JSON.stringify(f.sort()) !== JSON.stringify(needed)).map(([k, f]) => `${k}: ${f.join(',')}`);
    expect(wrong).toEqual([]);
    // A plural key is plural in every language (a language with one form still has `_one` and `_other`).
    const pluralKeys = (m: Map<string, string>) => [...new Set([...m.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')))].sort();
    expect(pluralKeys(map)).toEqual(pluralKeys(files.az));
    // And every form uses {{count}}, which picks it.
    expect([...map].filter(([k, v]) => PLURAL.test(k) && !v.includes('{{count}}')).map(([k]) => k)).toEqual([]);
  });

  it('Russian has every plural form: one, few, many, other', () => {
    expect(new Intl.PluralRules('ru').resolvedOptions().pluralCategories.slice().sort()).toEqual(['few', 'many', 'one', 'other']);
    expect(files.ru.get('audit.chainOkText_few')).toBeDefined();
  });

  it.each(Object.entries(files))('%s: a gendered form always has its plain key to fall back on', (_lang, map) => {
    const orphans = [...map.keys()].filter((k) => GENDER.test(k) && !map.has(k.replace(GENDER, '')));
    expect(orphans).toEqual([]);
  });

  it('every feature folder has az, ru and en', () => {
    const folders = new Set(moduleFiles.map((f) => f.replace(/\/[^/]+$/, '')));
    for (const folder of folders) {
      for (const lang of ['az', 'ru', 'en']) expect(moduleFiles, folder).toContain(`${folder}/${lang}.json`);
    }
  });

  it.each(Object.entries(files))('%s has no empty values', (_lang, map) => {
    const empty = [...map].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it.each(Object.entries(files))('%s names every role and agency type', (_lang, map) => {
    for (const r of ROLES) expect(map.has(`role.${r}`), `role.${r}`).toBe(true);
    for (const a of AGENCY_TYPES) expect(map.has(`agencyType.${a}`), `agencyType.${a}`).toBe(true);
  });

  it.each(Object.entries(files))('%s uses the same {{placeholders}} as az', (_lang, map) => {
    const vars = (m: Map<string, string>) => {
      const out = new Map<string, string>();
      for (const [k, v] of m) {
        const found = new Set([...(out.get(baseKey(k))?.split(',').filter(Boolean) ?? []), ...[...v.matchAll(/\{\{(\w+)\}\}/g)].map((x) => x[1]!)]);
        out.set(baseKey(k), [...found].sort().join(','));
      }
      return out;
    };
    const mine = vars(map);
    const differ = [...vars(files.az)].filter(([k, v]) => mine.get(k) !== v).map(([k]) => k);
    expect(differ).toEqual([]);
  });

  it('Azerbaijani texts keep their letters: no "I" where "İ" belongs (İnsan alveri, not Insan alveri)', () => {
    // A word starting with a dotless capital I is almost never Azerbaijani (ılıq, ıldırım are the rare
    // exceptions); loanwords and names keep the dot: İnsan, İnternet, İyun. Brand names are allowed.
    const brands = new Set(['Instagram', 'IMO', 'IOM', 'ID', 'IP', 'ISO']);
    const wrong = [...files.az].flatMap(([k, v]) => [...v.matchAll(/(?<![\p{L}])I[\p{Ll}]+/gu)].map((m) => m[0]).filter((w) => !brands.has(w)).map((w) => `${k}: ${w}`));
    expect(wrong).toEqual([]);
    // Words that lost their letters when typed on a keyboard without them.
    const ascii = /(?<![\p{L}])(Azerbaycan|azerbaycan|istifadeci|Istifadeci|melumat|Melumat|muraciet|Muraciet|secin|Secin|sehv|Sehv|xeta|Xeta|ucun|Ucun|uzre|sexs|Sexs)(?![\p{L}])/u;
    expect([...files.az].filter(([, v]) => ascii.test(v)).map(([k]) => k)).toEqual([]);
  });
});
