import { z } from 'zod';
import { Language } from './common.ts';

/**
 * How a file export names things. By default it is written for people: headers and code values in
 * the requesting user's language (their profile's, or `lang`). `codes=1` writes it for programs:
 * machine names and the vocabulary's codes, the same whatever the language.
 */
export const ExportNamingFields = {
  lang: Language.optional().describe("headers and code values in this language (az, ru or en); default: the user's language"),
  codes: z.enum(['0', '1']).optional().describe('1: machine-readable, with keys and codes instead of labels'),
};

export type ExportNamingQuery = { lang?: Language | undefined; codes?: '0' | '1' | undefined };

/** The naming an export uses: codes when asked for, else the language asked for, else the user's own. */
export function exportNaming(q: ExportNamingQuery, userLanguage: string | null | undefined): { lang: Language } | 'codes' {
  if (q.codes === '1') return 'codes';
  const own = Language.safeParse(userLanguage);
  return { lang: q.lang ?? (own.success ? own.data : 'az') };
}
