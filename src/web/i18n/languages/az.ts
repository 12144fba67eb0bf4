/// <reference types="vite/client" />
/**
 * The az texts the public report pages need (the base file, the public hotline's and accessibility's
 * modules), one chunk loaded only when az is the page's language; the rest is in az-more.ts.
 */
import base from '../az.json' with { type: 'json' };
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/hotline-public/az.json', '../modules/a11y/az.json'], { eager: true, import: 'default' });

export default buildTranslations('az', base as Tree, modules);
