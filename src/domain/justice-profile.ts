/**
 * The criminal-justice parameters of a country profile (docs/criminal-justice.md): the statute list
 * with each part's penalty range and kind, the preliminary-investigation time limit, the age of the
 * child that lets a parent's sentence be deferred, and the counting rules' parameters. Every article,
 * range and age is data with validity dates, never a constant of the code. The default is
 * Azerbaijan's Criminal Code (sources in /work/shared/domain/criminal-justice.md).
 */
export const STATUTE_KINDS = ['trafficking', 'forced_labour', 'related'] as const;
export type StatuteKind = (typeof STATUTE_KINDS)[number];

export type StatutePart = {
  /** Article and part as courts write it: `144-1.2.3` (article 144-1, part 2, point 3). */
  code: string;
  /** The article the part belongs to (`144-1`): what the figures are split by. */
  article: string;
  kind: StatuteKind;
  /** Imprisonment range in months; null where it is not verified (no sentence is then flagged against it). */
  minMonths: number | null;
  maxMonths: number | null;
  /** Gravity rank: the most serious convicted charge is the one with the highest rank (then the highest maximum). */
  rank: number;
  validFrom: string;
  validTo: string | null;
  label: string;
};

export type DatedValue<T> = { from: string; value: T };

export type JusticeProfile = {
  statutes: StatutePart[];
  /** Articles whose convictions are the trafficking figures; the others are counted apart. */
  countedArticles: string[];
  /** Preliminary-investigation time limit from the opening, in months (extensions are recorded on the case). */
  investigationMonths: number;
  /** Reminder this many days before the investigation time limit. */
  investigationReminderDays: number;
  /** Deferral of serving for a parent: the child's age limit, by the date the rule took force. */
  deferralChildAge: DatedValue<number>[];
  /** A sentence is serious from this many months of effective imprisonment (TIP). */
  seriousMinMonths: number;
  /** The reporting year: `calendar`, or `us_tip` (1 April to 31 March). */
  reportingYear: 'calendar' | 'us_tip';
};

const part = (code: string, kind: StatuteKind, min: number | null, max: number | null, rank: number, label: string, validFrom = '2005-06-28'): StatutePart => ({
  code,
  article: code.split('.')[0]!,
  kind,
  minMonths: min,
  maxMonths: max,
  rank,
  validFrom,
  validTo: null,
  label,
});

/** Azerbaijan: 144-1 and 144-2 from the 2005 law, 144-3, and the related articles counted apart. */
export const AZERBAIJAN_JUSTICE_PROFILE: JusticeProfile = {
  statutes: [
    part('144-1.1', 'trafficking', 60, 120, 10, 'Trafficking in persons'),
    part('144-1.2.1', 'trafficking', 96, 144, 20, 'Trafficking: two or more persons'),
    part('144-1.2.3', 'trafficking', 96, 144, 20, 'Trafficking: a minor'),
    part('144-1.2.4', 'trafficking', 96, 144, 20, 'Trafficking: an evidently pregnant woman'),
    part('144-1.2.4-1', 'trafficking', 96, 144, 20, 'Trafficking across the state border'),
    part('144-1.2.5', 'trafficking', 96, 144, 20, 'Trafficking by a group, organised group or criminal community'),
    part('144-1.2.6', 'trafficking', 96, 144, 20, 'Trafficking using an official position'),
    part('144-1.2.7', 'trafficking', 96, 144, 20, 'Trafficking with violence dangerous to life or health'),
    part('144-1.2.8', 'trafficking', 96, 144, 20, 'Trafficking with torture or cruel treatment'),
    part('144-1.2.9', 'trafficking', 96, 144, 20, 'Trafficking for organs or tissues'),
    part('144-1.3', 'trafficking', 120, 180, 30, 'Trafficking causing death or other grave consequences'),
    part('144-2.1', 'forced_labour', null, null, 8, 'Forced labour'),
    part('144-2.2', 'forced_labour', null, null, 9, 'Forced labour, aggravated'),
    part('144-3.1', 'related', 12, 36, 3, 'Forging or supplying documents for trafficking'),
    part('144-3.2', 'related', 24, 48, 4, 'Taking, hiding or destroying a person\'s documents'),
    part('106.1', 'related', 60, 120, 7, 'Slavery', '2000-09-01'),
    part('106.2', 'related', 84, 144, 8, 'Slavery of a minor or moving abroad', '2000-09-01'),
    part('171', 'related', null, null, 2, 'Involving minors in criminal or antisocial acts', '2000-09-01'),
    part('243', 'related', null, null, 1, 'Involving in prostitution', '2000-09-01'),
    part('244', 'related', null, null, 1, 'Keeping a brothel', '2000-09-01'),
  ],
  countedArticles: ['144-1', '144-2'],
  investigationMonths: 4,
  investigationReminderDays: 14,
  deferralChildAge: [
    { from: '2000-09-01', value: 8 },
    { from: '2017-01-01', value: 14 },
  ],
  seriousMinMonths: 12,
  reportingYear: 'calendar',
};

export const statutePart = (profile: JusticeProfile, code: string): StatutePart | undefined => profile.statutes.find((s) => s.code === code);

/** The value of a dated parameter on a day (the latest that had taken force), or undefined before the first. */
export function valueOn<T>(values: readonly DatedValue<T>[], day: string): T | undefined {
  let out: T | undefined;
  for (const v of [...values].sort((a, b) => a.from.localeCompare(b.from))) if (v.from <= day) out = v.value;
  return out;
}
