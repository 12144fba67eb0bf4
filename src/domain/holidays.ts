/**
 * Public holidays (non-working days) by calendar. Azerbaijan: Labour Code art. 105. Fixed days: 1-2
 * January (New Year), 20 January (Day of National Mourning), 8 March (Women's Day), 20-24 March
 * (Novruz), 9 May (Victory over Fascism), 28 May (Independence Day), 15 June (National Salvation),
 * 26 June (Armed Forces), 8 November (Victory Day), 9 November (National Flag Day), 31 December
 * (Solidarity of World Azerbaijanis). Movable: Ramazan and Gurban bayrams, two days each, on the
 * dates of the Islamic calendar as expected in advance (Umm al-Qura tables); the Caucasian Muslims
 * Board and the Cabinet of Ministers confirm them each year, so check `MOVABLE_AZ` against the
 * Cabinet's yearly decision and correct it here. Art. 105: a holiday on a Saturday or Sunday moves
 * the day off to the next working day (modelled); the Cabinet's yearly swaps of working days are not.
 */
const FIXED_AZ = ['01-01', '01-02', '01-20', '03-08', '03-20', '03-21', '03-22', '03-23', '03-24', '05-09', '05-28', '06-15', '06-26', '11-08', '11-09', '12-31'];

/** Ramazan bayram (Eid al-Fitr) and Gurban bayram (Eid al-Adha), two days each. */
export const MOVABLE_AZ: Readonly<Record<number, readonly string[]>> = {
  2025: ['2025-03-30', '2025-03-31', '2025-06-06', '2025-06-07'],
  2026: ['2026-03-20', '2026-03-21', '2026-05-27', '2026-05-28'],
  2027: ['2027-03-10', '2027-03-11', '2027-05-16', '2027-05-17'],
};

const DAY = 86_400_000;
const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export const isWeekend = (day: string) => [0, 6].includes(toDate(day).getUTCDay());

/** The days off of one year in Azerbaijan, with weekend holidays carried to the next working day. */
export function azerbaijanDaysOff(year: number): Set<string> {
  const holidays = [...new Set([...FIXED_AZ.map((md) => `${year}-${md}`), ...(MOVABLE_AZ[year] ?? [])])].sort();
  const off = new Set(holidays);
  for (const h of holidays) {
    if (!isWeekend(h)) continue;
    let d = toDate(h);
    do d = new Date(d.getTime() + DAY);
    while (isWeekend(fmt(d)) || off.has(fmt(d)));
    off.add(fmt(d));
  }
  return off;
}

export type HolidayCalendar = { isDayOff: (day: string) => boolean; knownYears: readonly number[] };

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
