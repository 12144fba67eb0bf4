/// <reference types="vite/client" />
/**
 * The interface texts: the base files (`az.json`, `ru.json`, `en.json`) plus one folder per feature
 * under `modules/<feature>/{az,ru,en}.json`, each holding its own top-level key (for example
 * `hotline`), merged by src/shared/translations.ts (which the server uses too, for labelled exports).
 * Features keep their texts apart so that they can grow side by side. The web app loads one
 * language's chunk at a time (`languages/<lang>.ts`, through `index.ts`); this file holds all three
 * at once, for the tests that compare them.
 */
import type { Language } from '../../shared/languages.ts';
import az from './az.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import { buildTranslations, type Tree } from '../../shared/translations.ts';

export type { Tree } from '../../shared/translations.ts';

const modules = import.meta.glob<Tree>('./modules/*/*.json', { eager: true, import: 'default' });

export const translations: Record<Language, Tree> = {
  az: buildTranslations('az', az as Tree, modules),
  ru: buildTranslations('ru', ru as Tree, modules),
  en: buildTranslations('en', en as Tree, modules),
};

/** The module files found, for the test that checks every feature has all three languages. */
export const moduleFiles: readonly string[] = Object.keys(modules);
