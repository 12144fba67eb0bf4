import type { CountryProfile } from './country-profile.ts';
import type { HolidayCalendar } from './holidays.ts';
import { isWeekend } from './holidays.ts';

const DAY = 86_400_000;
const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);

/** A calendar day plus n days. */
export const addDays = (day: string, n: number): string => fmt(new Date(toDate(day).getTime() + n * DAY));

/** A working day: as a decision changed it, else Monday to Friday and not a day off in the calendar. */
export const isWorkingDay = (day: string, cal: HolidayCalendar): boolean => cal.changes?.get(day) ?? (!isWeekend(day) && !cal.isDayOff(day));

/** The n-th working day after `day` (the day itself does not count, as in "within 5 working days"). */
export function addWorkingDays(day: string, n: number, cal: HolidayCalendar): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/** The calendar day in a time zone at an instant (deadlines count in the country's days). */
export function dayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export type IdentificationFacts = {
  /** The day the person was referred to the competent authority. */
  referredOn: string;
  /** The latest reasonable-grounds decision, if any. */
  reasonableGrounds?: { decidedOn: string; positive: boolean; reflectionWithheld?: boolean } | undefined;
  /** The conclusive decision, if any (identification ends with it). */
  conclusiveOn?: string | undefined;
  /** A residence permit's expiry, if one was issued (CETS art. 14). */
  permitExpiresOn?: string | undefined;
};

export type IdentificationDates = {
  /** The reasonable-grounds decision is due by this day: `rgTargetWorkingDays` working days after the referral. */
  rgDueOn: string;
  /** The recovery and reflection period (CETS art. 13) ends this day: `reflectionDays` after a positive decision; null without one or when withheld. */
  reflectionEndsOn: string | null;
  /** No removal from the country from a positive reasonable-grounds decision until identification ends (CETS art. 10(2)). */
  removalHold: { from: string; until: string | null } | null;
  /** The conclusive decision may not be taken before this day (`minDaysToConclusive` after the positive decision). */
  earliestConclusiveOn: string | null;
  /** Remind about the permit's renewal from this day. */
  permitReminderOn: string | null;
};

/**
 * The NRM timeline's dates from the country profile (trafficking.md, "Case timeline"): the
 * reasonable-grounds target in working days of the holiday calendar, the reflection period and the
 * earliest conclusive date in calendar days from a positive reasonable-grounds decision, the removal
 * hold, and the permit reminder.
 */
export function identificationDates(profile: CountryProfile, cal: HolidayCalendar, f: IdentificationFacts): IdentificationDates {
  const rg = f.reasonableGrounds;
  const positive = rg?.positive === true;
  return {
    rgDueOn: addWorkingDays(f.referredOn, profile.rgTargetWorkingDays, cal),
    reflectionEndsOn: positive && !rg.reflectionWithheld ? addDays(rg.decidedOn, profile.reflectionDays) : null,
    removalHold: positive ? { from: rg.decidedOn, until: f.conclusiveOn ?? null } : null,
    earliestConclusiveOn: positive ? addDays(rg.decidedOn, profile.minDaysToConclusive) : null,
    permitReminderOn: f.permitExpiresOn ? addDays(f.permitExpiresOn, -profile.permitExpiryReminderDays) : null,
  };
}
