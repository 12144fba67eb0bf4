import { AZ_CALENDAR, CALENDARS, withWorkingDayChanges, type HolidayCalendar, type WorkingDayChange } from './holidays.ts';

/**
 * The NRM parameters that vary by country (trafficking.md: "where a rule varies by country it is a
 * parameter of a country profile, not a constant in code"). The default is Azerbaijan.
 */
export type CountryProfile = {
  code: string;
  timeZone: string;
  /** Target for the reasonable-grounds decision, in working days from the referral (UK: 5). */
  rgTargetWorkingDays: number;
  /** Recovery and reflection period from a positive reasonable-grounds decision (CETS art. 13: at least 30 days). */
  reflectionDays: number;
  /** The conclusive decision is not taken before this many days after the reasonable-grounds decision. */
  minDaysToConclusive: number;
  /** A referral not answered within this many hours is overdue. */
  referralAnswerHours: number;
  /** Residence permits: reminders this many days before expiry (CETS art. 14). */
  permitExpiryReminderDays: number;
  /**
   * Press freedom: an attack on a journalist is labelled "complete impunity" or "partial justice" only
   * this many days after it happened (docs/press-freedom.md, "When impunity is labelled").
   */
  impunityMinDays: number;
  /** The holiday calendar used for working days (see `src/domain/holidays.ts`). */
  holidayCalendar: string;
  /** The government's swaps of working days and days off, over the holiday calendar, oldest first. */
  workingDayChanges: WorkingDayChange[];
};

/**
 * Azerbaijan. The reflection period is CETS art. 13's minimum of 30 days; the reasonable-grounds target
 * follows the UK's 5 working days and the conclusive minimum its 45 days, until the competent authority
 * sets its own (Cabinet of Ministers Decision 123 of 2009 leaves these to the NRM's procedures). Each is
 * a parameter an administrator can change (`PUT /api/v1/nrm/country-profile`).
 */
export const AZERBAIJAN_PROFILE: CountryProfile = {
  code: 'AZ',
  timeZone: 'Asia/Baku',
  rgTargetWorkingDays: 5,
  reflectionDays: 30,
  minDaysToConclusive: 45,
  referralAnswerHours: 72,
  permitExpiryReminderDays: 30,
  // One year: the UNESCO Director-General asks each state once a year for the judicial status of
  // each killing, so a year is the first point at which any tracker asks whether anyone was held to
  // account (docs/press-freedom.md, "When impunity is labelled").
  impunityMinDays: 365,
  holidayCalendar: 'AZ',
  workingDayChanges: [],
};

/** The profile's holiday calendar with its working-day changes applied: what deadlines count in. */
export function calendarFor(profile: CountryProfile): HolidayCalendar {
  return withWorkingDayChanges(CALENDARS[profile.holidayCalendar] ?? AZ_CALENDAR, profile.workingDayChanges);
}
