/**
 * The interface texts on the server, for what it writes in a person's language: labelled exports
 * (headers and code values) and the audit log's action names. They are the web app's own JSON files
 * (src/web/i18n), merged the same way (src/shared/translations.ts): one copy of every translation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstance, type TFunction } from 'i18next';
import { LANGUAGES, type Language } from '../shared/schemas/common.ts';
import { buildTranslations, type Tree } from '../shared/translations.ts';

// From src/server/i18n.ts: ../web/i18n. From the build (dist/server/main.js, dist/cli/main.js): the
// sources' copy, ../../src/web/i18n.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIR = [path.resolve(HERE, '../web/i18n'), path.resolve(HERE, '../../src/web/i18n')].find((d) => fs.existsSync(path.join(d, 'modules'))) ?? path.resolve(HERE, '../web/i18n');

const readTree = (file: string): Tree => JSON.parse(fs.readFileSync(file, 'utf8')) as Tree;

function load(): Record<Language, Tree> {
  const modules: Record<string, Tree> = {};
  const moduleDir = path.join(DIR, 'modules');
  for (const feature of fs.readdirSync(moduleDir, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    for (const lang of LANGUAGES) {
      const file = path.join(moduleDir, feature.name, `${lang}.json`);
      if (fs.existsSync(file)) modules[`./modules/${feature.name}/${lang}.json`] = readTree(file);
    }
  }
  return Object.fromEntries(LANGUAGES.map((lang) => [lang, buildTranslations(lang, readTree(path.join(DIR, `${lang}.json`)), modules)])) as Record<Language, Tree>;
}

let fixed: Record<Language, TFunction> | null = null;

/** The texts of one language, with i18next's plurals (`count`) and gendered forms (`context`). */
export function textsIn(lang: Language): TFunction {
  if (!fixed) {
    const resources = load();
    const i18n = createInstance();
    // Resources are given inline, so initialisation is synchronous.
    void i18n.init({
      resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: resources[l] }])),
      lng: 'az',
      fallbackLng: 'az',
      interpolation: { escapeValue: false },
      initAsync: false,
      showSupportNotice: false,
    } as Parameters<typeof i18n.init>[0]);
    fixed = Object.fromEntries(LANGUAGES.map((l) => [l, i18n.getFixedT(l)])) as Record<Language, TFunction>;
  }
  return fixed[lang];
}

/** Whether a text exists in a language (for labels that fall back to the code). */
export function hasText(lang: Language, key: string): boolean {
  return textsIn(lang)(key, { defaultValue: '\u0000' }) !== '\u0000';
}
