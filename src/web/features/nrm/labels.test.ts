import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as nrm from '../../../shared/nrm.ts';
import { translations, type Tree } from '../../i18n/resources.ts';
import { CODE_LABEL_KEYS } from './labels.ts';

/**
 * Labels that are rightly the same in Azerbaijani or Russian as in English: brand names of apps and
 * sites (HTCDS vic_RecruitmentWebsitesAndApps), which are written the same in every language.
 */
const SAME_IN_EVERY_LANGUAGE = new Set(['app.facebook', 'app.instagram', 'app.whatsapp', 'app.telegram', 'app.facebook_messenger', 'app.viber', 'app.snapchat', 'app.line', 'app.4sale', 'app.wechat', 'app.qq', 'app.qzone', 'app.tiktok', 'app.twitter']);

const lookup = (tree: Tree, path: string): string | Tree | undefined =>
  path.split('.').reduce<string | Tree | undefined>((node, k) => (node && typeof node !== 'string' ? node[k] : undefined), tree);

/** Every exported list of codes in src/shared/nrm.ts (arrays of strings). */
const codeLists: [string, readonly string[]][] = (Object.entries(nrm) as [string, unknown][]).filter(
  (e): e is [string, readonly string[]] => Array.isArray(e[1]) && e[1].every((c) => typeof c === 'string'),
);

describe('labels of the NRM code lists', () => {
  it('every code list of src/shared/nrm.ts says where its labels are', () => {
    expect(codeLists.length).toBeGreaterThan(20);
    expect(codeLists.map(([name]) => name).filter((name) => !(name in CODE_LABEL_KEYS))).toEqual([]);
  });

  it.each(codeLists)('%s: a non-empty label for every code in az, ru and en', (name, codes) => {
    const missing: string[] = [];
    for (const lang of ['az', 'ru', 'en'] as const) {
      for (const code of codes) {
        const label = lookup(translations[lang], `${CODE_LABEL_KEYS[name]}.${code}`);
        if (typeof label !== 'string' || label.trim() === '') missing.push(`${lang}: ${code}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(codeLists)('%s: az and ru labels are translations, not copies of English', (name, codes) => {
    const group = CODE_LABEL_KEYS[name]!.split('.').at(-1)!;
    const copies: string[] = [];
    for (const code of codes) {
      if (SAME_IN_EVERY_LANGUAGE.has(`${group}.${code}`)) continue;
      const en = lookup(translations.en, `${CODE_LABEL_KEYS[name]}.${code}`);
      for (const lang of ['az', 'ru'] as const) if (lookup(translations[lang], `${CODE_LABEL_KEYS[name]}.${code}`) === en) copies.push(`${lang}: ${code}`);
    }
    expect(copies).toEqual([]);
  });

  it('the list of labels allowed to equal English names only brand names that exist', () => {
    for (const key of SAME_IN_EVERY_LANGUAGE) expect(lookup(translations.en, `nrm.codes.${key}`), key).toBeTypeOf('string');
  });
});

describe('labels of the case timeline', () => {
  /** Every audit action the server writes on a case (reads stay out of the timeline), found in its source. */
  const written = (() => {
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/'((?:case|access)\.[a-z_.]+)'/g)) if (!m[1]!.endsWith('.read')) found.add(m[1]!);
        }
      }
    };
    walk(path.resolve('src/server'));
    return [...found].sort();
  })();

  it('finds the actions', () => {
    expect(written).toEqual(expect.arrayContaining(['case.created', 'case.referral_sent', 'access.grant', 'case.permit_recorded']));
  });

  it.each(written)('%s has a label in az, ru and en, and az and ru are not English', (action) => {
    const key = `nrm.timeline.action.${action.replace(/\./g, '_')}`;
    const en = lookup(translations.en, key);
    expect(typeof en === 'string' && en.length > 0, `en ${key}`).toBe(true);
    for (const lang of ['az', 'ru'] as const) {
      const label = lookup(translations[lang], key);
      expect(typeof label === 'string' && label.length > 0 && label !== en, `${lang} ${key}`).toBe(true);
    }
  });
});
