import type { TFunction } from 'i18next';

/**
 * Labels of the hotline vocabulary (src/shared/hotline.ts, src/shared/schemas/operators.ts) under
 * `hotlineConsole.*`. With a person's sex, Russian gets the form that agrees (`<value>_female`).
 */
export const hl = (
  t: TFunction,
  group: 'channel' | 'status' | 'contactorType' | 'contactType' | 'urgency' | 'outcome' | 'personRole' | 'sex' | 'state' | 'category' | 'subcategory' | 'source' | 'list' | 'exploitation',
  value: string,
  sex?: string | null,
): string => t(`hotlineConsole.${group}.${value}`, sex === 'female' || sex === 'male' ? { context: sex } : {});

export const STATE_COLORS: Record<string, string> = { available: 'teal', on_contact: 'blue', wrap_up: 'yellow', break: 'gray', offline: 'dark' };
export const URGENCY_COLORS: Record<string, string> = { normal: 'gray', high: 'orange', immediate_danger: 'red' };

/** m:ss or h:mm:ss */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

