import { describe, expect, it } from 'vitest';
import { AZERBAIJAN_PROFILE } from './country-profile.ts';
import { addDays, addWorkingDays, dayIn, identificationDates, isWorkingDay } from './deadlines.ts';
import { AZ_CALENDAR, azerbaijanDaysOff, MOVABLE_AZ, withWorkingDayChanges } from './holidays.ts';

const NO_HOLIDAYS = { isDayOff: () => false, knownYears: [] };

describe('Azerbaijan days off', () => {
  it.each([
    ['2026-01-01', true, 'New Year'],
    ['2026-01-20', true, 'Day of National Mourning'],
    ['2026-03-23', true, 'Novruz'],
    ['2026-05-27', true, 'Gurban bayram'],
    ['2026-05-28', true, 'Independence Day and Gurban bayram'],
    ['2026-05-29', true, 'art. 105.6: Gurban bayram on Independence Day gives the next working day off'],
    ['2026-11-09', true, 'National Flag Day'],
    ['2026-11-10', true, 'Victory Day 8 November 2026 is a Sunday: carried to the next working day after Flag Day'],
    ['2026-06-15', true, 'National Salvation Day'],
    ['2026-06-16', false, 'an ordinary Tuesday'],
    ['2025-06-09', true, 'Gurban bayram 7 June 2025 is a Saturday: Monday 9 June is off'],
    ['2025-03-25', true, 'Novruz 22-23 March 2025 fall on the weekend: carried to 25 and 26 March'],
    ['2025-03-26', true, 'Novruz carried'],
    ['2025-03-27', false, 'the working days between Novruz and Ramazan 2025'],
    ['2025-03-28', false, 'the working days between Novruz and Ramazan 2025'],
    ['2025-03-31', true, 'Ramazan bayram, second day'],
    ['2025-04-01', true, 'Ramazan bayram 30 March 2025 is a Sunday: carried past 31 March to 1 April'],
    ['2025-04-02', false, 'first working day after Ramazan 2025'],
    ['2026-03-27', true, 'art. 105.6: Ramazan 20 March 2026 on Novruz, carried'],
    ['2026-03-30', true, 'art. 105.6: Ramazan 21 March 2026 on Novruz (and a Saturday), carried'],
    ['2026-03-31', false, 'first working day after Novruz and Ramazan 2026'],
    ['2024-01-22', false, '20 January 2024 (mourning day) on a Saturday is not carried'],
    ['2023-01-03', true, 'New Year 1 January 2023 on a Sunday: carried'],
    ['2023-01-04', true, '31 December 2022 on a Saturday: carried across the year'],
    ['2023-01-05', false, 'an ordinary Thursday'],
    ['2024-11-11', true, 'Flag Day 9 November 2024 on a Saturday: Monday 11 November'],
    ['2027-03-09', true, 'Ramazan bayram 2027 (expected)'],
    ['2027-03-11', false, 'the day after the expected Ramazan bayram 2027'],
    ['2027-05-17', true, 'Gurban bayram 2027 (expected)'],
    ['2027-05-18', true, 'Gurban bayram 16 May 2027 (expected) is a Sunday: carried past 17 May'],
  ])('%s is a day off: %s (%s)', (day, off, _why) => expect(AZ_CALENDAR.isDayOff(day)).toBe(off));

  it('gives exactly the days off of March 2026: 8 March on a Sunday carried to the 9th, and 20 to 30 March as announced', () => {
    const march = [...azerbaijanDaysOff(2026)].filter((d) => d.startsWith('2026-03-')).sort();
    expect(march).toEqual(['2026-03-08', '2026-03-09', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-30']);
    expect(AZ_CALENDAR.isDayOff('2026-03-28') || AZ_CALENDAR.isDayOff('2026-03-29')).toBe(false); // weekend days, not holidays
  });

  it('covers 2025 to 2027 with both bayrams; only 2027 is still expected', () => {
    expect(AZ_CALENDAR.knownYears).toEqual([2025, 2026, 2027]);
    for (const y of [2025, 2026, 2027]) expect(azerbaijanDaysOff(y).size).toBeGreaterThanOrEqual(20);
    expect(Object.entries(MOVABLE_AZ).filter(([, m]) => m.expected).map(([y]) => y)).toEqual(['2027']);
  });
});

describe('working days', () => {
  it.each([
    ['2026-06-01', 5, '2026-06-08', 'Monday + 5: next Monday'],
    ['2026-06-12', 1, '2026-06-16', 'Friday + 1 skips the weekend and 15 June'],
    ['2026-03-18', 5, '2026-04-03', 'Novruz 20-24 March with Ramazan 20-21 March: off until 30 March (weekend and art. 105.6 carries)'],
    ['2026-12-30', 2, '2027-01-06', 'New Year: 31 Dec, 1 Jan, the weekend, and 2 January (a Saturday) carried to Monday 4 January'],
    ['2026-05-25', 3, '2026-06-02', 'Gurban bayram and Independence Day, and 29 May carried (art. 105.6)'],
  ])('%s + %i working days = %s (%s)', (from, n, to, _why) => expect(addWorkingDays(from, n, AZ_CALENDAR)).toBe(to));

  it('counts weekends only without a calendar', () => {
    expect(addWorkingDays('2026-03-18', 5, NO_HOLIDAYS)).toBe('2026-03-25');
    expect(isWorkingDay('2026-03-21', NO_HOLIDAYS)).toBe(false);
  });

  it('applies the government\'s swaps: a Saturday made a working day counts, a weekday made a day off does not', () => {
    // November 2024 (COP29 in Baku): Tuesday 12 and Wednesday 13 off, Saturdays 16 and 23 worked instead.
    const swapped = withWorkingDayChanges(AZ_CALENDAR, [
      { day: '2024-11-12', working: false, reason: 'swap' },
      { day: '2024-11-13', working: false, reason: 'swap' },
      { day: '2024-11-16', working: true, reason: 'swap' },
      { day: '2024-11-23', working: true, reason: 'swap' },
    ]);
    expect(addWorkingDays('2024-11-11', 5, AZ_CALENDAR)).toBe('2024-11-18');
    // Without 12-13 and with Saturday 16: 14, 15, 16, 18, 19.
    expect(addWorkingDays('2024-11-11', 5, swapped)).toBe('2024-11-19');
    expect(addWorkingDays('2024-11-15', 1, swapped)).toBe('2024-11-16');
    expect(addWorkingDays('2024-11-22', 1, swapped)).toBe('2024-11-23');
    expect([isWorkingDay('2024-11-12', swapped), isWorkingDay('2024-11-16', swapped), isWorkingDay('2024-11-17', swapped)]).toEqual([false, true, false]);
    // The calendar's own holidays stand where no decision changes them.
    expect(isWorkingDay('2024-11-08', swapped)).toBe(false);
    expect(withWorkingDayChanges(AZ_CALENDAR, [])).toBe(AZ_CALENDAR);
  });

  it('takes the day in the country\'s time zone', () => {
    expect(dayIn('Asia/Baku', new Date('2026-06-01T21:30:00Z'))).toBe('2026-06-02');
    expect(dayIn('Asia/Baku', new Date('2026-06-01T19:30:00Z'))).toBe('2026-06-01');
  });
});

describe('identification dates from the country profile', () => {
  const P = AZERBAIJAN_PROFILE;
  it.each([
    [{ referredOn: '2026-06-01' }, { rgDueOn: '2026-06-08', reflectionEndsOn: null, removalHold: null, earliestConclusiveOn: null, permitReminderOn: null }],
    [
      { referredOn: '2026-06-01', reasonableGrounds: { decidedOn: '2026-06-05', positive: true } },
      { rgDueOn: '2026-06-08', reflectionEndsOn: '2026-07-05', removalHold: { from: '2026-06-05', until: null }, earliestConclusiveOn: '2026-07-20', permitReminderOn: null },
    ],
    [
      { referredOn: '2026-06-01', reasonableGrounds: { decidedOn: '2026-06-05', positive: false } },
      { rgDueOn: '2026-06-08', reflectionEndsOn: null, removalHold: null, earliestConclusiveOn: null, permitReminderOn: null },
    ],
    [
      { referredOn: '2026-06-01', reasonableGrounds: { decidedOn: '2026-06-05', positive: true, reflectionWithheld: true } },
      { rgDueOn: '2026-06-08', reflectionEndsOn: null, removalHold: { from: '2026-06-05', until: null }, earliestConclusiveOn: '2026-07-20', permitReminderOn: null },
    ],
    [
      { referredOn: '2026-06-01', reasonableGrounds: { decidedOn: '2026-06-05', positive: true }, conclusiveOn: '2026-08-01', permitExpiresOn: '2027-02-01' },
      { rgDueOn: '2026-06-08', reflectionEndsOn: '2026-07-05', removalHold: { from: '2026-06-05', until: '2026-08-01' }, earliestConclusiveOn: '2026-07-20', permitReminderOn: '2027-01-02' },
    ],
  ])('%o', (facts, dates) => expect(identificationDates(P, AZ_CALENDAR, facts)).toEqual(dates));

  it('follows the profile: Scotland-like 90 days of reflection, 3 working days to decide', () => {
    const d = identificationDates({ ...P, reflectionDays: 90, rgTargetWorkingDays: 3 }, AZ_CALENDAR, { referredOn: '2026-11-05', reasonableGrounds: { decidedOn: '2026-11-06', positive: true } });
    expect(d.rgDueOn).toBe('2026-11-12');
    expect(d.reflectionEndsOn).toBe('2027-02-04');
  });
});

describe('the reasonable-grounds due day, as the reminder sweep relies on it', () => {
  // The sweep (src/server/jobs/reminders.ts) computes the due day once per distinct sent day: it must
  // depend on the sent day alone, and a later sent day must never give an earlier due day.
  const P = AZERBAIJAN_PROFILE;
  const days: string[] = [];
  for (let d = '2023-12-01'; d <= '2027-12-31'; d = addDays(d, 1)) days.push(d);

  it.each([0, 1, 3, 5, 10])('with %i working days is monotonic in the sent day over 2023-12 to 2027, Azerbaijan\'s holidays included', (n) => {
    const due = days.map((d) => identificationDates({ ...P, rgTargetWorkingDays: n }, AZ_CALENDAR, { referredOn: d }).rgDueOn);
    for (let i = 1; i < days.length; i++) {
      if (due[i]! < due[i - 1]!) throw new Error(`sent ${days[i]} is due ${due[i]}, before ${due[i - 1]} for sent ${days[i - 1]}`);
    }
    // The same day always gives the same due day, whatever else was computed before.
    expect(days.map((d) => identificationDates({ ...P, rgTargetWorkingDays: n }, AZ_CALENDAR, { referredOn: d }).rgDueOn)).toEqual(due);
    if (n > 0) expect(due.every((d, i) => d > days[i]! && isWorkingDay(d, AZ_CALENDAR))).toBe(true);
  });

  it('stays monotonic with working-day swaps', () => {
    const cal = withWorkingDayChanges(AZ_CALENDAR, [
      { day: '2026-06-13', working: true, reason: 'swap' },
      { day: '2026-06-16', working: false, reason: 'swap' },
      { day: '2026-06-17', working: false, reason: 'swap' },
      { day: '2026-06-20', working: true, reason: 'swap' },
    ]);
    const due = days.map((d) => identificationDates(P, cal, { referredOn: d }).rgDueOn);
    for (let i = 1; i < days.length; i++) expect(due[i]! >= due[i - 1]!).toBe(true);
    // Friday 12 June: Saturday 13 (worked), 15 June a holiday, 16-17 off, 18, 19, Saturday 20 (worked), 22.
    expect(identificationDates(P, cal, { referredOn: '2026-06-12' }).rgDueOn).toBe('2026-06-22');
  });

  it('is the same for every day sent over Novruz and Ramazan 2026 (monotonic, not strictly)', () => {
    const due = ['2026-03-18', '2026-03-19', '2026-03-20', '2026-03-23', '2026-03-27', '2026-03-30', '2026-03-31'].map((d) => identificationDates(P, AZ_CALENDAR, { referredOn: d }).rgDueOn);
    expect(due).toEqual(['2026-04-03', '2026-04-06', '2026-04-06', '2026-04-06', '2026-04-06', '2026-04-06', '2026-04-07']);
  });
});
