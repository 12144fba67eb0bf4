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

describe('translations', () => {
  it('az, ru and en have exactly the same keys', () => {
    const keys = (m: Map<string, string>) => [...m.keys()].sort();
    expect(keys(files.ru)).toEqual(keys(files.az));
    expect(keys(files.en)).toEqual(keys(files.az));
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
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const differ = [...files.az].filter(([k, v]) => JSON.stringify(vars(map.get(k) ?? '')) !== JSON.stringify(vars(v))).map(([k]) => k);
    expect(differ).toEqual([]);
  });
});
