/// <reference types="vite/client" />
/** The en texts of every other feature module: loaded before any screen but the public report pages. */
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/*/en.json', '!../modules/hotline-public/en.json', '!../modules/a11y/en.json'], { eager: true, import: 'default' });

export default buildTranslations('en', {}, modules);
