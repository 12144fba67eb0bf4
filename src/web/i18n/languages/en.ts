/// <reference types="vite/client" />
/**
 * The en texts the public report pages need (the base file, the public hotline's and accessibility's
 * modules), one chunk loaded only when en is the page's language; the rest is in en-more.ts.
 */
import base from '../en.json' with { type: 'json' };
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/hotline-public/en.json', '../modules/a11y/en.json'], { eager: true, import: 'default' });

export default buildTranslations('en', base as Tree, modules);
