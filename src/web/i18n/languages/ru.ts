/// <reference types="vite/client" />
/**
 * The ru texts the public report pages need (the base file, the public hotline's and accessibility's
 * modules), one chunk loaded only when ru is the page's language; the rest is in ru-more.ts.
 */
import base from '../ru.json' with { type: 'json' };
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/hotline-public/ru.json', '../modules/a11y/ru.json'], { eager: true, import: 'default' });

export default buildTranslations('ru', base as Tree, modules);
