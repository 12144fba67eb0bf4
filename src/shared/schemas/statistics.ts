import { z } from 'zod';
import { Language } from './common.ts';

/** A calendar day, checked for being a real day (2024-02-30 is refused). */
const Day = z.iso.date('a date as YYYY-MM-DD');

const Suppression = z.enum(['primary', 'secondary']).nullable();
export const TableCellView = z.object({ key: z.record(z.string(), z.string()), value: z.number().nullable(), suppressed: Suppression });
/** One table: the shape of src/domain/statistics-table.ts. */
export const StatisticsTableView = z.object({
  id: z.string(),
  title: z.string(),
  dimensions: z.array(z.object({ id: z.string(), label: z.string(), values: z.array(z.object({ code: z.string(), label: z.string() })) })),
  cells: z.array(TableCellView),
  totals: z.array(TableCellView),
  notes: z.array(z.string()).optional(),
});

const periodCheck = (v: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (Date.parse(v.to) - Date.parse(v.from) > 20 * 366 * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a period of at most 20 years' });
};

export const NationalQuery = z.strictObject({ from: Day, to: Day, lang: Language.default('en') }).superRefine(periodCheck);
export const NationalView = z.object({ period: z.object({ from: z.string(), to: z.string() }), tables: z.array(StatisticsTableView) });
export const ExportQuery = z.strictObject({ from: Day, to: Day, lang: Language.default('en'), format: z.enum(['csv', 'xlsx']) }).superRefine(periodCheck);

export const PrepareReleaseBody = z
  .strictObject({
    title: z.string().trim().min(3, 'at least 3 characters').max(200),
    from: Day,
    to: Day,
    /** Cells under this are suppressed; default: the profile's open-data threshold. At least 3. */
    threshold: z.number().int().min(3, 'at least 3').max(50).optional(),
  })
  .superRefine(periodCheck);

export const DisclosureFlagView = z.object({
  kind: z.enum(['group_disclosure', 'recoverable', 'revised']),
  tableId: z.string().optional(),
  universe: z.string().optional(),
  key: z.record(z.string(), z.string()),
  dimension: z.string().optional(),
  value: z.string().optional(),
  release: z.string().nullable().optional(),
  min: z.number().optional(),
  max: z.number().nullable().optional(),
  before: z.number().optional(),
  after: z.number().optional(),
});

export const RELEASE_STATUSES = ['prepared', 'approved', 'superseded', 'withdrawn'] as const;
export const ReleaseListItem = z.object({
  id: z.uuid(),
  series: z.string(),
  version: z.number().int(),
  title: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  threshold: z.number().int(),
  rounding: z.number().int().nullable(),
  status: z.enum(RELEASE_STATUSES),
  preparedAt: z.string(),
  preparedByMe: z.boolean(),
  approvedAt: z.string().nullable(),
  /** A withdrawn release: when and why (the reason is shown to staff only; the audit log holds only that one was given). */
  withdrawnAt: z.string().nullable(),
  withdrawalReason: z.string().nullable(),
  suppressed: z.number().int(),
  flags: z.array(DisclosureFlagView),
});
/** Withdrawing a public release: the reason is required. */
export const WithdrawReleaseBody = z.strictObject({ reason: z.string().trim().min(3, 'at least 3 characters').max(2000, 'at most 2000 characters') });
export const ReleaseDetail = ReleaseListItem.extend({ tables: z.array(StatisticsTableView) });
export const LangQuery = z.strictObject({ lang: Language.default('en') });

export const PublicReleaseItem = z.object({ id: z.uuid(), title: z.string(), period: z.object({ from: z.string(), to: z.string() }), version: z.number().int(), approvedAt: z.string() });
export const PublicRelease = z.object({ id: z.uuid(), title: z.string(), period: z.object({ from: z.string(), to: z.string() }), version: z.number().int(), tables: z.array(StatisticsTableView) });
export const PublicReleaseParams = z.strictObject({ releaseId: z.uuid() });
export const StatisticsDictionary = z.object({ columns: z.array(z.object({ name: z.string(), description: z.string() })) });

export type StatisticsTableView = z.infer<typeof StatisticsTableView>;
export type ReleaseListItem = z.infer<typeof ReleaseListItem>;
export type ReleaseDetail = z.infer<typeof ReleaseDetail>;
export type PublicRelease = z.infer<typeof PublicRelease>;
export type PublicReleaseItem = z.infer<typeof PublicReleaseItem>;
