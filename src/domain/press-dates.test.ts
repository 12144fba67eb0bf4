import { describe, expect, it } from 'vitest';
import { daysBetween, displayIncidentDate, formatPartialDate, inTimelineOrder, parsePartialDate, periodEnd } from './press-dates.ts';

describe('parsePartialDate', () => {
  const table: Array<[string, ReturnType<typeof parsePartialDate>]> = [
    ['2006', { on: '2006-01-01', precision: 'year' }],
    ['2006-03', { on: '2006-03-01', precision: 'month' }],
    ['2006-03-05', { on: '2006-03-05', precision: 'day' }],
    [' 2007-04-20 ', { on: '2007-04-20', precision: 'day' }],
    ['2006-02-30', null],
    ['2006-13', null],
    ['06-03-2006', null],
    ['1800', null],
    ['', null],
    ['2024-02-29', { on: '2024-02-29', precision: 'day' }],
    ['2023-02-29', null],
  ];
  it.each(table)('%j', (text, expected) => expect(parsePartialDate(text)).toEqual(expected));
});

describe('formatting and periods', () => {
  const table: Array<[string, 'day' | 'month' | 'year', string, string]> = [
    ['2006-03-05', 'day', '2006-03-05', '2006-03-05'],
    ['2006-03-01', 'month', '2006-03', '2006-03-31'],
    ['2024-02-01', 'month', '2024-02', '2024-02-29'],
    ['2006-01-01', 'year', '2006', '2006-12-31'],
  ];
  it.each(table)('%s %s', (on, precision, shown, end) => {
    expect(formatPartialDate({ on, precision })).toBe(shown);
    expect(periodEnd({ on, precision })).toBe(end);
  });

  it('shows a disputed date with both versions', () => {
    expect(displayIncidentDate({ on: '2006-03-05', precision: 'day' }, { on: '2006-03-06', precision: 'day' })).toBe('2006-03-05 / 2006-03-06');
    expect(displayIncidentDate({ on: '2006-05-18', precision: 'day' }, null)).toBe('2006-05-18');
    expect(displayIncidentDate({ on: '2006-05-01', precision: 'month' }, { on: '2006-05-19', precision: 'month' })).toBe('2006-05');
  });

  it('counts days across leap years', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2005-03-02', '2005-03-01')).toBe(-1);
  });
});

describe('inTimelineOrder', () => {
  const d = (on: string, precision: 'day' | 'month' | 'year' = 'day') => ({ on, precision });
  const table: Array<[string, Array<{ name: string; on: string; precision: 'day' | 'month' | 'year' }>, string[]]> = [
    ['days in order', [{ name: 'b', ...d('2005-04-07') }, { name: 'a', ...d('2005-03-02') }], ['a', 'b']],
    ['a year inside the other dates keeps its recorded place', [{ name: 'opened', ...d('2005-03-02') }, { name: 'named', ...d('2005-01-01', 'year') }, { name: 'refused', ...d('2005-07-28') }], ['opened', 'named', 'refused']],
    ['an earlier year comes first', [{ name: 'judgment', ...d('2017-04-13') }, { name: 'application', ...d('2010-01-01', 'year') }], ['application', 'judgment']],
    ['a month against days of other months', [{ name: 'june', ...d('2019-06-01', 'month') }, { name: 'may', ...d('2019-05-31') }, { name: 'july', ...d('2019-07-01') }], ['may', 'june', 'july']],
  ];
  it.each(table)('%s', (_name, items, expected) => {
    expect(inTimelineOrder(items, (i) => i).map((i) => i.name)).toEqual(expected);
  });
});
