/**
 * The interface languages, apart from the zod schemas (`schemas/common.ts` re-exports them) so that
 * the public pages' code can name them without loading zod.
 */
export const LANGUAGES = ['az', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
