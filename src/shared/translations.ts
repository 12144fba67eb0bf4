/**
 * The interface texts are the JSON files under src/web/i18n: the base files (`az.json`, `ru.json`,
 * `en.json`) plus one folder per feature (`modules/<feature>/{az,ru,en}.json`). The web app and the
 * server (labelled exports, the audit log's action names) merge them with this one function, so
 * there is one copy of every translation.
 */
import type { Language } from './languages.ts';

export type Tree = { [k: string]: string | Tree };

function merge(into: Tree, from: Tree, where: string): Tree {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (have === undefined) into[k] = typeof v === 'string' ? v : merge({}, v, `${where}.${k}`);
    else if (typeof have !== 'string' && typeof v !== 'string') merge(have, v, `${where}.${k}`);
    else throw new Error(`Translation key ${where}.${k} is defined twice`);
  }
  return into;
}

/** One language's texts: its base file and every module file (keyed by path, ending in `/<lang>.json`). */
export function buildTranslations(lang: Language, base: Tree, modules: Record<string, Tree>): Tree {
  const out = merge({}, base, lang);
  for (const [file, tree] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    if (file.endsWith(`/${lang}.json`)) merge(out, tree, file);
  }
  return out;
}
