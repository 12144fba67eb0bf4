import { describe, expect, it } from 'vitest';
import { AZ_MONTHS, formatDay, formatDayMonth, formatIncidentDate, formatInstant, formatNumber, formatPartialDay } from './format.ts';

// 19:38 UTC is 23:38 in Baku (UTC+4, no summer time).
const AT = '2026-12-06T19:38:00Z';

describe('formatInstant: one style per kind of screen, in each language', () => {
  it.each([
    ['az', 'short', '06.12.2026'],
    ['az', 'long', '6 dekabr 2026'],
    ['az', 'dateTime', '6 dekabr 2026, 23:38'],
    ['ru', 'short', '06.12.2026'],
    ['ru', 'long', '6 декабря 2026 г.'],
    ['ru', 'dateTime', '6 декабря 2026 г. в 23:38'],
    ['en', 'short', '06/12/2026'],
    ['en', 'long', '6 December 2026'],
    ['en', 'dateTime', '6 December 2026 at 23:38'],
  ] as const)('%s %s: %s', (lang, style, expected) => {
    expect(formatInstant(AT, lang, style, 'Asia/Baku')).toBe(expected);
  });

  it('Azerbaijani names every month itself (Chromium has no Azerbaijani month names: "2026 M12 6")', () => {
    const months = Array.from({ length: 12 }, (_, m) => formatInstant(new Date(Date.UTC(2026, m, 15, 8)), 'az', 'long'));
    expect(months).toEqual(AZ_MONTHS.map((name) => `15 ${name} 2026`));
    for (const s of months) expect(s).not.toMatch(/M\d/);
  });

  it('shows the instant in the given time zone, Baku by default', () => {
    expect(formatInstant('2026-12-31T21:30:00Z', 'en', 'dateTime')).toBe('1 January 2027 at 01:30');
    expect(formatInstant('2026-12-31T21:30:00Z', 'en', 'dateTime', 'UTC')).toBe('31 December 2026 at 21:30');
    expect(formatInstant('2026-12-31T21:30:00Z', 'az', 'short', 'Europe/London')).toBe('31.12.2026');
  });

  it('falls back to Baku for an unknown time zone and to a dash for a bad value', () => {
    expect(formatInstant(AT, 'en', 'dateTime', 'Mars/Olympus')).toBe('6 December 2026 at 23:38');
    expect(formatInstant('not a date', 'ru', 'long')).toBe('—');
  });
});

describe('formatDay: calendar dates are not moved by time zones', () => {
  it.each([
    ['az', 'short', '01.03.2026'],
    ['az', 'long', '1 mart 2026'],
    ['ru', 'long', '1 марта 2026 г.'],
    ['en', 'long', '1 March 2026'],
  ] as const)('%s %s', (lang, style, expected) => {
    expect(formatDay('2026-03-01', lang, style)).toBe(expected);
  });

  it('leaves something that is not a date as it is', () => {
    expect(formatDay('2026-03', 'en', 'long')).toBe('2026-03');
  });
});

describe('formatDayMonth: the day labels of chart axes', () => {
  it.each([
    ['az', '2026-12-06', '6 dek'],
    ['az', '2026-06-01', '1 iyn'],
    ['ru', '2026-12-06', '6 дек.'],
    ['en', '2026-12-06', '6 Dec'],
  ] as const)('%s %s', (lang, day, expected) => {
    expect(formatDayMonth(day, lang)).toBe(expected);
  });

  it('leaves something that is not a date as it is', () => {
    expect(formatDayMonth('12-06', 'en')).toBe('12-06');
  });
});

describe('partial and disputed dates (press incidents)', () => {
  it('shows a date only as far as it is known', () => {
    expect(formatPartialDay({ on: '2006-03-01', precision: 'year' }, 'az', 'long')).toBe('2006');
    expect(formatPartialDay({ on: '2006-03-01', precision: 'month' }, 'az', 'long')).toBe('mart 2006');
    expect(formatPartialDay({ on: '2006-03-01', precision: 'month' }, 'ru', 'long')).toBe('март 2006 г.');
    expect(formatPartialDay({ on: '2006-03-01', precision: 'month' }, 'en', 'long')).toBe('March 2006');
    expect(formatPartialDay({ on: '2006-03-05', precision: 'day' }, 'en', 'long')).toBe('5 March 2006');
  });

  it('keeps both versions of a disputed date', () => {
    expect(formatIncidentDate({ on: '2006-05-18', precision: 'day' }, { on: '2006-05-19', precision: 'day' }, 'en', 'long')).toBe('18 May 2006 / 19 May 2006');
    expect(formatIncidentDate({ on: '2006-05-18', precision: 'day' }, null, 'az', 'short')).toBe('18.05.2006');
  });
});

describe('formatNumber', () => {
  it.each([
    ['az', '1.234,5'],
    ['ru', '1 234,5'],
    ['en', '1,234.5'],
  ] as const)('%s: %s', (lang, expected) => {
    // Russian groups with a narrow no-break space.
    expect(formatNumber(1234.5, lang).replace(/\u00a0|\u202f/g, ' ')).toBe(expected);
  });
});
