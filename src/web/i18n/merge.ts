import type { Language } from '../../shared/languages.ts';

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

/** One language's texts: its base file plus each feature module's file for that language. */
export function buildTranslations(lang: Language, base: Tree, modules: Record<string, Tree>): Tree {
  const out = merge({}, base, lang);
  for (const [file, tree] of Object.entries(modules)) {
    if (file.endsWith(`/${lang}.json`)) merge(out, tree, `${file}`);
  }
  return out;
}
