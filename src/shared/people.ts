/** Vocabulary of the people module, shared by server and web. */

/** As HTCDS `prs_Gender`, reduced to what a case worker can record reliably. */
export const PERSON_SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type PersonSex = (typeof PERSON_SEXES)[number];

/** The script a name was written in: Latin (Azerbaijani, English...), Cyrillic (Russian...), or another. */
export const NAME_SCRIPTS = ['latn', 'cyrl', 'other'] as const;
export type NameScript = (typeof NAME_SCRIPTS)[number];

/** Each person has exactly one primary name; every other name they are known by is an alias. */
export const NAME_KINDS = ['primary', 'alias'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** ISO 3166-1 alpha-3 for citizenship, with `XXX` for stateless or unknown. */
export const CITIZENSHIP_PATTERN = /^[A-Z]{3}$/;
