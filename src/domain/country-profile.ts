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
  /**
   * Resident population by year, for SDG 16.2.2's victims per 100,000 (docs/statistics.md): total,
   * by sex and under 18, with where each figure comes from.
   */
  population: PopulationYear[];
  /** Disclosure control of the statistics (docs/statistics.md): thresholds and open-data rounding. */
  disclosure: DisclosureProfile;
};

export type PopulationYear = { year: number; total: number; female: number; male: number; children: number; source: string };

export type DisclosureProfile = {
  /** Cells under this are suppressed on dashboards (reporting.md: 3). */
  dashboardThreshold: number;
  /** Cells under this are suppressed in public releases and open data (reporting.md: 3 or 5). */
  openDataThreshold: number;
  /** Published values of a release rounded to this base, or null for exact values. */
  openDataRounding: number | null;
};

const SSC = 'State Statistical Committee of the Republic of Azerbaijan, population at the beginning of the year (rounded to the thousand; under-18 estimated from the age structure); replace with the official figure before publishing a rate';


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
  population: [
    { year: 2019, total: 9_982_000, female: 5_008_000, male: 4_974_000, children: 2_560_000, source: SSC },
    { year: 2020, total: 10_067_000, female: 5_049_000, male: 5_018_000, children: 2_570_000, source: SSC },
    { year: 2021, total: 10_119_000, female: 5_074_000, male: 5_045_000, children: 2_560_000, source: SSC },
    { year: 2022, total: 10_142_000, female: 5_083_000, male: 5_059_000, children: 2_540_000, source: SSC },
    { year: 2023, total: 10_128_000, female: 5_075_000, male: 5_053_000, children: 2_510_000, source: SSC },
    { year: 2024, total: 10_152_000, female: 5_086_000, male: 5_066_000, children: 2_490_000, source: SSC },
    { year: 2025, total: 10_180_000, female: 5_099_000, male: 5_081_000, children: 2_470_000, source: SSC },
  ],
  disclosure: { dashboardThreshold: 3, openDataThreshold: 5, openDataRounding: null },
};

/** The profile's holiday calendar with its working-day changes applied: what deadlines count in. */
export function calendarFor(profile: CountryProfile): HolidayCalendar {
  return withWorkingDayChanges(CALENDARS[profile.holidayCalendar] ?? AZ_CALENDAR, profile.workingDayChanges);
}
