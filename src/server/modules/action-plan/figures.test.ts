import { describe, expect, it, vi } from 'vitest';
import type { DbOrTx } from '../../db/database.ts';
import type { NationalData } from '../statistics/tables.ts';

// The statistics module's tables, counted: what computeFigures asks of them, not how they count (the API tests compare with the real tables).
const asked: string[] = [];
vi.mock('../statistics/tables.ts', () => ({
  nationalData: (_db: unknown, period: { from: string; to: string }) => {
    asked.push(`${period.from}/${period.to}`);
    return Promise.resolve({ period } as unknown as NationalData);
  },
  buildTables: (d: NationalData) => {
    const year = Number(d.period.from.slice(0, 4));
    return [
      {
        table: {
          id: 'nrm-victims-status-sex-age',
          title: '',
          dimensions: [],
          cells: [{ key: { status: 'identified', sex: 'female', ageGroup: 'adult' }, value: year - 2000, suppressed: null }],
          totals: [
            { key: {}, value: year, suppressed: null },
            { key: { sex: 'female' }, value: year - 1000, suppressed: null },
          ],
        },
      },
      { table: { id: 'nrm-victims-quarter-age', title: '', dimensions: [], cells: [], totals: [{ key: { quarter: `${year}-Q2` }, value: 7, suppressed: null }] } },
    ];
  },
}));

const { computeFigures, latestEndedYear } = await import('./figures.ts');
const db = {} as DbOrTx;
const T = 'nrm-victims-status-sex-age';

describe('computeFigures', () => {
  it('computes the tables once per year asked for, whatever the number of indicators, and finds each cell by its exact key', async () => {
    asked.length = 0;
    const figures = await computeFigures(db, [
      { id: 'a', link: { table: T, key: {} }, year: 2024 },
      { id: 'b', link: { table: T, key: { sex: 'female' } }, year: 2024 },
      { id: 'c', link: { table: T, key: { status: 'identified', sex: 'female', ageGroup: 'adult' } }, year: 2025 },
      { id: 'd', link: { table: T, key: {} }, year: 2025 },
      { id: 'e', link: { table: 'nrm-victims-quarter-age', key: { quarter: 'Q2' } }, year: 2024 },
      { id: 'f', link: { table: T, key: {} }, year: null },
      { id: 'g', link: { table: T, key: { sex: 'male' } }, year: 2024 },
    ]);
    expect(asked).toEqual(['2024-01-01/2024-12-31', '2025-01-01/2025-12-31']);
    expect(Object.fromEntries(figures)).toEqual({
      a: { value: 2024, period: 2024 },
      b: { value: 1024, period: 2024 },
      c: { value: 25, period: 2025 },
      d: { value: 2025, period: 2025 },
      e: { value: 7, period: 2024 },
    });
  });

  it('computes nothing when no indicator is linked', async () => {
    asked.length = 0;
    expect((await computeFigures(db, [])).size).toBe(0);
    expect(asked).toEqual([]);
  });
});

describe('latestEndedYear', () => {
  const plan = { startYear: 2024, endYear: 2026, reportDueDays: 20 };
  it.each([
    [{ kind: 'continuous' as const }, '2026-12-07', 2025],
    [{ kind: 'continuous' as const }, '2027-01-01', 2026],
    [{ kind: 'continuous' as const }, '2024-12-31', null],
    [{ kind: 'year' as const, year: 2024 }, '2026-12-07', 2024],
    [{ kind: 'period' as const, fromYear: 2025, toYear: 2026 }, '2025-06-01', null],
    [{ kind: 'date' as const, on: '2025-06-30' }, '2026-03-01', 2025],
  ])('%o on %s: %s', (deadline, today, year) => {
    expect(latestEndedYear(deadline, plan, today)).toBe(year);
  });
});
