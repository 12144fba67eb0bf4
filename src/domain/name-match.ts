import { nameKeys } from './names.ts';

/** The script a name is written in: any Cyrillic letter makes it Cyrillic, else any Latin letter Latin. */
export function detectScript(text: string): 'latn' | 'cyrl' | 'other' {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'cyrl';
  if (/\p{Script=Latin}/u.test(text)) return 'latn';
  return 'other';
}

export type NameParts = { givenName?: string | null; familyName?: string | null; patronymic?: string | null };

/** The matching keys stored with a name (provisional: the word keys of `names.ts`). */
export function personNameKeys(n: NameParts): string[] {
  return nameKeys(n.givenName, n.familyName, n.patronymic);
}
