import { z } from 'zod';
import { DIMENSIONS, SCREENING_LISTS, STRENGTHS } from '../../domain/screening.ts';

export const ScreeningListSchema = z.enum(SCREENING_LISTS);
export const DimensionSchema = z.enum(DIMENSIONS);
export const IndicatorCode = z.string().trim().min(1).max(100);

export const EvaluateScreeningBody = z.strictObject({
  list: ScreeningListSchema,
  indicators: z.array(IndicatorCode).max(100),
  /** Child lists only: the recruitment act is established by other means (then D1-D3 are not needed). */
  recruitmentActEstablished: z.boolean().optional(),
});
export type EvaluateScreeningBody = z.infer<typeof EvaluateScreeningBody>;

const perDimension = <T extends z.ZodType>(t: T) => z.object({ D1: t, D2: t, D3: t, D4: t, D5: t, D6: t });

export const ScreeningReasonView = z.object({
  code: z.enum(['dimension_positive', 'dimension_not_positive', 'presumed_victim', 'not_presumed_victim', 'recruitment_act_established', 'provisional_list']),
  dimension: DimensionSchema.optional(),
  indicators: z.array(z.string()).optional(),
  message: z.string(),
});

export const ScreeningResultView = z.object({
  list: ScreeningListSchema,
  dimensions: perDimension(z.boolean()),
  details: perDimension(z.object({ positive: z.boolean(), strong: z.array(z.string()), medium: z.array(z.string()), weak: z.array(z.string()) })),
  presumedVictim: z.boolean(),
  catalogueVersion: z.string(),
  ruleVersion: z.string(),
  /** The list is a reconstruction not yet checked against the ILO brochure: the screen must say so. */
  provisional: z.boolean(),
  verification: z.enum(['checked', 'secondary', 'provisional']),
  reasons: z.array(ScreeningReasonView),
});
export type ScreeningResultView = z.infer<typeof ScreeningResultView>;

const StrengthOrAbsent = z.enum(STRENGTHS).nullable();

export const CatalogueView = z.object({
  source: z.string(),
  catalogueVersion: z.string(),
  ruleVersion: z.string(),
  dimensions: z.array(z.object({ code: DimensionSchema, label: z.string() })),
  lists: z.array(z.object({ list: ScreeningListSchema, verification: z.enum(['checked', 'secondary', 'provisional']), provisional: z.boolean(), note: z.string() })),
  rules: z.object({ dimensionPositive: z.string(), presumedVictimAdult: z.string(), presumedVictimChild: z.string() }),
  indicators: z.array(
    z.object({
      code: z.string(),
      dimension: DimensionSchema,
      label: z.string(),
      strength: z.object({ adult_labour: StrengthOrAbsent, child_labour: StrengthOrAbsent, adult_sexual: StrengthOrAbsent, child_sexual: StrengthOrAbsent }),
    }),
  ),
});
export type CatalogueView = z.infer<typeof CatalogueView>;
