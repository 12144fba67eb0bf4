/// <reference types="vite/client" />
/** The az texts of every other feature module: loaded before any screen but the public report pages. */
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/*/az.json', '!../modules/hotline-public/az.json', '!../modules/a11y/az.json'], { eager: true, import: 'default' });

export default buildTranslations('az', {}, modules);
