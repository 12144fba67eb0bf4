import {
  CATALOGUE,
  DIMENSIONS,
  InvalidIndicatorsError,
  SCREENING_LISTS,
  SCREENING_RULES,
  describeRules,
  evaluateScreening,
  isChildList,
  isProvisional,
  type ScreeningInput,
  type ScreeningResult,
} from '../../../domain/screening.ts';
import { badRequest } from '../../errors.ts';
import type { CatalogueView } from '../../../shared/schemas/screening.ts';

/**
 * The domain evaluation with its refusals turned into 400s naming the field: unknown codes (or codes
 * the list lacks) under `indicators`, the recruitment act flag on an adult list under its own name.
 */
export function evaluate(input: ScreeningInput): ScreeningResult {
  if (input.recruitmentActEstablished && !isChildList(input.list)) {
    throw badRequest('validation_failed', 'The recruitment act replaces D1-D3 only on a child list', {
      recruitmentActEstablished: 'only for child_labour and child_sexual',
    });
  }
  try {
    return evaluateScreening(input);
  } catch (e) {
    if (e instanceof InvalidIndicatorsError) throw badRequest('unknown_indicators', e.message, { indicators: e.message });
    throw e;
  }
}

/** The catalogue as the screen shows it, with each list's verification and provisional flag. */
export const catalogueView = (): CatalogueView => ({
  source: CATALOGUE.source,
  catalogueVersion: CATALOGUE.catalogueVersion,
  ruleVersion: SCREENING_RULES.ruleVersion,
  dimensions: DIMENSIONS.map((code) => ({ code, label: CATALOGUE.dimensions[code] })),
  lists: SCREENING_LISTS.map((list) => ({ list, verification: CATALOGUE.lists[list].verification, provisional: isProvisional(list), note: CATALOGUE.lists[list].note })),
  rules: describeRules(),
  indicators: CATALOGUE.indicators.map((i) => ({ code: i.code, dimension: i.dimension, label: i.label, strength: { ...i.strength } })),
});
