import { z } from 'zod';
import { CITIZENSHIP_PATTERN, NAME_KINDS, NAME_SCRIPTS, PERSON_SEXES } from '../people.ts';

const NamePart = z.string().trim().max(200);

/** One name of a person. At least a given or a family name; `asEntered` defaults to the parts joined. */
export const PersonNameInput = z
  .strictObject({
    givenName: NamePart.nullable().optional(),
    familyName: NamePart.nullable().optional(),
    patronymic: NamePart.nullable().optional(),
    /** The name exactly as written on a document or said, if it differs from the parts joined. */
    asEntered: z.string().trim().max(600).nullable().optional(),
  })
  .refine((n) => Boolean(n.givenName) || Boolean(n.familyName), { message: 'a given or a family name is required', path: ['givenName'] });
export type PersonNameInput = z.infer<typeof PersonNameInput>;

const BirthDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), 'between 1900 and today');
const BirthYear = z.number().int().min(1900).max(2100);
const Citizenship = z.string().regex(CITIZENSHIP_PATTERN, 'ISO 3166-1 alpha-3 code such as AZE, or XXX');
const LanguageCode = z.string().regex(/^[a-z]{2,3}$/, 'a language code such as az, ru, en');

const personFields = {
  sex: z.enum(PERSON_SEXES),
  birthDate: BirthDate.nullable(),
  birthYear: BirthYear.nullable(),
  birthYearEstimated: z.boolean(),
  citizenship: Citizenship.nullable(),
  languages: z.array(LanguageCode).max(20),
};

export const CreatePersonBody = z.strictObject({
  name: PersonNameInput,
  aliases: z.array(PersonNameInput).max(20).optional(),
  sex: personFields.sex.default('unknown'),
  /** A known date of birth; `birthYear` then follows from it. */
  birthDate: personFields.birthDate.optional(),
  /** The year when only the year is known or estimated (with `birthYearEstimated`). */
  birthYear: personFields.birthYear.optional(),
  birthYearEstimated: z.boolean().optional(),
  citizenship: personFields.citizenship.optional(),
  languages: personFields.languages.optional(),
});
export type CreatePersonBody = z.infer<typeof CreatePersonBody>;

export const UpdatePersonBody = z.strictObject({
  /** Replaces the primary name (the old one is kept as an alias). */
  name: PersonNameInput.optional(),
  sex: personFields.sex.optional(),
  birthDate: personFields.birthDate.optional(),
  birthYear: personFields.birthYear.optional(),
  birthYearEstimated: z.boolean().optional(),
  citizenship: personFields.citizenship.optional(),
  languages: personFields.languages.optional(),
});
export type UpdatePersonBody = z.infer<typeof UpdatePersonBody>;

export const PersonNameView = z.object({
  id: z.uuid(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  patronymic: z.string().nullable(),
  asEntered: z.string(),
  script: z.enum(NAME_SCRIPTS),
  kind: z.enum(NAME_KINDS),
  createdAt: z.string(),
});
export type PersonNameView = z.infer<typeof PersonNameView>;

/** A person as the user may see them: `names` and `birthDate` are identity data (dropped without `sensitive:identity`). */
export const PersonView = z.object({
  id: z.uuid(),
  ownerAgencyId: z.uuid(),
  sex: z.enum(PERSON_SEXES),
  birthDate: z.string().nullable().optional(),
  birthYear: z.number().int().nullable(),
  birthYearEstimated: z.boolean(),
  citizenship: z.string().nullable(),
  languages: z.array(z.string()),
  names: z.array(PersonNameView).optional(),
  mergedInto: z.uuid().nullable(),
  mergedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PersonView = z.infer<typeof PersonView>;

export const NameMatchBody = z.strictObject({
  a: z.string().trim().min(1, 'required').max(600),
  b: z.string().trim().min(1, 'required').max(600),
});
export const NameMatchView = z.object({
  score: z.number().min(0).max(1),
  match: z.boolean(),
  /** Why: same_spelling, transliteration, similar_spelling, different_order, words_missing, sex_form_differs, patronymic_agrees, patronymic_differs, different_word. */
  reasons: z.array(z.string()),
});

export const PersonSearchQuery = z.strictObject({
  q: z.string().trim().min(1, 'required').max(200),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const PersonSearchHit = z.object({
  person: PersonView,
  /** How well the person's best name answers the query, 0..1. */
  score: z.number(),
  /** The name (as entered) that answered best. */
  matchedName: z.string().optional(),
});
export const PersonSearchResult = z.object({ items: z.array(PersonSearchHit) });

export const DuplicatesBody = z.strictObject({
  name: PersonNameInput,
  sex: z.enum(PERSON_SEXES).optional(),
  birthDate: BirthDate.nullable().optional(),
  birthYear: BirthYear.nullable().optional(),
  birthYearEstimated: z.boolean().optional(),
  citizenship: Citizenship.nullable().optional(),
  /** Leave this person out (checking an existing record against the rest). */
  excludeId: z.uuid().optional(),
});
export const DuplicateHit = z.object({
  person: PersonView,
  score: z.number(),
  nameScore: z.number(),
  /** At the match threshold: very probably the same person. */
  likely: z.boolean(),
  reasons: z.array(z.string()),
  matchedName: z.string().optional(),
});
export const DuplicatesResult = z.object({ items: z.array(DuplicateHit) });

export const MergeBody = z.strictObject({
  intoId: z.uuid(),
  reason: z.string().trim().min(3, 'say why the two records are one person').max(2000),
});

export const NameParams = z.strictObject({ id: z.uuid(), nameId: z.uuid() });
