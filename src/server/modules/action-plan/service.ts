/**
 * The national action plan tracker's rules over the repository's SQL: who may keep plans, report and
 * review; what a report must say (a measure the body is responsible for, a year the measure reports
 * on, indicator values of the indicator's unit); the derived status of measures and action items.
 * Every write is one transaction with its audit entry (field names and codes; never the texts).
 */
import { createHash } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { appendAudit, auditedTransaction, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import type { Keys } from '../../crypto/keys.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { countryToday } from '../../nrm-profile.ts';
import {
  compareNumbers,
  indicatorValueProblem,
  measureStatus,
  overdueYears,
  reportDueOn,
  reportingYears,
  STATUS_ORDER,
  type Deadline,
  type IndicatorUnit,
  type MeasureStatus,
  type ReportProgress,
  type ReviewState,
} from '../../../domain/action-plan.ts';
import { DOCUMENT_TYPES } from '../../../shared/nrm.ts';
import type {
  ActionItemView,
  CreateMeasureBody,
  CreatePlanBody,
  MeasureView,
  MeetingBody,
  MeetingView,
  MyView,
  PlanView,
  ReportView,
  ResubmitReportBody,
  ReviewBody,
  SubmitReportBody,
  UpdateIndicatorBody,
  UpdateMeasureBody,
  UpdatePlanBody,
} from '../../../shared/schemas/action-plan.ts';
import { figureLinkProblems, type FigureLink } from '../../../shared/statistics-figures.ts';
import { computeFigures, latestEndedYear, linkOf, mayReadFigures } from './figures.ts';
import { sniffType } from '../press/source-files.ts';
import { mayManage, mayRead, mayReadAll, mayReadReportOf, mayReport } from './policy.ts';
import * as repo from './repository.ts';

/** Days before a report's or action item's due day that the responsible body is reminded. */
export const ACTION_PLAN_REMINDER_DAYS = 14;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (field: string, message: string) => badRequest('validation_failed', `Invalid ${field}: ${message}`, { [field]: message });
/** Several fields at once, the first named in the message. */
const invalidFields = (fields: Record<string, string>) => {
  const [first, message] = Object.entries(fields)[0]!;
  return badRequest('validation_failed', `Invalid ${first}: ${message}`, fields);
};

/**
 * An indicator's source as given: manual (no table), or a link to a national figure whose table,
 * key and unit are checked (`figureLinkProblems`). Problems are named under `prefix`
 * (`indicators.0.statisticsKey.sex`).
 */
export function indicatorLink(ind: { unit: IndicatorUnit; statisticsTable?: string | null; statisticsKey?: Record<string, string> }, prefix: string): FigureLink | null {
  if (!ind.statisticsTable) {
    if (ind.statisticsKey && Object.keys(ind.statisticsKey).length > 0) throw invalid(`${prefix}statisticsTable`, 'give the table the key is of');
    return null;
  }
  const link = { table: ind.statisticsTable, key: ind.statisticsKey ?? {} };
  const problems = figureLinkProblems(link, ind.unit);
  if (Object.keys(problems).length) throw invalidFields(Object.fromEntries(Object.entries(problems).map(([k, v]) => [`${prefix}${k}`, v])));
  return link;
}

/**
 * `auditedTransaction`, or within the caller's transaction when given one (the import adds many
 * measures in one transaction, all or nothing).
 */
async function audited<T>(db: Db | Tx, actor: AuditActor, work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>): Promise<T> {
  if (!db.isTransaction) return auditedTransaction(db as Db, actor, work);
  const { result, audit } = await work(db as Tx);
  for (const entry of Array.isArray(audit) ? audit : [audit]) await appendAudit(db as Tx, actor, entry);
  return result;
}

function needRead(p: Principal) {
  if (!mayRead(p)) throw forbidden('The action plan is for the coordinator\'s office, the responsible bodies\' focal points, analysts and auditors');
}
function needManage(p: Principal) {
  if (!mayManage(p)) throw forbidden('Only the coordinator\'s office keeps the action plan');
}

// ------------------------------------------------------------------------------------------------
// Views

export function deadlineOf(m: Pick<repo.MeasureRow, 'deadlineKind' | 'deadlineOn' | 'deadlineYear' | 'deadlineFromYear' | 'deadlineToYear'>): Deadline {
  switch (m.deadlineKind) {
    case 'date':
      return { kind: 'date', on: m.deadlineOn! };
    case 'year':
      return { kind: 'year', year: m.deadlineYear! };
    case 'period':
      return { kind: 'period', fromYear: m.deadlineFromYear!, toYear: m.deadlineToYear! };
    default:
      return { kind: 'continuous' };
  }
}

const frameOf = (m: { startYear: number; endYear: number; reportDueDays: number }) => ({ startYear: m.startYear, endYear: m.endYear, reportDueDays: m.reportDueDays });
const factsOf = (reports: readonly repo.ReportRow[]) => reports.map((r) => ({ period: r.period, progress: r.progress as ReportProgress, review: r.review as ReviewState }));
const summary = (r: repo.ReportRow) => ({ id: r.id, agencyId: r.agencyId, agencyName: r.agencyName, period: r.period, progress: r.progress as ReportProgress, review: r.review as ReviewState, submittedAt: r.submittedAt.toISOString() });

/**
 * Measure views with their derived status; reports shown are those the principal may read. With
 * `figures`, each indicator linked to the statistics carries its figure for the measure's latest
 * ended reporting year (the tables of each year computed once).
 */
async function measureViews(db: DbOrTx, p: Principal, rows: readonly repo.MeasureRow[], today: string, figures = false): Promise<MeasureView[]> {
  const ids = rows.map((m) => m.id);
  const [co, inds, reports, goalRows] = await Promise.all([
    repo.coAgencies(db, ids),
    repo.indicators(db, ids),
    repo.reportSummaries(db, { measureIds: ids }),
    repo.goals(db, [...new Set(rows.map((m) => m.planId))]),
  ]);
  const goals = new Map(goalRows.map((g) => [g.id, g]));
  const latest = new Map<string, { value: number; period: number }>();
  if (figures) {
    for (const v of await repo.acceptedValues(db, inds.map((i) => i.id))) {
      if (!latest.has(v.indicatorId) && mayReadReportOf(p, v.agencyId)) latest.set(v.indicatorId, { value: Number(v.value), period: v.period });
    }
  }
  const byId = new Map(rows.map((m) => [m.id, m]));
  // The figures are exact national statistics: only for those who may read them (a focal point sees
  // that one is withheld, in the lists too, where no figure is computed for anyone).
  const withheld = !mayReadFigures(p);
  const computed = figures && !withheld
    ? await computeFigures(
        db,
        inds.flatMap((i) => {
          const link = linkOf(i);
          const m = byId.get(i.measureId)!;
          return link ? [{ id: i.id, link, year: latestEndedYear(deadlineOf(m), frameOf(m), today) }] : [];
        }),
      )
    : new Map<string, { value: number; period: number }>();
  return rows.map((m) => {
    const deadline = deadlineOf(m);
    const plan = frameOf(m);
    const lead = reports.filter((r) => r.measureId === m.id && r.agencyId === m.responsibleAgencyId);
    const facts = factsOf(lead);
    const g = m.goalId ? goals.get(m.goalId) : undefined;
    return {
      id: m.id,
      planId: m.planId,
      number: m.number,
      goal: g ? { id: g.id, number: g.number, title: g.title } : null,
      text: m.text,
      responsibleAgency: { id: m.responsibleAgencyId, name: m.agencyName, shortName: m.agencyShortName },
      coResponsibleAgencies: co.filter((c) => c.measureId === m.id).map((c) => ({ id: c.id, name: c.name, shortName: c.shortName })),
      deadline,
      expectedResult: m.expectedResult,
      indicators: inds
        .filter((i) => i.measureId === m.id)
        .map((i) => ({ id: i.id, definition: i.definition, unit: i.unit as IndicatorUnit, baseline: i.baseline, target: i.target, statisticsTable: i.statisticsTable, statisticsKey: i.statisticsKey, latest: latest.get(i.id) ?? null, computed: computed.get(i.id) ?? null, figureWithheld: withheld && i.statisticsTable !== null })),
      status: measureStatus({ deadline, plan, reports: facts, today, dropped: m.droppedAt !== null, periodic: true }),
      overdueYears: m.droppedAt ? [] : overdueYears({ deadline, plan, reports: facts, today }),
      reportingYears: reportingYears(deadline, plan),
      dropReason: m.dropReason,
      reports: reports.filter((r) => r.measureId === m.id && mayReadReportOf(p, r.agencyId)).map(summary),
      version: m.version,
    };
  });
}

function emptyCounts(): Record<MeasureStatus, number> {
  return { not_started: 0, on_track: 0, late: 0, done: 0, dropped: 0 };
}

function planView(r: repo.PlanRow, measures: readonly MeasureView[]): PlanView {
  const statusCounts = emptyCounts();
  for (const m of measures) statusCounts[m.status]++;
  return {
    id: r.id,
    title: r.title,
    actType: r.actType as PlanView['actType'],
    actNumber: r.actNumber,
    actDate: r.actDate,
    startYear: r.startYear,
    endYear: r.endYear,
    status: r.status as PlanView['status'],
    predecessorId: r.predecessorId,
    predecessorTitle: r.predecessorTitle,
    reportDueDays: r.reportDueDays,
    version: r.version,
    measures: measures.length,
    statusCounts,
  };
}

export async function listPlans(db: Db, p: Principal): Promise<PlanView[]> {
  needRead(p);
  const [plans, today] = await Promise.all([repo.findPlans(db), countryToday(db)]);
  const measures = await measureViews(db, p, await repo.measuresQuery(db, { planIds: plans.map((x) => x.id) }), today);
  return plans.map((pl) => planView(pl, measures.filter((m) => m.planId === pl.id)));
}

export async function getPlan(db: Db, p: Principal, id: string, q: { order: 'late_first' | 'number'; agencyId?: string; status?: MeasureStatus }) {
  needRead(p);
  if (!UUID.test(id)) throw notFound('Plan');
  const [plan] = await repo.findPlans(db, id);
  if (!plan) throw notFound('Plan');
  const today = await countryToday(db);
  const all = await measureViews(db, p, await repo.measuresQuery(db, { planIds: [id] }), today, true);
  let measures = all.filter((m) => (!q.agencyId || m.responsibleAgency.id === q.agencyId || m.coResponsibleAgencies.some((a) => a.id === q.agencyId)) && (!q.status || m.status === q.status));
  measures = measures.sort((a, b) => (q.order === 'late_first' ? STATUS_ORDER[a.status] - STATUS_ORDER[b.status] : 0) || compareNumbers(a.number, b.number));
  const goals = (await repo.goals(db, [id])).sort((a, b) => compareNumbers(a.number, b.number));
  return { plan: planView(plan, all), goals: goals.map((g) => ({ id: g.id, number: g.number, title: g.title })), measures };
}

export async function getMeasure(db: Db, p: Principal, id: string): Promise<MeasureView> {
  needRead(p);
  if (!UUID.test(id)) throw notFound('Measure');
  const rows = await repo.measuresQuery(db, { ids: [id] });
  if (rows.length === 0) throw notFound('Measure');
  return (await measureViews(db, p, rows, await countryToday(db), true))[0]!;
}

// ------------------------------------------------------------------------------------------------
// Plans, goals, measures

async function checkAgency(db: DbOrTx, id: string, field: string) {
  const [a] = await repo.agencies(db, [id]);
  if (!a || a.disabledAt) throw invalid(field, 'no such agency');
}

async function checkPredecessor(db: DbOrTx, id: string | null | undefined, self?: string) {
  if (!id) return;
  if (id === self) throw invalid('predecessorId', 'a plan cannot follow itself');
  if ((await repo.findPlans(db, id)).length === 0) throw invalid('predecessorId', 'no such plan');
}

export async function createPlan(db: Db, p: Principal, actor: AuditActor, b: CreatePlanBody): Promise<{ id: string; version: number }> {
  needManage(p);
  if (b.endYear < b.startYear) throw invalid('endYear', 'before the start year');
  await checkPredecessor(db, b.predecessorId);
  return auditedTransaction(db, actor, async (tx) => {
    const row = await tx
      .insertInto('actionPlans')
      .values({ title: b.title, actType: b.actType, actNumber: b.actNumber ?? null, actDate: b.actDate ?? null, startYear: b.startYear, endYear: b.endYear, status: b.status, predecessorId: b.predecessorId ?? null, reportDueDays: b.reportDueDays, createdBy: p.userId })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    return {
      result: row,
      audit: { action: 'action_plan.plan_created', recordType: 'action_plan', recordId: row.id, changes: { title: { changed: true }, actType: b.actType, status: b.status, predecessorId: b.predecessorId ?? null, startYear: { changed: true }, endYear: { changed: true } } },
    };
  });
}

export async function updatePlan(db: Db, p: Principal, actor: AuditActor, id: string, b: UpdatePlanBody): Promise<{ id: string; version: number }> {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Plan');
  return auditedTransaction(db, actor, async (tx) => {
    const locked = await repo.lockPlan(tx, id);
    if (!locked) throw notFound('Plan');
    if (locked.version !== b.version) throw conflict('stale_version', 'The plan was changed since you read it: reload it', { version: 'stale' });
    const [before] = await repo.findPlans(tx, id);
    const start = b.startYear ?? locked.startYear;
    const end = b.endYear ?? locked.endYear;
    if (end < start) throw invalid('endYear', 'before the start year');
    await checkPredecessor(tx, b.predecessorId, id);
    const { version: _v, ...fields } = b;
    const row = await tx.updateTable('actionPlans').set({ ...fields, version: locked.version + 1, updatedAt: new Date() }).where('id', '=', id).returning(['id', 'version']).executeTakeFirstOrThrow();
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      const old = (before as Record<string, unknown>)[k];
      if (v !== undefined && v !== old) changes[k] = k === 'status' || k === 'actType' || k === 'predecessorId' ? { old, new: v } : { changed: true };
    }
    return { result: row, audit: { action: 'action_plan.plan_updated', recordType: 'action_plan', recordId: id, changes: { ...changes, version: row.version } } };
  });
}

export async function addGoal(db: Db | Tx, p: Principal, actor: AuditActor, planId: string, b: { number: string; title: string }): Promise<{ id: string }> {
  needManage(p);
  if (!UUID.test(planId)) throw notFound('Plan');
  return audited(db, actor, async (tx) => {
    if (!(await repo.lockPlan(tx, planId))) throw notFound('Plan');
    if (await tx.selectFrom('actionPlanGoals').select('id').where('planId', '=', planId).where('number', '=', b.number).executeTakeFirst()) throw conflict('duplicate_number', `Goal ${b.number} already exists in this plan`, { number: 'already in use' });
    const row = await tx.insertInto('actionPlanGoals').values({ planId, number: b.number, title: b.title }).returning('id').executeTakeFirstOrThrow();
    return { result: row, audit: { action: 'action_plan.goal_created', recordType: 'action_plan', recordId: planId, changes: { goalId: row.id, title: { changed: true } } } };
  });
}

/** Changes a goal's number and title; a number another goal of the plan has is refused (409 naming `number`). */
export async function updateGoal(db: Db, p: Principal, actor: AuditActor, id: string, b: { number: string; title: string }): Promise<{ id: string }> {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Goal');
  return audited(db, actor, async (tx) => {
    const found = await tx.selectFrom('actionPlanGoals').select('planId').where('id', '=', id).executeTakeFirst();
    if (!found) throw notFound('Goal');
    // The plan first, as adding a goal does: two changes of one plan's numbers wait for each other
    // and the second sees the first's number (409), never the unique index (a 500).
    await repo.lockPlan(tx, found.planId);
    const goal = await tx.selectFrom('actionPlanGoals').select(['id', 'planId', 'number', 'title']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!goal) throw notFound('Goal');
    if (await tx.selectFrom('actionPlanGoals').select('id').where('planId', '=', goal.planId).where('number', '=', b.number).where('id', '<>', id).executeTakeFirst()) throw conflict('duplicate_number', `Goal ${b.number} already exists in this plan`, { number: 'already in use' });
    await tx.updateTable('actionPlanGoals').set({ number: b.number, title: b.title }).where('id', '=', id).execute();
    const fields = [...(goal.number !== b.number ? ['number'] : []), ...(goal.title !== b.title ? ['title'] : [])];
    return { result: { id }, audit: { action: 'action_plan.goal_changed', recordType: 'action_plan', recordId: goal.planId, changes: { goalId: id, fields } } };
  });
}

/** Adds a measure with its co-responsible bodies and indicators. */
export async function addMeasure(db: Db | Tx, p: Principal, actor: AuditActor, planId: string, b: CreateMeasureBody): Promise<{ id: string }> {
  needManage(p);
  if (!UUID.test(planId)) throw notFound('Plan');
  if (b.deadline.kind === 'period' && b.deadline.toYear < b.deadline.fromYear) throw invalid('deadline.toYear', 'before the first year');
  if (new Set(b.coResponsibleAgencyIds).size !== b.coResponsibleAgencyIds.length) throw invalid('coResponsibleAgencyIds', 'an agency is named twice');
  b.coResponsibleAgencyIds.forEach((a, i) => {
    if (a === b.responsibleAgencyId) throw invalid(`coResponsibleAgencyIds.${i}`, 'the responsible agency is not also co-responsible');
  });
  b.indicators.forEach((ind, i) => {
    for (const k of ['baseline', 'target'] as const) {
      const v = ind[k];
      const problem = v === null || v === undefined ? null : indicatorValueProblem(ind.unit, v);
      if (problem) throw invalid(`indicators.${i}.${k}`, problem);
    }
  });
  const links = b.indicators.map((ind, i) => indicatorLink(ind, `indicators.${i}.`));
  return audited(db, actor, async (tx) => {
    if (!(await repo.lockPlan(tx, planId))) throw notFound('Plan');
    await checkAgency(tx, b.responsibleAgencyId, 'responsibleAgencyId');
    for (const [i, a] of b.coResponsibleAgencyIds.entries()) await checkAgency(tx, a, `coResponsibleAgencyIds.${i}`);
    if (b.goalId && !(await tx.selectFrom('actionPlanGoals').select('id').where('id', '=', b.goalId).where('planId', '=', planId).executeTakeFirst())) throw invalid('goalId', 'not a goal of this plan');
    const d = b.deadline;
    if (await tx.selectFrom('actionPlanMeasures').select('id').where('planId', '=', planId).where('number', '=', b.number).executeTakeFirst()) throw conflict('duplicate_number', `Measure ${b.number} already exists in this plan`, { number: 'already in use' });
    const row = await tx
      .insertInto('actionPlanMeasures')
      .values({
        planId,
        goalId: b.goalId ?? null,
        number: b.number,
        text: b.text,
        responsibleAgencyId: b.responsibleAgencyId,
        deadlineKind: d.kind,
        deadlineOn: d.kind === 'date' ? d.on : null,
        deadlineYear: d.kind === 'year' ? d.year : null,
        deadlineFromYear: d.kind === 'period' ? d.fromYear : null,
        deadlineToYear: d.kind === 'period' ? d.toYear : null,
        expectedResult: b.expectedResult ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (b.coResponsibleAgencyIds.length) await tx.insertInto('actionPlanMeasureAgencies').values(b.coResponsibleAgencyIds.map((agencyId) => ({ measureId: row.id, agencyId }))).execute();
    if (b.indicators.length)
      await tx
        .insertInto('actionPlanIndicators')
        .values(
          b.indicators.map((ind, position) => {
            const link = links[position];
            return { measureId: row.id, position, definition: ind.definition, unit: ind.unit, baseline: ind.baseline ?? null, target: ind.target ?? null, statisticsTable: link?.table ?? null, statisticsKey: link ? JSON.stringify(link.key) : null };
          }),
        )
        .execute();
    return {
      result: row,
      audit: {
        action: 'action_plan.measure_created',
        recordType: 'action_plan_measure',
        recordId: row.id,
        changes: { planId, goalId: b.goalId ?? null, text: { changed: true }, responsibleAgencyId: b.responsibleAgencyId, coResponsibleAgencyIds: b.coResponsibleAgencyIds, deadlineType: d.kind, indicatorCount: b.indicators.length, statisticsTables: links.map((l) => l?.table ?? null) },
      },
    };
  });
}

/**
 * Changes a measure (the coordinator's office): text, goal, agencies, deadline, expected result.
 * Reports already sent stay; the status is derived again from the new deadline and agencies.
 */
export async function updateMeasure(db: Db, p: Principal, actor: AuditActor, id: string, b: UpdateMeasureBody): Promise<{ id: string; version: number }> {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Measure');
  if (b.deadline?.kind === 'period' && b.deadline.toYear < b.deadline.fromYear) throw invalid('deadline.toYear', 'before the first year');
  return auditedTransaction(db, actor, async (tx) => {
    const m = await tx.selectFrom('actionPlanMeasures').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!m) throw notFound('Measure');
    if (m.version !== b.version) throw conflict('stale_version', 'The measure was changed since you read it: reload it', { version: 'stale' });
    const lead = b.responsibleAgencyId ?? m.responsibleAgencyId;
    if (b.responsibleAgencyId) await checkAgency(tx, b.responsibleAgencyId, 'responsibleAgencyId');
    const oldCo = (await repo.coAgencies(tx, [id])).map((c) => c.id).sort();
    const co = b.coResponsibleAgencyIds ?? oldCo;
    if (new Set(co).size !== co.length) throw invalid('coResponsibleAgencyIds', 'an agency is named twice');
    for (const [i, a] of co.entries()) {
      if (a === lead) throw invalid(`coResponsibleAgencyIds.${i}`, 'the responsible agency is not also co-responsible');
      if (b.coResponsibleAgencyIds) await checkAgency(tx, a, `coResponsibleAgencyIds.${i}`);
    }
    if (b.goalId && !(await tx.selectFrom('actionPlanGoals').select('id').where('id', '=', b.goalId).where('planId', '=', m.planId).executeTakeFirst())) throw invalid('goalId', 'not a goal of this plan');
    const d = b.deadline;
    const row = await tx
      .updateTable('actionPlanMeasures')
      .set({
        ...(b.text !== undefined ? { text: b.text } : {}),
        ...(b.goalId !== undefined ? { goalId: b.goalId } : {}),
        ...(b.expectedResult !== undefined ? { expectedResult: b.expectedResult } : {}),
        responsibleAgencyId: lead,
        ...(d
          ? { deadlineKind: d.kind, deadlineOn: d.kind === 'date' ? d.on : null, deadlineYear: d.kind === 'year' ? d.year : null, deadlineFromYear: d.kind === 'period' ? d.fromYear : null, deadlineToYear: d.kind === 'period' ? d.toYear : null }
          : {}),
        version: m.version + 1,
        updatedAt: new Date(),
      })
      .where('id', '=', id)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    if (b.coResponsibleAgencyIds) {
      await tx.deleteFrom('actionPlanMeasureAgencies').where('measureId', '=', id).execute();
      if (co.length) await tx.insertInto('actionPlanMeasureAgencies').values(co.map((agencyId) => ({ measureId: id, agencyId }))).execute();
    }
    const changes: Record<string, unknown> = { version: row.version };
    if (b.text !== undefined && b.text !== m.text) changes.text = { changed: true };
    if (b.expectedResult !== undefined && b.expectedResult !== m.expectedResult) changes.expectedResult = { changed: true };
    if (b.goalId !== undefined && b.goalId !== m.goalId) changes.goalId = { old: m.goalId, new: b.goalId };
    if (lead !== m.responsibleAgencyId) changes.responsibleAgencyId = { old: m.responsibleAgencyId, new: lead };
    if (b.coResponsibleAgencyIds && [...co].sort().join() !== oldCo.join()) changes.coResponsibleAgencyIds = { old: oldCo, new: [...co].sort() };
    if (d) changes.deadlineType = { old: m.deadlineKind, new: d.kind };
    return { result: row, audit: { action: 'action_plan.measure_updated', recordType: 'action_plan_measure', recordId: id, changes } };
  });
}

export async function dropMeasure(db: Db, p: Principal, actor: AuditActor, id: string, reason: string) {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Measure');
  return auditedTransaction(db, actor, async (tx) => {
    const m = await tx.selectFrom('actionPlanMeasures').select(['id', 'droppedAt', 'version']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!m) throw notFound('Measure');
    if (m.droppedAt) throw conflict('already_dropped', 'The measure was already dropped');
    await tx.updateTable('actionPlanMeasures').set({ droppedAt: new Date(), droppedBy: p.userId, dropReason: reason, version: m.version + 1, updatedAt: new Date() }).where('id', '=', id).execute();
    return { result: { ok: true as const }, audit: { action: 'action_plan.measure_dropped', recordType: 'action_plan_measure', recordId: id, purpose: reason, changes: { droppedAt: { changed: true } } } };
  });
}

/**
 * Changes an indicator (the coordinator's office): its definition, unit, baseline, target and source
 * (manual, or a figure of the national statistics). `version` is the measure's, which it bumps. A new
 * unit must hold the values already reported (400 naming `unit`), and a link its unit.
 */
export async function updateIndicator(db: Db, p: Principal, actor: AuditActor, id: string, b: UpdateIndicatorBody): Promise<{ id: string; version: number }> {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Indicator');
  return auditedTransaction(db, actor, async (tx) => {
    const found = await repo.lockIndicator(tx, id);
    if (!found) throw notFound('Indicator');
    const { indicator: ind, measure: m } = found;
    if (m.version !== b.version) throw conflict('stale_version', 'The measure was changed since you read it: reload it', { version: 'stale' });
    if (m.droppedAt) throw conflict('measure_dropped', 'The measure was dropped', { measureId: 'dropped' });
    const unit = b.unit ?? (ind.unit as IndicatorUnit);
    const baseline = b.baseline !== undefined ? b.baseline : ind.baseline;
    const target = b.target !== undefined ? b.target : ind.target;
    for (const [k, v] of [['baseline', baseline], ['target', target]] as const) {
      const problem = v === null ? null : indicatorValueProblem(unit, v);
      if (problem) throw invalid(b[k] !== undefined ? k : 'unit', b[k] !== undefined ? problem : `the ${k} ${v} does not fit: ${problem}`);
    }
    if (unit !== ind.unit) {
      const misfit = (await repo.reportedValuesOf(tx, id)).find((v) => indicatorValueProblem(unit, Number(v.value)) !== null);
      if (misfit) throw invalid('unit', `a value already reported (${misfit.value}) does not fit: ${indicatorValueProblem(unit, Number(misfit.value))}`);
    }
    const oldLink = linkOf(ind);
    // The link as changed (a table with its key; a key alone keeps the table; null: manual), checked with the unit.
    const table = b.statisticsTable !== undefined ? b.statisticsTable : b.statisticsKey !== undefined && !oldLink ? null : (oldLink?.table ?? null);
    const key = b.statisticsKey ?? (b.statisticsTable === undefined ? oldLink?.key : undefined);
    const link = indicatorLink({ unit, statisticsTable: table, statisticsKey: key }, '');
    await tx
      .updateTable('actionPlanIndicators')
      .set({
        ...(b.definition !== undefined ? { definition: b.definition } : {}),
        unit,
        baseline,
        target,
        statisticsTable: link?.table ?? null,
        statisticsKey: link ? JSON.stringify(link.key) : null,
      })
      .where('id', '=', id)
      .execute();
    const row = await tx.updateTable('actionPlanMeasures').set({ version: m.version + 1, updatedAt: new Date() }).where('id', '=', m.id).returning(['id', 'version']).executeTakeFirstOrThrow();
    const fields = [
      ...(b.definition !== undefined && b.definition !== ind.definition ? ['definition'] : []),
      ...(unit !== ind.unit ? ['unit'] : []),
      ...(baseline !== ind.baseline ? ['baseline'] : []),
      ...(target !== ind.target ? ['target'] : []),
      ...(JSON.stringify(link) !== JSON.stringify(oldLink) ? ['statistics'] : []),
    ];
    return {
      result: { id, version: row.version },
      audit: {
        action: 'action_plan.indicator_changed',
        recordType: 'action_plan_measure',
        recordId: m.id,
        changes: { indicatorId: id, fields, ...(unit !== ind.unit ? { unit: { old: ind.unit, new: unit } } : {}), statisticsTable: { old: oldLink?.table ?? null, new: link?.table ?? null }, statisticsDimensions: { old: oldLink ? Object.keys(oldLink.key) : null, new: link ? Object.keys(link.key) : null }, version: row.version },
      },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Progress reports

function checkValues(values: readonly { indicatorId: string; value: number }[], indicators: readonly { id: string; unit: string }[]) {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    const ind = indicators.find((x) => x.id === v.indicatorId);
    if (!ind) throw invalid(`indicatorValues.${i}.indicatorId`, 'not an indicator of this measure');
    if (seen.has(v.indicatorId)) throw invalid(`indicatorValues.${i}.indicatorId`, 'reported twice');
    seen.add(v.indicatorId);
    const problem = indicatorValueProblem(ind.unit as IndicatorUnit, v.value);
    if (problem) throw invalid(`indicatorValues.${i}.value`, problem);
  });
}

export async function submitReport(db: Db, p: Principal, actor: AuditActor, b: SubmitReportBody): Promise<{ id: string; version: number }> {
  if (!mayReport(p)) throw forbidden('Only a responsible body\'s focal point reports progress');
  if ((b.measureId === undefined) === (b.actionItemId === undefined)) throw invalid('measureId', 'give a measure or an action item, not both');
  return auditedTransaction(db, actor, async (tx) => {
    let period: number;
    if (b.measureId) {
      const [m] = await repo.measuresQuery(tx, { ids: [b.measureId] });
      if (!m) throw invalid('measureId', 'no such measure');
      const co = await repo.coAgencies(tx, [m.id]);
      if (m.responsibleAgencyId !== p.agencyId && !co.some((c) => c.id === p.agencyId)) throw invalid('measureId', 'your agency is not responsible for this measure');
      if (m.droppedAt) throw conflict('measure_dropped', 'The measure was dropped: no more reports', { measureId: 'dropped' });
      if (m.planStatus === 'draft') throw conflict('plan_not_adopted', 'The plan is a draft: nothing to report yet', { measureId: 'plan not adopted' });
      if (b.period === undefined) throw invalid('period', 'required for a measure');
      if (!reportingYears(deadlineOf(m), frameOf(m)).includes(b.period)) throw invalid('period', 'the measure does not report on this year');
      period = b.period;
      checkValues(b.indicatorValues, await repo.indicators(tx, [m.id]));
    } else {
      const [item] = await repo.actionItems(tx, { ids: [b.actionItemId!] });
      if (!item) throw invalid('actionItemId', 'no such action item');
      if (item.agencyId !== p.agencyId) throw invalid('actionItemId', 'the action item is not assigned to your agency');
      if (item.droppedAt) throw conflict('action_item_dropped', 'The action item was dropped', { actionItemId: 'dropped' });
      if (b.indicatorValues.length) throw invalid('indicatorValues', 'an action item has no indicators');
      period = Number(item.dueOn.slice(0, 4));
    }
    const existing = await tx
      .selectFrom('actionPlanReports')
      .select(['id', 'review'])
      .where('agencyId', '=', p.agencyId)
      .where((eb) => (b.measureId ? eb.and([eb('measureId', '=', b.measureId), eb('period', '=', period)]) : eb('actionItemId', '=', b.actionItemId!)))
      .executeTakeFirst();
    if (existing) throw conflict('report_exists', existing.review === 'returned' ? 'Your agency\'s report was sent back: change and resubmit it' : 'Your agency already reported on this', { reportId: existing.id });
    const row = await tx
      .insertInto('actionPlanReports')
      .values({ measureId: b.measureId ?? null, actionItemId: b.actionItemId ?? null, agencyId: p.agencyId, period, progress: b.progress, narrative: b.narrative, submittedBy: p.userId })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    await repo.replaceValues(tx, row.id, b.indicatorValues);
    return {
      result: row,
      audit: {
        action: 'action_plan.report_submitted',
        recordType: 'action_plan_report',
        recordId: row.id,
        changes: { measureId: b.measureId ?? null, actionItemId: b.actionItemId ?? null, agencyId: p.agencyId, periodYear: { changed: true }, progressStatus: b.progress, narrative: { changed: true }, indicatorCount: b.indicatorValues.length },
      },
    };
  });
}

export async function resubmitReport(db: Db, p: Principal, actor: AuditActor, id: string, b: ResubmitReportBody): Promise<{ id: string; version: number }> {
  if (!mayReport(p)) throw forbidden('Only a responsible body\'s focal point reports progress');
  if (!UUID.test(id)) throw notFound('Report');
  return auditedTransaction(db, actor, async (tx) => {
    const r = await repo.lockReport(tx, id);
    if (!r || r.agencyId !== p.agencyId) throw notFound('Report');
    if (r.review === 'accepted') throw conflict('report_accepted', 'An accepted report is final', { reportId: 'accepted' });
    if (r.version !== b.version) throw conflict('stale_version', 'The report was changed since you read it: reload it', { version: 'stale' });
    if (r.measureId) checkValues(b.indicatorValues, await repo.indicators(tx, [r.measureId]));
    else if (b.indicatorValues.length) throw invalid('indicatorValues', 'an action item has no indicators');
    const row = await tx
      .updateTable('actionPlanReports')
      .set({ progress: b.progress, narrative: b.narrative, review: 'submitted', submittedBy: p.userId, submittedAt: new Date(), version: r.version + 1 })
      .where('id', '=', id)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    await repo.replaceValues(tx, id, b.indicatorValues);
    return {
      result: row,
      audit: {
        action: 'action_plan.report_resubmitted',
        recordType: 'action_plan_report',
        recordId: id,
        changes: { reviewStatus: { old: r.review, new: 'submitted' }, ...(r.progress !== b.progress ? { progressStatus: { old: r.progress, new: b.progress } } : {}), ...(r.narrative !== b.narrative ? { narrative: { changed: true } } : {}), version: row.version },
      },
    };
  });
}

export async function reviewReport(db: Db, p: Principal, actor: AuditActor, id: string, b: ReviewBody): Promise<{ id: string; version: number }> {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Report');
  if (b.decision === 'return' && !b.reason) throw invalid('reason', 'say why the report is sent back');
  return auditedTransaction(db, actor, async (tx) => {
    const r = await repo.lockReport(tx, id);
    if (!r) throw notFound('Report');
    if (r.version !== b.version) throw conflict('stale_version', 'The report was changed since you read it: reload it', { version: 'stale' });
    if (r.review !== 'submitted') throw conflict('not_submitted', r.review === 'accepted' ? 'The report was already accepted' : 'The report was sent back and waits for the body', { reportId: r.review });
    const review = b.decision === 'accept' ? 'accepted' : 'returned';
    const row = await tx
      .updateTable('actionPlanReports')
      .set({ review, reviewedBy: p.userId, reviewedAt: new Date(), returnReason: b.decision === 'return' ? b.reason! : null, version: r.version + 1 })
      .where('id', '=', id)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    return {
      result: row,
      audit: {
        action: b.decision === 'accept' ? 'action_plan.report_accepted' : 'action_plan.report_returned',
        recordType: 'action_plan_report',
        recordId: id,
        changes: { reviewStatus: { old: 'submitted', new: review }, version: row.version },
        ...(b.reason ? { purpose: b.reason } : {}),
      },
    };
  });
}

async function readableReport(db: DbOrTx, p: Principal, id: string) {
  needRead(p);
  if (!UUID.test(id)) throw notFound('Report');
  const r = await repo.findReport(db, id);
  // A report of another body reads as not found to a focal point.
  if (!r || !mayReadReportOf(p, r.agencyId)) throw notFound('Report');
  return r;
}

export async function getReport(db: Db, p: Principal, id: string): Promise<ReportView> {
  const r = await readableReport(db, p, id);
  const [values, docs, [agency]] = await Promise.all([repo.reportValues(db, id), repo.evidence(db, id), repo.agencies(db, [r.agencyId])]);
  // A linked indicator's figure for the report's year, once the year has ended (a year under way has no figure yet).
  const ended = `${r.period}-12-31` < (await countryToday(db));
  const withheld = !mayReadFigures(p);
  const computed = withheld ? new Map<string, { value: number; period: number }>() : await computeFigures(db, values.flatMap((v) => { const link = linkOf(v); return link && ended ? [{ id: v.indicatorId, link, year: r.period }] : []; }));
  let subject: { number: string; text: string; planId: string | null };
  if (r.measureId) {
    const [m] = await repo.measuresQuery(db, { ids: [r.measureId] });
    subject = { number: m!.number, text: m!.text, planId: m!.planId };
  } else {
    const [i] = await repo.actionItems(db, { ids: [r.actionItemId!] });
    subject = { number: i!.number, text: i!.decision, planId: null };
  }
  return {
    id: r.id,
    measureId: r.measureId,
    actionItemId: r.actionItemId,
    subjectNumber: subject.number,
    subjectText: subject.text,
    planId: subject.planId,
    agencyId: r.agencyId,
    agencyName: agency!.name,
    period: r.period,
    progress: r.progress as ReportProgress,
    narrative: r.narrative,
    review: r.review as ReviewState,
    returnReason: r.returnReason,
    submittedAt: r.submittedAt.toISOString(),
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    version: r.version,
    indicatorValues: values.map((v) => ({ indicatorId: v.indicatorId, definition: v.definition, unit: v.unit as IndicatorUnit, value: v.value, statisticsTable: v.statisticsTable, computed: computed.get(v.indicatorId) ?? null, figureWithheld: withheld && v.statisticsTable !== null })),
    documents: docs.map((d) => ({ id: d.id, fileName: d.fileName, contentType: d.contentType, sizeBytes: d.sizeBytes, sha256: d.sha256, createdAt: d.createdAt.toISOString() })),
  };
}

/** Reports the principal may read, waiting for review first (the coordinator's queue), then the newest. */
export async function listReports(db: Db, p: Principal, q: { review?: ReviewState; planId?: string }) {
  needRead(p);
  const rows = await repo.reportSummaries(db, { review: q.review, ...(mayReadAll(p) ? {} : { agencyId: p.agencyId }) });
  const measureIds = [...new Set(rows.map((r) => r.measureId).filter((x): x is string => x !== null))];
  const itemIds = [...new Set(rows.map((r) => r.actionItemId).filter((x): x is string => x !== null))];
  const [measures, items] = await Promise.all([repo.measuresQuery(db, { ids: measureIds }), repo.actionItems(db, { ids: itemIds })]);
  const byMeasure = new Map(measures.map((m) => [m.id, m]));
  const byItem = new Map(items.map((i) => [i.id, i]));
  return rows
    .filter((r) => !q.planId || (r.measureId && byMeasure.get(r.measureId)?.planId === q.planId))
    .map((r) => ({ ...summary(r), subjectNumber: r.measureId ? byMeasure.get(r.measureId)!.number : byItem.get(r.actionItemId!)!.number, measureId: r.measureId, actionItemId: r.actionItemId, returnReason: r.returnReason }))
    .sort((a, b) => Number(b.review === 'submitted') - Number(a.review === 'submitted') || b.submittedAt.localeCompare(a.submittedAt));
}

// ------------------------------------------------------------------------------------------------
// Evidence files

export async function uploadEvidence(db: Db, keys: Keys, p: Principal, actor: AuditActor, reportId: string, file: { name: string; declaredType: string | undefined; content: unknown }) {
  if (!mayReport(p)) throw forbidden('Only a responsible body\'s focal point adds evidence to its reports');
  const declared = (file.declaredType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(DOCUMENT_TYPES as readonly string[]).includes(declared) || !Buffer.isBuffer(file.content)) throw new AppError('unsupported_media_type', 415, `Send the file as the body with one of the types ${DOCUMENT_TYPES.join(', ')}`);
  const content = file.content;
  if (content.length === 0) throw invalid('file', 'empty');
  const actual = sniffType(content);
  if (actual !== declared) throw invalid('file', actual ? `the content is ${actual}, not ${declared}` : `the content is not ${declared}`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return auditedTransaction(db, actor, async (tx) => {
    const r = await repo.lockReport(tx, reportId);
    if (!r || r.agencyId !== p.agencyId) throw notFound('Report');
    if (r.review === 'accepted') throw conflict('report_accepted', 'An accepted report is final', { reportId: 'accepted' });
    const row = await tx
      .insertInto('actionPlanDocuments')
      .values({ reportId, fileName: file.name, contentType: declared, sizeBytes: content.length, sha256, ciphertext: keys.encryptBytes(content), uploadedBy: p.userId })
      .returning(['id', 'fileName', 'contentType', 'sizeBytes', 'sha256', 'createdAt'])
      .executeTakeFirstOrThrow();
    return {
      result: { ...row, createdAt: row.createdAt.toISOString() },
      audit: { action: 'action_plan.evidence_uploaded', recordType: 'action_plan_report', recordId: reportId, changes: { documentId: row.id, fileName: { changed: true }, contentType: declared, sizeBytes: content.length, sha256 } },
    };
  });
}

export async function readEvidence(db: Db, keys: Keys, p: Principal, actor: AuditActor, reportId: string, documentId: string) {
  await readableReport(db, p, reportId);
  const d = await db.selectFrom('actionPlanDocuments').selectAll().where('id', '=', documentId).where('reportId', '=', reportId).executeTakeFirst();
  if (!d) throw notFound('Document');
  const content = keys.decryptBytes(d.ciphertext);
  return auditedTransaction(db, actor, async () => ({
    result: { fileName: d.fileName, contentType: d.contentType, content },
    audit: { action: 'action_plan.evidence_read', recordType: 'action_plan_report', recordId: reportId, changes: { documentId, sha256: d.sha256 } },
  }));
}

// ------------------------------------------------------------------------------------------------
// Meetings and action items

function itemView(i: repo.ActionItemRow, reports: readonly repo.ReportRow[], today: string, p: Principal): ActionItemView {
  const own = reports.filter((r) => r.actionItemId === i.id && r.agencyId === i.agencyId);
  const year = Number(i.dueOn.slice(0, 4));
  const report = own[0];
  return {
    id: i.id,
    meetingId: i.meetingId,
    meetingTitle: i.meetingTitle,
    heldOn: i.heldOn,
    number: i.number,
    decision: i.decision,
    agency: { id: i.agencyId, name: i.agencyName, shortName: i.agencyShortName },
    dueOn: i.dueOn,
    status: measureStatus({ deadline: { kind: 'date', on: i.dueOn }, plan: { startYear: year, endYear: year, reportDueDays: 0 }, reports: factsOf(own), today, dropped: i.droppedAt !== null, periodic: false }),
    dropReason: i.dropReason,
    report: report && mayReadReportOf(p, report.agencyId) ? summary(report) : null,
  };
}

async function itemViews(db: DbOrTx, p: Principal, items: readonly repo.ActionItemRow[], today: string) {
  const reports = await repo.reportSummaries(db, { actionItemIds: items.map((i) => i.id) });
  return items.map((i) => itemView(i, reports, today, p));
}

export async function createMeeting(db: Db, p: Principal, actor: AuditActor, b: MeetingBody): Promise<{ id: string }> {
  needManage(p);
  if (new Set(b.agencies.map((a) => a.agencyId)).size !== b.agencies.length) throw invalid('agencies', 'an agency is named twice');
  return auditedTransaction(db, actor, async (tx) => {
    if (b.planId && (await repo.findPlans(tx, b.planId)).length === 0) throw invalid('planId', 'no such plan');
    for (const [i, a] of b.agencies.entries()) await checkAgency(tx, a.agencyId, `agencies.${i}.agencyId`);
    for (const [i, a] of b.actionItems.entries()) {
      await checkAgency(tx, a.agencyId, `actionItems.${i}.agencyId`);
      if (a.dueOn < b.heldOn) throw invalid(`actionItems.${i}.dueOn`, 'before the meeting');
    }
    const row = await tx
      .insertInto('actionPlanMeetings')
      .values({ planId: b.planId ?? null, heldOn: b.heldOn, title: b.title, minutes: b.minutes ?? null, quorumMet: b.quorumMet, createdBy: p.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (b.agencies.length) await tx.insertInto('actionPlanMeetingAgencies').values(b.agencies.map((a) => ({ meetingId: row.id, agencyId: a.agencyId, attended: a.attended }))).execute();
    if (b.actionItems.length) await tx.insertInto('actionPlanActionItems').values(b.actionItems.map((a) => ({ meetingId: row.id, number: a.number, decision: a.decision, agencyId: a.agencyId, dueOn: a.dueOn }))).execute();
    return {
      result: row,
      audit: { action: 'action_plan.meeting_created', recordType: 'action_plan_meeting', recordId: row.id, changes: { heldOn: b.heldOn, title: { changed: true }, minutes: { changed: true }, quorumStatus: b.quorumMet ? 'met' : 'not_met', agencies: b.agencies.length, actionItemCount: b.actionItems.length } },
    };
  });
}

export async function listMeetings(db: Db, p: Principal) {
  needRead(p);
  const meetings = await db.selectFrom('actionPlanMeetings').select(['id', 'heldOn', 'title', 'quorumMet']).orderBy('heldOn', 'desc').orderBy('id').execute();
  const today = await countryToday(db);
  const items = await itemViews(db, p, await repo.actionItems(db, { meetingIds: meetings.map((m) => m.id) }), today);
  return meetings.map((m) => ({ ...m, actionItems: items.filter((i) => i.meetingId === m.id).length, lateItems: items.filter((i) => i.meetingId === m.id && i.status === 'late').length }));
}

export async function getMeeting(db: Db, p: Principal, id: string): Promise<MeetingView> {
  needRead(p);
  if (!UUID.test(id)) throw notFound('Meeting');
  const m = await db.selectFrom('actionPlanMeetings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m) throw notFound('Meeting');
  const agencies = await db.selectFrom('actionPlanMeetingAgencies as x').innerJoin('agencies as a', 'a.id', 'x.agencyId').select(['a.id', 'a.name', 'a.shortName', 'x.attended']).where('x.meetingId', '=', id).orderBy('a.name').execute();
  const items = await itemViews(db, p, await repo.actionItems(db, { meetingIds: [id] }), await countryToday(db));
  return { id: m.id, planId: m.planId, heldOn: m.heldOn, title: m.title, minutes: m.minutes, quorumMet: m.quorumMet, agencies, actionItems: items };
}

export async function dropActionItem(db: Db, p: Principal, actor: AuditActor, id: string, reason: string) {
  needManage(p);
  if (!UUID.test(id)) throw notFound('Action item');
  return auditedTransaction(db, actor, async (tx) => {
    const i = await tx.selectFrom('actionPlanActionItems').select(['id', 'droppedAt']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!i) throw notFound('Action item');
    if (i.droppedAt) throw conflict('already_dropped', 'The action item was already dropped');
    await tx.updateTable('actionPlanActionItems').set({ droppedAt: new Date(), droppedBy: p.userId, dropReason: reason }).where('id', '=', id).execute();
    return { result: { ok: true as const }, audit: { action: 'action_plan.action_item_dropped', recordType: 'action_plan_action_item', recordId: id, purpose: reason, changes: { droppedAt: { changed: true } } } };
  });
}

// ------------------------------------------------------------------------------------------------
// A body's own view: what we owe, what is late

export async function myView(db: Db, p: Principal): Promise<MyView> {
  if (!mayReport(p)) throw forbidden('This view is for a responsible body\'s focal point');
  const today = await countryToday(db);
  const [agency] = await repo.agencies(db, [p.agencyId]);
  const rows = (await repo.measuresQuery(db, { agencyId: p.agencyId })).filter((m) => m.planStatus !== 'draft');
  const measures = await measureViews(db, p, rows, today);
  const own = await repo.reportSummaries(db, { agencyId: p.agencyId });
  const horizon = new Date(`${today}T00:00:00Z`);
  horizon.setUTCDate(horizon.getUTCDate() + ACTION_PLAN_REMINDER_DAYS);
  const soon = horizon.toISOString().slice(0, 10);
  const owed: MyView['owed'] = [];
  for (const m of rows) {
    if (m.droppedAt) continue;
    const view = measures.find((v) => v.id === m.id)!;
    if (view.status === 'done') continue;
    for (const year of view.reportingYears) {
      const dueOn = reportDueOn(year, m.reportDueDays);
      // A year is owed once it has ended (reports describe a finished year) or its due day is near.
      if (`${year}-12-31` > today && dueOn > soon) continue;
      const mine = own.find((r) => r.measureId === m.id && r.period === year);
      if (mine && mine.review !== 'returned') continue;
      owed.push({ measureId: m.id, planId: m.planId, planTitle: m.planTitle, number: m.number, text: m.text, period: year, dueOn, overdue: dueOn < today, returnedReportId: mine?.id ?? null, returnReason: mine?.returnReason ?? null });
    }
  }
  owed.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn) || compareNumbers(a.number, b.number));
  const lateMeasures = measures
    .filter((m) => m.responsibleAgency.id === p.agencyId && m.status === 'late')
    .sort((a, b) => compareNumbers(a.number, b.number))
    .map((m) => ({ id: m.id, planId: m.planId, number: m.number, text: m.text, status: m.status, overdueYears: m.overdueYears, deadline: m.deadline }));
  const items = await itemViews(db, p, await repo.actionItems(db, { agencyId: p.agencyId }), today);
  const subjects = new Map<string, string>([...rows.map((m) => [m.id, m.number] as const), ...items.map((i) => [i.id, i.number] as const)]);
  return {
    agency: { id: agency!.id, name: agency!.name, shortName: agency!.shortName },
    owed,
    lateMeasures,
    actionItems: items.filter((i) => i.status !== 'dropped'),
    reports: own
      .map((r) => ({ ...summary(r), subjectNumber: subjects.get((r.measureId ?? r.actionItemId)!) ?? '', returnReason: r.returnReason }))
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)),
  };
}
