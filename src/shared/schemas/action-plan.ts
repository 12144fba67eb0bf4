import { z } from 'zod';
import { DEADLINE_KINDS, INDICATOR_UNITS, MEASURE_STATUSES, REPORT_PROGRESS, REVIEW_STATES } from '../../domain/action-plan.ts';

export const PLAN_STATUSES = ['draft', 'adopted', 'expired', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const ACT_TYPES = ['presidential_order', 'presidential_decree', 'cabinet_decision', 'law', 'other'] as const;
export { DEADLINE_KINDS, INDICATOR_UNITS, MEASURE_STATUSES, REPORT_PROGRESS, REVIEW_STATES };

const Day = z.iso.date();
const Year = z.number().int('a whole year').min(1990, 'from 1990').max(2100, 'until 2100');
/** A hierarchical number: "4", "4.1", "4.1.9". */
export const MeasureNumber = z.string().trim().regex(/^[0-9]{1,3}(\.[0-9]{1,3}){0,5}$/, 'a number like 4.1.9');
const Text = (max: number) => z.string().trim().min(1, 'required').max(max);
const Reason = z.string().trim().min(1, 'required').max(2000);
const Version = z.number().int().min(1);

export const Deadline = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('date'), on: Day }),
  z.strictObject({ kind: z.literal('year'), year: Year }),
  z.strictObject({ kind: z.literal('period'), fromYear: Year, toYear: Year }),
  z.strictObject({ kind: z.literal('continuous') }),
]);
export type Deadline = z.infer<typeof Deadline>;

export const CreatePlanBody = z.strictObject({
  title: Text(300),
  actType: z.enum(ACT_TYPES),
  actNumber: z.string().trim().max(60).nullable().optional(),
  actDate: Day.nullable().optional(),
  startYear: Year,
  endYear: Year,
  status: z.enum(PLAN_STATUSES).default('draft'),
  predecessorId: z.uuid().nullable().optional(),
  /** Days after a year's end its reports are due (20: 20 January). */
  reportDueDays: z.number().int().min(0).max(365).default(20),
});
export type CreatePlanBody = z.infer<typeof CreatePlanBody>;

export const UpdatePlanBody = z.strictObject({
  version: Version,
  title: Text(300).optional(),
  actType: z.enum(ACT_TYPES).optional(),
  actNumber: z.string().trim().max(60).nullable().optional(),
  actDate: Day.nullable().optional(),
  startYear: Year.optional(),
  endYear: Year.optional(),
  status: z.enum(PLAN_STATUSES).optional(),
  predecessorId: z.uuid().nullable().optional(),
  reportDueDays: z.number().int().min(0).max(365).optional(),
});
export type UpdatePlanBody = z.infer<typeof UpdatePlanBody>;

const AgencyRef = z.object({ id: z.uuid(), name: z.string(), shortName: z.string().nullable() });
const StatusCounts = z.object(Object.fromEntries(MEASURE_STATUSES.map((s) => [s, z.number()])) as Record<(typeof MEASURE_STATUSES)[number], z.ZodNumber>);

export const PlanView = z.object({
  id: z.uuid(),
  title: z.string(),
  actType: z.enum(ACT_TYPES),
  actNumber: z.string().nullable(),
  actDate: z.string().nullable(),
  startYear: z.number(),
  endYear: z.number(),
  status: z.enum(PLAN_STATUSES),
  predecessorId: z.uuid().nullable(),
  predecessorTitle: z.string().nullable(),
  reportDueDays: z.number(),
  version: z.number(),
  measures: z.number(),
  statusCounts: StatusCounts,
});
export type PlanView = z.infer<typeof PlanView>;

export const GoalBody = z.strictObject({ number: MeasureNumber, title: Text(500) });
export const GoalView = z.object({ id: z.uuid(), number: z.string(), title: z.string() });

/**
 * An indicator's source: manual (no `statisticsTable`) or a figure of the national statistics, the
 * table's id and the cell's key, a code for some of its dimensions (`{ "sex": "female" }`; none: the
 * table's total). Checked against the tables (src/shared/statistics-figures.ts): 400 naming
 * `statisticsTable`, `statisticsKey.<dimension>` or `unit` (a count is held by `count`, a rate by `amount`).
 */
const StatisticsTableField = z.string().trim().min(1, 'required').max(60);
const StatisticsKeyField = z.record(z.string().max(40), z.string().max(40)).refine((k) => Object.keys(k).length <= 8, 'at most 8 dimensions');

export const IndicatorBody = z.strictObject({
  definition: Text(1000),
  unit: z.enum(INDICATOR_UNITS),
  baseline: z.number().nullable().optional(),
  target: z.number().nullable().optional(),
  statisticsTable: StatisticsTableField.nullable().optional(),
  statisticsKey: StatisticsKeyField.optional(),
});
export type IndicatorBody = z.infer<typeof IndicatorBody>;

/** Changes an indicator (the coordinator's office); `version` is its measure's, as read (409 stale_version otherwise). `statisticsTable: null` makes it manual. */
export const UpdateIndicatorBody = z.strictObject({
  version: Version,
  definition: Text(1000).optional(),
  unit: z.enum(INDICATOR_UNITS).optional(),
  baseline: z.number().nullable().optional(),
  target: z.number().nullable().optional(),
  statisticsTable: StatisticsTableField.nullable().optional(),
  statisticsKey: StatisticsKeyField.optional(),
});
export type UpdateIndicatorBody = z.infer<typeof UpdateIndicatorBody>;

/** A value and the reporting year (a calendar year) it is of. */
const YearValue = z.object({ value: z.number(), period: z.number() });
export const IndicatorView = z.object({
  id: z.uuid(),
  definition: z.string(),
  unit: z.enum(INDICATOR_UNITS),
  baseline: z.number().nullable(),
  target: z.number().nullable(),
  /** The national table the value is computed from, or null (entered by hand). */
  statisticsTable: z.string().nullable(),
  statisticsKey: z.record(z.string(), z.string()).nullable(),
  /** The value of the latest accepted report you may read (a later year first). */
  latest: YearValue.nullable(),
  /** A linked indicator's figure computed from the records for the measure's latest ended reporting year; null for a manual one, or before a year has ended. */
  computed: YearValue.nullable(),
  /** True when the indicator is linked but the reader may not read the national figures (the coordinator's office and analysts may): `computed` is then null. */
  figureWithheld: z.boolean(),
});
export type IndicatorView = z.infer<typeof IndicatorView>;

export const CreateMeasureBody = z.strictObject({
  number: MeasureNumber,
  goalId: z.uuid().nullable().optional(),
  text: Text(4000),
  responsibleAgencyId: z.uuid(),
  coResponsibleAgencyIds: z.array(z.uuid()).max(30).default([]),
  deadline: Deadline,
  expectedResult: z.string().trim().max(4000).nullable().optional(),
  indicators: z.array(IndicatorBody).max(20).default([]),
});
export type CreateMeasureBody = z.infer<typeof CreateMeasureBody>;

export const UpdateMeasureBody = z.strictObject({
  /** The version the change was made on: another change since gives 409 `stale_version`. */
  version: Version,
  goalId: z.uuid().nullable().optional(),
  text: Text(4000).optional(),
  responsibleAgencyId: z.uuid().optional(),
  coResponsibleAgencyIds: z.array(z.uuid()).max(30).optional(),
  deadline: Deadline.optional(),
  expectedResult: z.string().trim().max(4000).nullable().optional(),
});
export type UpdateMeasureBody = z.infer<typeof UpdateMeasureBody>;

export const DropBody = z.strictObject({ reason: Reason });

export const ReportSummary = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  period: z.number(),
  progress: z.enum(REPORT_PROGRESS),
  review: z.enum(REVIEW_STATES),
  submittedAt: z.string(),
});

export const MeasureView = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  number: z.string(),
  goal: GoalView.nullable(),
  text: z.string(),
  responsibleAgency: AgencyRef,
  coResponsibleAgencies: z.array(AgencyRef),
  deadline: Deadline,
  expectedResult: z.string().nullable(),
  indicators: z.array(IndicatorView),
  status: z.enum(MEASURE_STATUSES),
  /** Years whose report from the responsible body is past due and not sent. */
  overdueYears: z.array(z.number()),
  reportingYears: z.array(z.number()),
  dropReason: z.string().nullable(),
  reports: z.array(ReportSummary),
  version: z.number(),
});
export type MeasureView = z.infer<typeof MeasureView>;

export const PlanDetail = z.object({ plan: PlanView, goals: z.array(GoalView), measures: z.array(MeasureView) });
export const PlanDetailQuery = z.strictObject({
  order: z.enum(['late_first', 'number']).default('late_first'),
  agencyId: z.uuid().optional(),
  status: z.enum(MEASURE_STATUSES).optional(),
});

const IndicatorValue = z.strictObject({ indicatorId: z.uuid(), value: z.number() });
export const SubmitReportBody = z.strictObject({
  /** A measure, with the year reported on; or an action item of a meeting (reported once). */
  measureId: z.uuid().optional(),
  actionItemId: z.uuid().optional(),
  period: Year.optional(),
  progress: z.enum(REPORT_PROGRESS),
  narrative: z.string().trim().min(1, 'required').max(20000),
  indicatorValues: z.array(IndicatorValue).max(20).default([]),
});
export type SubmitReportBody = z.infer<typeof SubmitReportBody>;

export const ResubmitReportBody = z.strictObject({
  version: Version,
  progress: z.enum(REPORT_PROGRESS),
  narrative: z.string().trim().min(1, 'required').max(20000),
  indicatorValues: z.array(IndicatorValue).max(20).default([]),
});
export type ResubmitReportBody = z.infer<typeof ResubmitReportBody>;

export const ReviewBody = z.strictObject({
  version: Version,
  decision: z.enum(['accept', 'return']),
  /** Required when sending back. */
  reason: z.string().trim().max(2000).optional(),
});
export type ReviewBody = z.infer<typeof ReviewBody>;

export const EvidenceView = z.object({ id: z.uuid(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number(), sha256: z.string(), createdAt: z.string() });

export const ReportView = z.object({
  id: z.uuid(),
  measureId: z.uuid().nullable(),
  actionItemId: z.uuid().nullable(),
  /** The measure's number or the action item's, and its plan or meeting. */
  subjectNumber: z.string(),
  subjectText: z.string(),
  planId: z.uuid().nullable(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  period: z.number(),
  progress: z.enum(REPORT_PROGRESS),
  narrative: z.string(),
  review: z.enum(REVIEW_STATES),
  returnReason: z.string().nullable(),
  submittedAt: z.string(),
  reviewedAt: z.string().nullable(),
  version: z.number(),
  /** Each value reported, with, for an indicator linked to the statistics, the figure computed for the report's year. */
  indicatorValues: z.array(z.object({ indicatorId: z.uuid(), definition: z.string(), unit: z.enum(INDICATOR_UNITS), value: z.number(), statisticsTable: z.string().nullable(), computed: YearValue.nullable(), figureWithheld: z.boolean() })),
  documents: z.array(EvidenceView),
});
export type ReportView = z.infer<typeof ReportView>;

export const ReportListQuery = z.strictObject({ review: z.enum(REVIEW_STATES).optional(), planId: z.uuid().optional() });

export const EvidenceUploadQuery = z.strictObject({ name: z.string().trim().min(1, 'required').max(255) });
export const EvidenceParams = z.strictObject({ id: z.uuid(), documentId: z.uuid() });

export const MeetingBody = z.strictObject({
  planId: z.uuid().nullable().optional(),
  heldOn: Day,
  title: Text(300),
  minutes: z.string().trim().max(20000).nullable().optional(),
  quorumMet: z.boolean().default(false),
  agencies: z.array(z.strictObject({ agencyId: z.uuid(), attended: z.boolean().default(true) })).max(100).default([]),
  actionItems: z.array(z.strictObject({ number: z.string().trim().min(1, 'required').max(20), decision: Text(4000), agencyId: z.uuid(), dueOn: Day })).max(100).default([]),
});
export type MeetingBody = z.infer<typeof MeetingBody>;

export const ActionItemView = z.object({
  id: z.uuid(),
  meetingId: z.uuid(),
  meetingTitle: z.string(),
  heldOn: z.string(),
  number: z.string(),
  decision: z.string(),
  agency: AgencyRef,
  dueOn: z.string(),
  status: z.enum(MEASURE_STATUSES),
  dropReason: z.string().nullable(),
  report: ReportSummary.nullable(),
});
export type ActionItemView = z.infer<typeof ActionItemView>;

export const MeetingView = z.object({
  id: z.uuid(),
  planId: z.uuid().nullable(),
  heldOn: z.string(),
  title: z.string(),
  minutes: z.string().nullable(),
  quorumMet: z.boolean(),
  agencies: z.array(AgencyRef.extend({ attended: z.boolean() })),
  actionItems: z.array(ActionItemView),
});
export type MeetingView = z.infer<typeof MeetingView>;
export const MeetingListItem = z.object({ id: z.uuid(), heldOn: z.string(), title: z.string(), quorumMet: z.boolean(), actionItems: z.number(), lateItems: z.number() });

/** One report a body owes: a measure's year whose report is due (or due within the reminder days), not yet sent or sent back. */
export const OwedReport = z.object({
  measureId: z.uuid(),
  planId: z.uuid(),
  planTitle: z.string(),
  number: z.string(),
  text: z.string(),
  period: z.number(),
  dueOn: z.string(),
  overdue: z.boolean(),
  /** The body's report for the year when one was sent back. */
  returnedReportId: z.uuid().nullable(),
  returnReason: z.string().nullable(),
});

export const MyView = z.object({
  agency: AgencyRef,
  owed: z.array(OwedReport),
  /** Measures the body leads whose derived status is late. */
  lateMeasures: z.array(MeasureView.pick({ id: true, planId: true, number: true, text: true, status: true, overdueYears: true, deadline: true })),
  actionItems: z.array(ActionItemView),
  reports: z.array(ReportSummary.extend({ subjectNumber: z.string(), returnReason: z.string().nullable() })),
});
export type MyView = z.infer<typeof MyView>;

export const ReminderView = z.object({
  id: z.uuid(),
  kind: z.enum(['report_due', 'action_item_due']),
  subjectId: z.uuid(),
  subjectNumber: z.string(),
  period: z.number(),
  dueOn: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});

export const ImportQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') });
export const ImportResult = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  goals: z.number(),
  measures: z.number(),
  indicators: z.number(),
});
