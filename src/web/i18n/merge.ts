/** The one merge of the translation files, shared with the server (src/shared/translations.ts). */
export { buildTranslations, type Tree } from '../../shared/translations.ts';
