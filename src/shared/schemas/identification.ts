import { z } from 'zod';
import { CONCLUSIVE_OUTCOMES, DECISION_OUTCOMES, DECISION_STAGES, PERMIT_GROUNDS, REFLECTION_WITHHOLD_GROUNDS, RG_OUTCOMES } from '../nrm.ts';

const Text = (max: number) => z.string().trim().max(max);

export const DecisionBody = z
  .strictObject({
    personId: z.uuid(),
    /** The identification referral decided on; default: the case's latest one to the user's agency. */
    referralId: z.uuid().optional(),
    stage: z.enum(DECISION_STAGES),
    outcome: z.enum(DECISION_OUTCOMES),
    decidedOn: z.iso.date(),
    reasons: Text(20_000).min(3, 'give the reasons'),
    evidence: Text(20_000).nullable().optional(),
    /** Only for a positive reasonable-grounds decision, and only on these grounds (CETS art. 13(3)), with the reason. */
    reflectionWithheld: z.enum(REFLECTION_WITHHOLD_GROUNDS).optional(),
    reflectionWithheldReason: Text(5000).min(3).optional(),
    /** A reconsideration names the (negative) decision it reconsiders; that one stays in the history. */
    reconsiders: z.uuid().optional(),
  })
  .superRefine((b, ctx) => {
    const allowed: readonly string[] = b.stage === 'reasonable_grounds' ? RG_OUTCOMES : CONCLUSIVE_OUTCOMES;
    if (!allowed.includes(b.outcome)) ctx.addIssue({ code: 'custom', path: ['outcome'], message: `one of ${allowed.join(', ')} for this stage` });
    if (b.reflectionWithheld && !(b.stage === 'reasonable_grounds' && b.outcome === 'positive'))
      ctx.addIssue({ code: 'custom', path: ['reflectionWithheld'], message: 'only with a positive reasonable-grounds decision' });
    if (Boolean(b.reflectionWithheld) !== Boolean(b.reflectionWithheldReason))
      ctx.addIssue({ code: 'custom', path: [b.reflectionWithheld ? 'reflectionWithheldReason' : 'reflectionWithheld'], message: 'the ground and its reason go together' });
  });

export const DecisionView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  personId: z.uuid(),
  referralId: z.uuid().nullable(),
  stage: z.enum(DECISION_STAGES),
  outcome: z.enum(DECISION_OUTCOMES),
  decidedOn: z.string(),
  reasons: z.string().optional(),
  evidence: z.string().nullable().optional(),
  reflectionWithheld: z.enum(REFLECTION_WITHHOLD_GROUNDS).nullable(),
  reflectionWithheldReason: z.string().nullable().optional(),
  reconsidersId: z.uuid().nullable(),
  /** False once a later decision reconsidered it (kept in the history). */
  current: z.boolean(),
  reflectionEndsOn: z.string().nullable(),
  earliestConclusiveOn: z.string().nullable(),
  decidedBy: z.uuid(),
  decidedByName: z.string(),
  decidedByAgencyId: z.uuid(),
  createdAt: z.string(),
});

export const IdentificationDatesView = z.object({
  rgDueOn: z.string(),
  reflectionEndsOn: z.string().nullable(),
  removalHold: z.object({ from: z.string(), until: z.string().nullable() }).nullable(),
  earliestConclusiveOn: z.string().nullable(),
  permitReminderOn: z.string().nullable(),
});

/** One victim's identification: the referral day, the dates computed from the country profile, every decision. */
/** A residence permit (CETS art. 14); a renewal is a new permit naming the one it renews. */
export const PermitBody = z
  .strictObject({
    personId: z.uuid(),
    ground: z.enum(PERMIT_GROUNDS),
    issuedOn: z.iso.date('a date as YYYY-MM-DD'),
    expiresOn: z.iso.date('a date as YYYY-MM-DD'),
    authority: Text(200).min(1).optional(),
    permitNumber: Text(60).min(1).optional(),
    /** The person's current permit on this case that this one renews. */
    renews: z.uuid().optional(),
  })
  .superRefine((b, ctx) => {
    const valid = (d: string) => z.iso.date().safeParse(d).success;
    if (valid(b.issuedOn) && b.issuedOn < '2000-01-01') ctx.addIssue({ code: 'custom', path: ['issuedOn'], message: 'not before 2000-01-01' });
    if (!valid(b.issuedOn) || !valid(b.expiresOn)) return;
    if (b.expiresOn <= b.issuedOn) ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'after the day it was issued' });
    else if (b.expiresOn > `${Number(b.issuedOn.slice(0, 4)) + 10}${b.issuedOn.slice(4)}`) ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'at most 10 years after the day it was issued' });
  });

export const PermitView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  ground: z.enum(PERMIT_GROUNDS),
  issuedOn: z.string(),
  expiresOn: z.string(),
  authority: z.string().nullable(),
  /** Identifying: absent for roles without `sensitive:identity`. */
  permitNumber: z.string().nullable().optional(),
  renewsId: z.uuid().nullable(),
  /** False once renewed (kept in the history). */
  current: z.boolean(),
  /** The day the case worker is reminded: `permitExpiryReminderDays` before expiry. */
  remindOn: z.string(),
  /** Current, from its reminder day on: to renew. */
  expiringSoon: z.boolean(),
  /** Current and past its expiry. */
  expired: z.boolean(),
  recordedBy: z.uuid(),
  createdAt: z.string(),
});

export const PersonIdentificationView = z.object({
  personId: z.uuid(),
  referralId: z.uuid().nullable(),
  referredOn: z.string().nullable(),
  dates: IdentificationDatesView.nullable(),
  /** No reasonable-grounds decision yet and past its due day. */
  rgOverdue: z.boolean(),
  decisions: z.array(DecisionView),
  /** The person's residence permits on this case, oldest first. */
  permits: z.array(PermitView),
});

export const QueueItem = z.object({
  referralId: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.string(),
  fromAgencyName: z.string(),
  referralStatus: z.enum(['pending', 'accepted']),
  sentAt: z.string(),
  referredOn: z.string(),
  rgDueOn: z.string(),
  overdue: z.boolean(),
  victims: z.array(z.object({ sex: z.string(), ageBand: z.string(), nationality: z.string().nullable() })),
  exploitationForms: z.array(z.string()),
});
export const QueueView = z.object({ items: z.array(QueueItem) });

/** One year of the resident population (SDG 16.2.2's denominator) with its source, as stored. */
const PopulationYearFields = {
  year: z.number().int('a whole number').min(1990, 'a year from 1990 to 2100').max(2100, 'a year from 1990 to 2100'),
  total: z.number().int('a whole number').min(1, 'more than 0'),
  female: z.number().int('a whole number').min(0, 'not negative'),
  male: z.number().int('a whole number').min(0, 'not negative'),
  children: z.number().int('a whole number').min(0, 'not negative'),
  source: Text(500).min(1, 'where the figure comes from'),
};
/**
 * A year of population as sent: women and men make up the whole population (the SDG rates by sex are
 * shares of the same total), and the under-18s are part of it (adults are the total less children).
 * Official figures are often rounded each on its own (to the thousand), so women and men may miss the
 * total by up to 0.1 % of it.
 */
export const PopulationYearBody = z.strictObject(PopulationYearFields).superRefine((p, ctx) => {
  if (Math.abs(p.female + p.male - p.total) > Math.floor(p.total / 1000)) ctx.addIssue({ code: 'custom', path: ['total'], message: 'female and male add up to the total' });
  if (p.children > p.total) ctx.addIssue({ code: 'custom', path: ['children'], message: 'at most the total' });
});
const DisclosureFields = {
  dashboardThreshold: z.number().int('a whole number').min(3, 'at least 3').max(50, 'at most 50'),
  openDataThreshold: z.number().int('a whole number').min(3, 'at least 3').max(50, 'at most 50'),
  openDataRounding: z.number().int('a whole number').min(2, 'from 2 to 100').max(100, 'from 2 to 100').nullable(),
};
/**
 * Disclosure control of the statistics: thresholds (at least 3) and open-data rounding. What the public
 * sees is protected at least as much as what staff dashboards show.
 */
export const DisclosureProfileBody = z.strictObject(DisclosureFields).superRefine((d, ctx) => {
  if (d.openDataThreshold < d.dashboardThreshold) ctx.addIssue({ code: 'custom', path: ['openDataThreshold'], message: 'at least the dashboard threshold' });
});
export const CountryProfileView = z.object({
  code: z.string(),
  timeZone: z.string(),
  rgTargetWorkingDays: z.number().int(),
  reflectionDays: z.number().int(),
  minDaysToConclusive: z.number().int(),
  referralAnswerHours: z.number().int(),
  permitExpiryReminderDays: z.number().int(),
  impunityMinDays: z.number().int(),
  holidayCalendar: z.string(),
  workingDayChanges: z.array(z.object({ day: z.string(), working: z.boolean(), reason: z.string() })),
  population: z.array(z.object(PopulationYearFields)),
  disclosure: z.object(DisclosureFields),
});

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

/**
 * One swap decided by the government: a Saturday or Sunday made a working day (`working: true`), or a
 * weekday made a day off (`working: false`), with the decision it comes from.
 */
export const WorkingDayChangeBody = z
  .strictObject({
    day: z.iso.date('a date as YYYY-MM-DD'),
    working: z.boolean(),
    reason: Text(300).min(1, 'the decision this comes from, for example "Cabinet of Ministers decision of 1 November 2024"'),
  })
  .superRefine((c, ctx) => {
    if (!z.iso.date().safeParse(c.day).success) return; // the day's own message says what is wrong
    const weekend = [0, 6].includes(weekday(c.day));
    if (c.working && !weekend) ctx.addIssue({ code: 'custom', path: ['day'], message: 'already a working day of the week: only a Saturday or Sunday can be made a working day' });
    if (!c.working && weekend) ctx.addIssue({ code: 'custom', path: ['day'], message: 'a Saturday or Sunday is already a day off' });
  });
export const UpdateCountryProfileBody = z.strictObject({
  rgTargetWorkingDays: z.number().int().min(1).max(60).optional(),
  /** CETS art. 13: at least 30 days. */
  reflectionDays: z.number().int().min(30, 'at least 30 days (CETS art. 13)').max(365).optional(),
  minDaysToConclusive: z.number().int().min(0).max(365).optional(),
  referralAnswerHours: z.number().int().min(1).max(24 * 60).optional(),
  permitExpiryReminderDays: z.number().int().min(1).max(365).optional(),
  /** Press freedom: days after an attack before an impunity label is shown (docs/press-freedom.md). */
  impunityMinDays: z.number().int().min(0).max(3650).optional(),
  /** Replaces the whole list of working-day changes; each day at most once. */
  workingDayChanges: z
    .array(WorkingDayChangeBody)
    .max(500)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((c, i) => {
        if (seen.has(c.day)) ctx.addIssue({ code: 'custom', path: [i, 'day'], message: 'this day is already in the list' });
        seen.add(c.day);
      });
    })
    .transform((list) => [...list].sort((a, b) => a.day.localeCompare(b.day)))
    .optional(),
  /** Replaces the whole population list; each year at most once; kept in the order of the years. */
  population: z
    .array(PopulationYearBody)
    .max(200)
    .superRefine((list, ctx) => {
      const seen = new Set<number>();
      list.forEach((p, i) => {
        if (seen.has(p.year)) ctx.addIssue({ code: 'custom', path: [i, 'year'], message: 'this year is already in the list' });
        seen.add(p.year);
      });
    })
    .transform((list) => [...list].sort((a, b) => a.year - b.year))
    .optional(),
  disclosure: DisclosureProfileBody.optional(),
});
