/// <reference types="vite/client" />
/** The ru texts of every other feature module: loaded before any screen but the public report pages. */
import { buildTranslations, type Tree } from '../merge.ts';

const modules = import.meta.glob<Tree>(['../modules/*/ru.json', '!../modules/hotline-public/ru.json', '!../modules/a11y/ru.json'], { eager: true, import: 'default' });

export default buildTranslations('ru', {}, modules);
