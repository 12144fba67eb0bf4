import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, CONTACT_TYPES, type ContactType } from '../hotline.ts';
import { ExportNamingFields } from './exports.ts';

/** The longest range the dashboard computes at once (a year, leap day included). */
export const DASHBOARD_MAX_DAYS = 366;

/**
 * Contact types where a real conversation about a real matter took place (the helpline term
 * "substantive contact"); silent, prank, wrong-number and abusive contacts are not. Contacts whose
 * form has no type yet (waiting, abandoned, not yet closed) are "unclassified" and left out of the share.
 */
export const SUBSTANTIVE_CONTACT_TYPES = ['trafficking_report', 'information_request', 'service_request', 'non_trafficking'] as const satisfies readonly ContactType[];
export const NON_SUBSTANTIVE_CONTACT_TYPES = ['silent', 'prank', 'wrong_number', 'abusive'] as const satisfies readonly ContactType[];

const DAY_MS = 86_400_000;

/** Whole days from one YYYY-MM-DD to another (calendar days, no time zone involved). */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const CalendarDate = z.string().superRefine((s, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) ctx.addIssue({ code: 'custom', message: 'a date as YYYY-MM-DD' });
  else if (!isCalendarDate(s)) ctx.addIssue({ code: 'custom', message: 'not a date in the calendar' });
});

/** `from` <= `to`, at most DASHBOARD_MAX_DAYS days, both included; the error names `to`. */
function rangeCheck(q: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (!isCalendarDate(q.from) || !isCalendarDate(q.to)) return;
  const days = daysBetween(q.from, q.to);
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (days + 1 > DASHBOARD_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${DASHBOARD_MAX_DAYS} days from from` });
}

const RangeFields = {
  from: CalendarDate,
  to: CalendarDate,
  region: z.string().trim().min(1, 'required when given').max(100).optional(),
  tz: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Asia/Baku').default('Asia/Baku'),
};

/** The figures' range: local calendar days `from` to `to`, both included, in `tz`; optionally one region. */
export const DashboardQuery = z.strictObject(RangeFields).superRefine(rangeCheck);
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const DashboardExportQuery = z.strictObject({ ...RangeFields, format: z.enum(EXPORT_FORMATS), ...ExportNamingFields }).superRefine(rangeCheck);

const Count = z.number().int().min(0);
const Seconds = z.number().nullable();

/** Durations in seconds over `count` contacts: median and 90th percentile by nearest rank, and the mean. */
export const DurationStats = z.object({ count: Count, medianSeconds: Seconds, p90Seconds: Seconds, meanSeconds: Seconds });
export type DurationStats = z.infer<typeof DurationStats>;

export const DashboardView = z.object({
  range: z.object({
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    region: z.string().nullable(),
    /** `agency`: the user's own agency's contacts; `all`: every agency's (national aggregates). */
    scope: z.enum(['agency', 'all']),
  }),
  totals: z.object({
    contacts: Count,
    /** An operator took it (`answeredAt` set). */
    answered: Count,
    /** The call ended before anyone answered. */
    abandoned: Count,
    /** Neither yet: still waiting, or a message nobody has taken. */
    unanswered: Count,
    /** answered / (answered + abandoned); null without either. */
    answerRate: z.number().nullable(),
    substantive: Count,
    nonSubstantive: Count,
    unclassified: Count,
    /** substantive / (substantive + nonSubstantive); null when no contact has a type. */
    substantiveShare: z.number().nullable(),
  }),
  byChannel: z.array(z.object({ channel: z.enum(CONTACT_CHANNELS), contacts: Count, answered: Count, abandoned: Count })),
  /** Local hour of day (0-23) in `tz`, every hour present. */
  byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), contacts: Count })),
  /** Every local day of the range, in order. */
  byDay: z.array(z.object({ day: z.string(), contacts: Count, answered: Count, abandoned: Count })),
  byContactType: z.array(z.object({ contactType: z.enum(CONTACT_TYPES), contacts: Count })),
  /** Received to answered, for contacts that came in through a channel (not entered by an operator). */
  timeToAnswer: DurationStats,
  /** Answered to closed (talk or chat, then wrap-up), same contacts. */
  handleTime: DurationStats,
  escalations: z.object({ count: Count, acknowledged: Count, unacknowledged: Count, timeToAcknowledge: DurationStats }),
  /** Contacts closed with each outcome (a contact may have several). */
  outcomes: z.array(z.object({ outcome: z.enum(CONTACT_OUTCOMES), contacts: Count })),
  /** The regions named on contacts in the range and scope, for the region filter. */
  regions: z.array(z.string()),
});
export type DashboardView = z.infer<typeof DashboardView>;
