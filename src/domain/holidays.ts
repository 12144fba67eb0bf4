/**
 * Public holidays (non-working days) by calendar. Azerbaijan: Labour Code art. 105. Non-working
 * holidays (art. 105.2): 1-2 January (New Year), 8 March (Women's Day), 20-24 March (Novruz), 9 May
 * (Victory over Fascism), 28 May (Independence Day), 15 June (National Salvation), 26 June (Armed
 * Forces), 8 November (Victory Day), 9 November (National Flag Day), 31 December (Solidarity of World
 * Azerbaijanis), and the Ramazan and Gurban bayrams, two days each, whose dates the Cabinet of
 * Ministers sets by the end of December for the next year (art. 105.4).
 *
 * Carried days off:
 * - art. 105.5: a holiday on a Saturday or Sunday moves the day off to the next working day (28 May
 *   2006 on a Sunday made 29 May a day off, trend.az 2006-05-23; Novruz 22-23 March 2025 made 25-26
 *   March days off, turan.az 2024-12-11);
 * - art. 105.6: a day of the Ramazan or Gurban bayram that falls on another non-working holiday also
 *   gives the next working day off (2026: Ramazan 20-21 March on Novruz, so 27 and 30 March were off,
 *   and the holidays ran from 20 to 30 March, 1news.az 2026-03-19, hedeftv.az);
 * - a carry may cross the year (31 December 2022 and 1 January 2023 on the weekend made 3-4 January
 *   2023 days off, banker.az).
 * 20 January (Day of National Mourning) is a non-working day but not a holiday: on a weekend it is
 * not carried (Ministry of Labour, metbuat.az 2024-01, on 20 January 2024, a Saturday).
 * The Cabinet's occasional swaps of working days and weekend days (for example 12-13 November 2024
 * for 16 and 23 November) are decided one at a time: the country profile's `workingDayChanges` holds
 * them (a weekend day made a working day, a weekday made a day off), applied by `withWorkingDayChanges`.
 */
const FIXED_AZ = ['01-01', '01-02', '03-08', '03-20', '03-21', '03-22', '03-23', '03-24', '05-09', '05-28', '06-15', '06-26', '11-08', '11-09', '12-31'];
/** Non-working days that are not holidays and are never carried to a working day. */
const MOURNING_AZ = ['01-20'];

/**
 * Ramazan bayram (Eid al-Fitr) and Gurban bayram (Eid al-Adha), two days each, as the Cabinet of
 * Ministers set them; `expected: true` marks a year not decided yet (dates from the Umm al-Qura
 * calendar, `Intl` `islamic-umalqura`; the Caucasian Muslims Board's moon sighting may move them by a
 * day), to be replaced by the decision when it comes.
 * - 2025: decision of the Cabinet of Ministers signed by Prime Minister Ali Asadov (turan.az,
 *   2024-12-11, "The Cabinet of Ministers has established public holidays for 2025"): Ramazan 30-31
 *   March, Gurban 6-7 June.
 * - 2026: decision "2026-cı il üçün Novruz, Ramazan və Qurban bayramları günlərinin müəyyən edilməsi
 *   haqqında" (text on ain.az, article 23974882; news.az 2025-12-02): Ramazan 20-21 March, Gurban 27-28 May.
 * - 2027: not announced when checked (November 2026); Umm al-Qura: 1 Shawwal 1448 = 9 March 2027,
 *   10 Dhu al-Hijja 1448 = 16 May 2027.
 */
export const MOVABLE_AZ: Readonly<Record<number, { days: readonly string[]; expected: boolean }>> = {
  2025: { days: ['2025-03-30', '2025-03-31', '2025-06-06', '2025-06-07'], expected: false },
  2026: { days: ['2026-03-20', '2026-03-21', '2026-05-27', '2026-05-28'], expected: false },
  2027: { days: ['2027-03-09', '2027-03-10', '2027-05-16', '2027-05-17'], expected: true },
};

const DAY = 86_400_000;
const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export const isWeekend = (day: string) => [0, 6].includes(toDate(day).getUTCDay());

/** The holidays of one year, each occurrence once: a bayram day on another holiday is listed twice. */
function holidayOccurrences(year: number): { day: string; bayram: boolean }[] {
  return [
    ...FIXED_AZ.map((md) => ({ day: `${year}-${md}`, bayram: false })),
    ...(MOVABLE_AZ[year]?.days ?? []).map((day) => ({ day, bayram: true })),
  ].sort((a, b) => a.day.localeCompare(b.day) || Number(a.bayram) - Number(b.bayram));
}

/**
 * The days off of one year in Azerbaijan (art. 105): the holidays, the mourning day, and the next
 * working day for each holiday on a weekend (105.5) and each bayram day on another holiday (105.6),
 * including days carried over from the previous December.
 */
export function azerbaijanDaysOff(year: number): Set<string> {
  const occurrences = [...holidayOccurrences(year - 1), ...holidayOccurrences(year)];
  const off = new Set([...occurrences.map((o) => o.day), ...[year - 1, year].flatMap((y) => MOURNING_AZ.map((md) => `${y}-${md}`))]);
  const seen = new Set<string>();
  for (const o of occurrences) {
    const carried = isWeekend(o.day) || (o.bayram && seen.has(o.day));
    seen.add(o.day);
    if (!carried) continue;
    let d = toDate(o.day);
    do d = new Date(d.getTime() + DAY);
    while (isWeekend(fmt(d)) || off.has(fmt(d)));
    off.add(fmt(d));
  }
  return new Set([...off].filter((d) => d.startsWith(`${year}-`)));
}

export type HolidayCalendar = {
  isDayOff: (day: string) => boolean;
  knownYears: readonly number[];
  /** Days whose status a decision changed: true made a working day (a Saturday or Sunday), false a day off. */
  changes?: ReadonlyMap<string, boolean>;
};

/** A decision moving one day: a weekend day made a working day, or a weekday made a day off. */
export type WorkingDayChange = { day: string; working: boolean; reason: string };

/** The calendar with these decisions applied over it (they win over weekends and holidays alike). */
export function withWorkingDayChanges(base: HolidayCalendar, changes: readonly WorkingDayChange[]): HolidayCalendar {
  if (changes.length === 0) return base;
  const map = new Map(changes.map((c) => [c.day, c.working]));
  return { knownYears: base.knownYears, changes: map, isDayOff: (day) => (map.has(day) ? !map.get(day) : base.isDayOff(day)) };
}

const cache = new Map<number, Set<string>>();
export const AZ_CALENDAR: HolidayCalendar = {
  knownYears: Object.keys(MOVABLE_AZ).map(Number),
  isDayOff: (day) => {
    const y = Number(day.slice(0, 4));
    if (!cache.has(y)) cache.set(y, azerbaijanDaysOff(y));
    return cache.get(y)!.has(day);
  },
};

export const CALENDARS: Readonly<Record<string, HolidayCalendar>> = { AZ: AZ_CALENDAR };
