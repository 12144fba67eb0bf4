import type { TFunction } from 'i18next';

/** Labels of the press vocabulary; the keys are the values of src/shared/press.ts. */
export const pressLabel = (t: TFunction, group: 'act' | 'outcome' | 'category' | 'milestone' | 'impunity' | 'unesco' | 'bucket', value: string): string => t(`press.${group}.${value}`);

export const IMPUNITY_COLORS: Record<string, string> = { full_justice: 'teal', partial_justice: 'yellow', complete_impunity: 'red' };
export const CHART_COLORS: Record<string, string> = { full_justice: '#0ca678', partial_justice: '#f59f00', complete_impunity: '#e03131' };
