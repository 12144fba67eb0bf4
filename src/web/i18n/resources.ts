/// <reference types="vite/client" />
/**
 * The interface texts: the base files (`az.json`, `ru.json`, `en.json`) plus one folder per feature
 * under `modules/<feature>/{az,ru,en}.json`, each holding its own top-level key (for example
 * `hotline`), merged here. Features keep their texts apart so that they can grow side by side.
 */
import type { Language } from '../../shared/schemas/common.ts';
import az from './az.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export type Tree = { [k: string]: string | Tree };

const modules = import.meta.glob<Tree>('./modules/*/*.json', { eager: true, import: 'default' });

function merge(into: Tree, from: Tree, where: string): Tree {
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (have === undefined) into[k] = typeof v === 'string' ? v : merge({}, v, `${where}.${k}`);
    else if (typeof have !== 'string' && typeof v !== 'string') merge(have, v, `${where}.${k}`);
    else throw new Error(`Translation key ${where}.${k} is defined twice`);
  }
  return into;
}

function build(lang: Language, base: Tree): Tree {
  const out = merge({}, base, lang);
  for (const [file, tree] of Object.entries(modules)) {
    if (file.endsWith(`/${lang}.json`)) merge(out, tree, `${file}`);
  }
  return out;
}

export const translations: Record<Language, Tree> = {
  az: build('az', az as Tree),
  ru: build('ru', ru as Tree),
  en: build('en', en as Tree),
};

/** The module files found, for the test that checks every feature has all three languages. */
export const moduleFiles: readonly string[] = Object.keys(modules);
