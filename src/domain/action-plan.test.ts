import { describe, expect, it } from 'vitest';
import { compareNumbers, deadlineEnd, indicatorValueProblem, measureStatus, overdueYears, reportDueOn, reportingYears, type Deadline, type IndicatorUnit, type MeasureStatus, type ReportFact } from './action-plan.ts';

const plan = { startYear: 2020, endYear: 2024, reportDueDays: 20 };
const r = (period: number, progress: ReportFact['progress'], review: ReportFact['review']): ReportFact => ({ period, progress, review });
const year = (y: number): Deadline => ({ kind: 'year', year: y });
const onDay = (d: string): Deadline => ({ kind: 'date', on: d });
const continuous: Deadline = { kind: 'continuous' };

describe('measureStatus', () => {
  const table: Array<[string, Deadline, ReportFact[], string, MeasureStatus, { dropped?: boolean; periodic?: boolean }?]> = [
    ['nothing reported, first report not yet due', year(2022), [], '2020-06-01', 'not_started'],
    ['first year passed but the report not yet due (20 January)', year(2022), [], '2021-01-20', 'not_started'],
    ['first report overdue by a day', year(2022), [], '2021-01-22', 'late'],
    ['report submitted, not yet reviewed: not late, not on track', year(2022), [r(2020, 'in_progress', 'submitted')], '2021-02-01', 'not_started'],
    ['report accepted, in progress', year(2022), [r(2020, 'in_progress', 'accepted')], '2021-02-01', 'on_track'],
    ['report sent back: counts as not sent', year(2022), [r(2020, 'in_progress', 'returned')], '2021-02-01', 'late'],
    ['done but not yet accepted', year(2020), [r(2020, 'done', 'submitted')], '2020-12-01', 'not_started'],
    ['done and accepted', year(2020), [r(2020, 'done', 'accepted')], '2020-12-01', 'done'],
    ['done and accepted after the deadline stays done', year(2020), [r(2020, 'done', 'accepted')], '2023-05-01', 'done'],
    ['deadline passed without done', year(2020), [r(2020, 'in_progress', 'accepted')], '2021-01-01', 'late'],
    ['deadline passed, done only submitted', year(2020), [r(2020, 'done', 'submitted')], '2021-01-05', 'late'],
    ['date deadline, the day itself is not late', onDay('2021-06-30'), [r(2020, 'in_progress', 'accepted')], '2021-06-30', 'on_track'],
    ['date deadline, the day after is late', onDay('2021-06-30'), [r(2020, 'in_progress', 'accepted')], '2021-07-01', 'late'],
    ['dropped wins over late', year(2020), [], '2023-01-01', 'dropped', { dropped: true }],
    ['dropped wins over done', year(2020), [r(2020, 'done', 'accepted')], '2020-06-01', 'dropped', { dropped: true }],
    ['continuous: every year reported and accepted', continuous, [r(2020, 'in_progress', 'accepted'), r(2021, 'in_progress', 'accepted')], '2022-03-01', 'on_track'],
    ['continuous: a year missing is late', continuous, [r(2020, 'in_progress', 'accepted')], '2022-03-01', 'late'],
    ['continuous: never late by deadline after the plan while reported', continuous, [2020, 2021, 2022, 2023, 2024].map((y) => r(y, 'in_progress', 'accepted')), '2030-01-01', 'on_track'],
    ['period 2022-2023: nothing owed for 2020 and 2021', { kind: 'period', fromYear: 2022, toYear: 2023 }, [], '2022-12-31', 'not_started'],
    ['not done is not on track', year(2022), [r(2020, 'not_done', 'accepted')], '2021-02-01', 'not_started'],
    ['an action item owes no yearly report', onDay('2021-06-30'), [], '2021-03-01', 'not_started', { periodic: false }],
    ['an action item past its day is late', onDay('2021-06-30'), [], '2021-07-01', 'late', { periodic: false }],
    ['an action item done and accepted', onDay('2021-06-30'), [r(2021, 'done', 'accepted')], '2021-07-01', 'done', { periodic: false }],
  ];
  it.each(table)('%s', (_name, deadline, reports, today, expected, opts) => {
    expect(measureStatus({ deadline, plan, reports, today, dropped: opts?.dropped ?? false, periodic: opts?.periodic ?? true })).toBe(expected);
  });
});

describe('deadlines and reporting years', () => {
  it.each<[Deadline, string | null, number[]]>([
    [onDay('2021-06-30'), '2021-06-30', [2020, 2021]],
    [year(2023), '2023-12-31', [2020, 2021, 2022, 2023]],
    [{ kind: 'period', fromYear: 2021, toYear: 2022 }, '2022-12-31', [2021, 2022]],
    [{ kind: 'period', fromYear: 2018, toYear: 2030 }, '2030-12-31', [2020, 2021, 2022, 2023, 2024]],
    [continuous, null, [2020, 2021, 2022, 2023, 2024]],
  ])('%j ends %s and reports on %j', (d, end, years) => {
    expect(deadlineEnd(d)).toBe(end);
    expect(reportingYears(d, plan)).toEqual(years);
  });
  it('a year\'s report is due the given days after the year ends', () => {
    expect(reportDueOn(2020, 20)).toBe('2021-01-20');
    expect(reportDueOn(2023, 0)).toBe('2023-12-31');
  });
  it('overdue years skip the sent ones and the returned ones count as not sent', () => {
    expect(overdueYears({ deadline: continuous, plan, today: '2023-02-01', reports: [r(2021, 'in_progress', 'submitted'), r(2022, 'in_progress', 'returned')] })).toEqual([2020, 2022]);
  });
});

describe('indicatorValueProblem', () => {
  it.each<[IndicatorUnit, number, boolean]>([
    ['count', 0, true],
    ['count', 12, true],
    ['count', -1, false],
    ['count', 2.5, false],
    ['percentage', 0, true],
    ['percentage', 100, true],
    ['percentage', 57.5, true],
    ['percentage', 100.1, false],
    ['percentage', -3, false],
    ['amount', 1250.75, true],
    ['amount', -0.01, false],
    ['yes_no', 1, true],
    ['yes_no', 0, true],
    ['yes_no', 2, false],
    ['count', Number.NaN, false],
  ])('%s %d fits: %s', (unit, value, fits) => {
    expect(indicatorValueProblem(unit, value) === null).toBe(fits);
  });
});

describe('compareNumbers', () => {
  it('orders hierarchical numbers numerically', () => {
    expect(['4.1.10', '4.1.9', '4', '10.1', '4.2', '2.3'].sort(compareNumbers)).toEqual(['2.3', '4', '4.1.9', '4.1.10', '4.2', '10.1']);
  });
});
