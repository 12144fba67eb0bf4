import type { TFunction } from 'i18next';

/** A code's label: the translation when there is one, else the code made readable. */
export const codeLabel = (t: TFunction, group: string, code: string): string =>
  t(`nrm.codes.${group}.${code}`, { defaultValue: code.replace(/_/g, ' ') });

export const options = (t: TFunction, group: string, codes: readonly string[]) => codes.map((c) => ({ value: c, label: codeLabel(t, group, c) }));

export const STATUS_COLORS: Record<string, string> = { active: 'blue', follow_up: 'yellow', closed: 'gray', closed_referred: 'gray', pending: 'yellow', accepted: 'green', declined: 'red', completed: 'gray', revoked: 'red' };
