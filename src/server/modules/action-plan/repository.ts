/** All SQL of the action plan tracker: plans, goals, measures, indicators, reports, meetings, reminders. */
import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';

export type PlanRow = Awaited<ReturnType<typeof findPlans>>[number];
export type MeasureRow = Awaited<ReturnType<typeof measuresQuery>>[number];
export type ReportRow = Awaited<ReturnType<typeof reportSummaries>>[number];
export type ActionItemRow = Awaited<ReturnType<typeof actionItems>>[number];

export function findPlans(db: DbOrTx, id?: string) {
  let q = db
    .selectFrom('actionPlans as p')
    .leftJoin('actionPlans as pre', 'pre.id', 'p.predecessorId')
    .selectAll('p')
    .select('pre.title as predecessorTitle')
    .orderBy('p.startYear', 'desc')
    .orderBy('p.id');
  if (id) q = q.where('p.id', '=', id);
  return q.execute();
}

export const lockPlan = (tx: Tx, id: string) => tx.selectFrom('actionPlans').select(['id', 'version', 'startYear', 'endYear']).where('id', '=', id).forUpdate().executeTakeFirst();

export const goals = (db: DbOrTx, planIds: readonly string[]) =>
  planIds.length ? db.selectFrom('actionPlanGoals').select(['id', 'planId', 'number', 'title']).where('planId', 'in', planIds).execute() : Promise.resolve([]);

/** Measures with their responsible agency's name; by plan, by id, or of an agency (lead or co-responsible). */
export function measuresQuery(db: DbOrTx, by: { planIds?: readonly string[]; ids?: readonly string[]; agencyId?: string }) {
  let q = db
    .selectFrom('actionPlanMeasures as m')
    .innerJoin('agencies as a', 'a.id', 'm.responsibleAgencyId')
    .innerJoin('actionPlans as p', 'p.id', 'm.planId')
    .selectAll('m')
    .select(['a.name as agencyName', 'a.shortName as agencyShortName', 'p.startYear', 'p.endYear', 'p.reportDueDays', 'p.title as planTitle', 'p.status as planStatus']);
  if (by.planIds) q = by.planIds.length ? q.where('m.planId', 'in', by.planIds) : q.where(sql<boolean>`false`);
  if (by.ids) q = by.ids.length ? q.where('m.id', 'in', by.ids) : q.where(sql<boolean>`false`);
  if (by.agencyId) {
    const agencyId = by.agencyId;
    q = q.where((eb) => eb.or([eb('m.responsibleAgencyId', '=', agencyId), eb.exists(eb.selectFrom('actionPlanMeasureAgencies as x').select('x.agencyId').whereRef('x.measureId', '=', 'm.id').where('x.agencyId', '=', agencyId))]));
  }
  return q.execute();
}

export const coAgencies = (db: DbOrTx, measureIds: readonly string[]) =>
  measureIds.length
    ? db.selectFrom('actionPlanMeasureAgencies as x').innerJoin('agencies as a', 'a.id', 'x.agencyId').select(['x.measureId', 'a.id', 'a.name', 'a.shortName']).where('x.measureId', 'in', measureIds).orderBy('a.name').execute()
    : Promise.resolve([]);

export const indicators = (db: DbOrTx, measureIds: readonly string[]) =>
  measureIds.length
    ? db.selectFrom('actionPlanIndicators').select(['id', 'measureId', 'definition', 'unit', 'baseline', 'target', 'statisticsTable', 'statisticsKey']).where('measureId', 'in', measureIds).orderBy('position').orderBy('id').execute()
    : Promise.resolve([]);

/** Report summaries of measures or action items (optionally one agency's). */
export function reportSummaries(db: DbOrTx, by: { measureIds?: readonly string[]; actionItemIds?: readonly string[]; agencyId?: string; review?: string; ids?: readonly string[] }) {
  let q = db
    .selectFrom('actionPlanReports as r')
    .innerJoin('agencies as a', 'a.id', 'r.agencyId')
    .select(['r.id', 'r.measureId', 'r.actionItemId', 'r.agencyId', 'a.name as agencyName', 'r.period', 'r.progress', 'r.review', 'r.submittedAt', 'r.returnReason'])
    .orderBy('r.period')
    .orderBy('a.name');
  if (by.measureIds) q = by.measureIds.length ? q.where('r.measureId', 'in', by.measureIds) : q.where(sql<boolean>`false`);
  if (by.actionItemIds) q = by.actionItemIds.length ? q.where('r.actionItemId', 'in', by.actionItemIds) : q.where(sql<boolean>`false`);
  if (by.ids) q = by.ids.length ? q.where('r.id', 'in', by.ids) : q.where(sql<boolean>`false`);
  if (by.agencyId) q = q.where('r.agencyId', '=', by.agencyId);
  if (by.review) q = q.where('r.review', '=', by.review);
  return q.execute();
}

export const findReport = (db: DbOrTx, id: string) => db.selectFrom('actionPlanReports').selectAll().where('id', '=', id).executeTakeFirst();
export const lockReport = (tx: Tx, id: string) => tx.selectFrom('actionPlanReports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const reportValues = (db: DbOrTx, reportId: string) =>
  db
    .selectFrom('actionPlanReportValues as v')
    .innerJoin('actionPlanIndicators as i', 'i.id', 'v.indicatorId')
    .select(['v.indicatorId', 'i.definition', 'i.unit', 'v.value', 'i.statisticsTable', 'i.statisticsKey'])
    .where('v.reportId', '=', reportId)
    .orderBy('i.position')
    .execute();

export const evidence = (db: DbOrTx, reportId: string) =>
  db.selectFrom('actionPlanDocuments').select(['id', 'fileName', 'contentType', 'sizeBytes', 'sha256', 'createdAt']).where('reportId', '=', reportId).orderBy('createdAt').orderBy('id').execute();

export async function replaceValues(tx: Tx, reportId: string, values: readonly { indicatorId: string; value: number }[]) {
  await tx.deleteFrom('actionPlanReportValues').where('reportId', '=', reportId).execute();
  if (values.length) await tx.insertInto('actionPlanReportValues').values(values.map((v) => ({ reportId, indicatorId: v.indicatorId, value: v.value }))).execute();
}

/** Values of accepted reports of the indicators, the later year first, then the latest submitted, with the reporting agency. */
export const acceptedValues = (db: DbOrTx, indicatorIds: readonly string[]) =>
  indicatorIds.length
    ? db
        .selectFrom('actionPlanReportValues as v')
        .innerJoin('actionPlanReports as r', 'r.id', 'v.reportId')
        .select(['v.indicatorId', 'v.value', 'r.period', 'r.agencyId'])
        .where('v.indicatorId', 'in', indicatorIds)
        .where('r.review', '=', 'accepted')
        .orderBy('r.period', 'desc')
        .orderBy('r.submittedAt', 'desc')
        .execute()
    : Promise.resolve([]);

/** An indicator with its measure's id and version, the measure locked (an indicator changes with its measure's version). */
export async function lockIndicator(tx: Tx, id: string) {
  const ind = await tx.selectFrom('actionPlanIndicators').select(['id', 'measureId']).where('id', '=', id).executeTakeFirst();
  if (!ind) return undefined;
  const m = await tx.selectFrom('actionPlanMeasures').select(['id', 'version', 'droppedAt']).where('id', '=', ind.measureId).forUpdate().executeTakeFirstOrThrow();
  const row = await tx.selectFrom('actionPlanIndicators').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { indicator: row, measure: m };
}

/** The values reported for an indicator (any review), to check them against a new unit. */
export const reportedValuesOf = (db: DbOrTx, indicatorId: string) => db.selectFrom('actionPlanReportValues').select('value').where('indicatorId', '=', indicatorId).execute();

/** Action items with their meeting and agency; by ids, meeting, or agency. */
export function actionItems(db: DbOrTx, by: { ids?: readonly string[]; meetingIds?: readonly string[]; agencyId?: string }) {
  let q = db
    .selectFrom('actionPlanActionItems as i')
    .innerJoin('actionPlanMeetings as mt', 'mt.id', 'i.meetingId')
    .innerJoin('agencies as a', 'a.id', 'i.agencyId')
    .selectAll('i')
    .select(['mt.title as meetingTitle', 'mt.heldOn', 'a.name as agencyName', 'a.shortName as agencyShortName'])
    .orderBy('i.dueOn')
    .orderBy('i.number');
  if (by.ids) q = by.ids.length ? q.where('i.id', 'in', by.ids) : q.where(sql<boolean>`false`);
  if (by.meetingIds) q = by.meetingIds.length ? q.where('i.meetingId', 'in', by.meetingIds) : q.where(sql<boolean>`false`);
  if (by.agencyId) q = q.where('i.agencyId', '=', by.agencyId);
  return q.execute();
}

export const agencies = (db: DbOrTx, ids: readonly string[]) =>
  ids.length ? db.selectFrom('agencies').select(['id', 'name', 'shortName', 'disabledAt']).where('id', 'in', ids).execute() : Promise.resolve([]);

export const allAgencies = (db: DbOrTx) => db.selectFrom('agencies').select(['id', 'name', 'shortName']).where('disabledAt', 'is', null).execute();
