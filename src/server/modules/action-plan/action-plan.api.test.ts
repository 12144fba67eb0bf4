import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import { sweepActionPlanReminders } from './reminders.ts';

let t: TestApp;
let coordAgency: string;
let labour: { id: string; name: string };
let health: { id: string; name: string };
let education: { id: string; name: string };
let coordinator: Session & { id: string };
let labourFocal: Session & { id: string };
let labourFocal2: Session & { id: string };
let healthFocal: Session & { id: string };
let educationFocal: Session & { id: string };
let analyst: Session & { id: string };
let caseWorker: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function ok<T = { id: string; version: number }>(s: Session, method: Method, url: string, payload?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await call(s, method, url, payload);
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

const fieldsOf = (res: { json: () => unknown }) => (res.json() as { error: { fields?: Record<string, string> } }).error.fields ?? {};

let seq = 0;
async function newPlan(over: Record<string, unknown> = {}) {
  seq++;
  return (await ok(coordinator, 'POST', '/action-plan/plans', { title: `Plan ${seq}`, actType: 'presidential_order', actNumber: `${seq}`, actDate: '2026-01-10', startYear: 2026, endYear: 2028, status: 'adopted', ...over })).id;
}
async function newMeasure(planId: string, over: Record<string, unknown> = {}) {
  seq++;
  return (
    await ok(coordinator, 'POST', `/action-plan/plans/${planId}/measures`, {
      number: `1.${seq}`,
      text: 'Train labour inspectors to recognise forced labour',
      responsibleAgencyId: labour.id,
      coResponsibleAgencyIds: [health.id],
      deadline: { kind: 'year', year: 2028 },
      expectedResult: 'Inspectors trained',
      indicators: [
        { definition: 'Inspectors trained', unit: 'count', baseline: 0, target: 200 },
        { definition: 'Share of regions covered', unit: 'percentage', baseline: 10, target: 100 },
      ],
      ...over,
    })
  ).id;
}
const measure = (id: string, s: Session = coordinator) => ok<{ status: string; indicators: { id: string }[]; reports: { id: string; review: string }[]; overdueYears: number[] }>(s, 'GET', `/action-plan/measures/${id}`);
const reportCount = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM action_plan_reports`.execute(t.db)).rows[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  coordAgency = (await makeAgency(t.db, { type: 'coordinator' })).id;
  labour = await makeAgency(t.db, { type: 'government', name: 'Ministry of Labour (test)' });
  health = await makeAgency(t.db, { type: 'government', name: 'Ministry of Health (test)' });
  education = await makeAgency(t.db, { type: 'government', name: 'Ministry of Education (test)' });
  await t.db.updateTable('agencies').set({ shortName: 'MLT' }).where('id', '=', labour.id).execute();
  coordinator = await user(['coordinator'], coordAgency);
  analyst = await user(['analyst'], coordAgency);
  labourFocal = await user(['plan_focal_point'], labour.id);
  labourFocal2 = await user(['plan_focal_point'], labour.id);
  healthFocal = await user(['plan_focal_point'], health.id);
  educationFocal = await user(['plan_focal_point'], education.id);
  caseWorker = await user(['case_worker'], (await makeAgency(t.db)).id);
});
afterAll(() => t.close());

describe('plans and measures', () => {
  it('only the coordinator\'s office keeps plans; others without an action plan permission may not even read them', async () => {
    expect((await call(labourFocal, 'POST', '/action-plan/plans', { title: 'X', actType: 'law', startYear: 2026, endYear: 2027 })).statusCode).toBe(403);
    expect((await call(analyst, 'POST', '/action-plan/plans', { title: 'X', actType: 'law', startYear: 2026, endYear: 2027 })).statusCode).toBe(403);
    expect((await call(caseWorker, 'GET', '/action-plan/plans')).statusCode).toBe(403);
    const id = await newPlan();
    expect((await call(analyst, 'GET', `/action-plan/plans/${id}`)).statusCode).toBe(200);
    expect((await call(labourFocal, 'GET', `/action-plan/plans/${id}`)).statusCode).toBe(200);
    const m = await newMeasure(id);
    expect((await call(labourFocal, 'POST', `/action-plan/measures/${m}/drop`, { reason: 'no' })).statusCode).toBe(403);
  });

  it('refuses bad plans and measures naming the field, and writes nothing', async () => {
    expect(fieldsOf(await call(coordinator, 'POST', '/action-plan/plans', { title: 'X', actType: 'law', startYear: 2027, endYear: 2026 }))).toHaveProperty('endYear');
    expect(fieldsOf(await call(coordinator, 'POST', '/action-plan/plans', { title: 'X', actType: 'law', startYear: 2026, endYear: 2027, predecessorId: crypto.randomUUID() }))).toHaveProperty('predecessorId');
    const plan = await newPlan();
    const before = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM action_plan_measures`.execute(t.db)).rows[0]!.n);
    const bad = async (over: Record<string, unknown>, field: string, status = 400) => {
      const res = await call(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, { number: '9.9', text: 'x', responsibleAgencyId: labour.id, deadline: { kind: 'continuous' }, ...over });
      expect(res.statusCode, res.body).toBe(status);
      expect(Object.keys(fieldsOf(res)).join(','), res.body).toContain(field);
    };
    await bad({ responsibleAgencyId: crypto.randomUUID() }, 'responsibleAgencyId');
    await bad({ coResponsibleAgencyIds: [crypto.randomUUID()] }, 'coResponsibleAgencyIds.0');
    await bad({ coResponsibleAgencyIds: [labour.id] }, 'coResponsibleAgencyIds.0');
    await bad({ deadline: { kind: 'period', fromYear: 2028, toYear: 2026 } }, 'deadline.toYear');
    await bad({ number: '4.x' }, 'number');
    await bad({ indicators: [{ definition: 'people', unit: 'count', target: 2.5 }] }, 'indicators.0.target');
    await bad({ indicators: [{ definition: 'share', unit: 'percentage', baseline: 140 }] }, 'indicators.0.baseline');
    await bad({ goalId: crypto.randomUUID() }, 'goalId');
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM action_plan_measures`.execute(t.db)).rows[0]!.n)).toBe(before);
    await newMeasure(plan, { number: '9.9' });
    await bad({}, 'number', 409);
  });

  it('changes a measure (coordinator only, version checked); the status follows the new deadline', async () => {
    const plan = await newPlan({ startYear: 2023, endYear: 2027 });
    const m = await newMeasure(plan, { deadline: { kind: 'year', year: 2027 } });
    expect((await measure(m)).status).toBe('late'); // 2023-2025 reports missing
    expect((await call(labourFocal, 'PATCH', `/action-plan/measures/${m}`, { version: 1, text: 'x' })).statusCode).toBe(403);
    expect(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/measures/${m}`, { version: 1, coResponsibleAgencyIds: [labour.id] }))).toHaveProperty('coResponsibleAgencyIds.0');
    expect(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/measures/${m}`, { version: 1, responsibleAgencyId: crypto.randomUUID() }))).toHaveProperty('responsibleAgencyId');
    const { version } = await ok(coordinator, 'PATCH', `/action-plan/measures/${m}`, { version: 1, text: 'New wording zqwording', responsibleAgencyId: education.id, coResponsibleAgencyIds: [], deadline: { kind: 'period', fromYear: 2026, toYear: 2027 } });
    expect(version).toBe(2);
    const after = await ok<{ status: string; responsibleAgency: { id: string }; coResponsibleAgencies: unknown[]; text: string }>(coordinator, 'GET', `/action-plan/measures/${m}`);
    expect(after).toMatchObject({ status: 'not_started', responsibleAgency: { id: education.id }, coResponsibleAgencies: [], text: 'New wording zqwording' });
    expect((await call(coordinator, 'PATCH', `/action-plan/measures/${m}`, { version: 1, text: 'stale' })).statusCode).toBe(409);
    const entry = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'action_plan.measure_updated').where('recordId', '=', m).executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ text: { changed: true }, responsibleAgencyId: { old: labour.id, new: education.id }, deadlineType: { old: 'year', new: 'period' } });
    expect(JSON.stringify(entry.changes)).not.toContain('zqwording');
  });

  it('keeps a plan\'s changes from being lost (version) and records the predecessor', async () => {
    const old = await newPlan({ startYear: 2020, endYear: 2024, status: 'expired' });
    const id = await newPlan();
    const { version } = await ok(coordinator, 'PATCH', `/action-plan/plans/${id}`, { version: 1, predecessorId: old, status: 'adopted' });
    expect(version).toBe(2);
    expect((await call(coordinator, 'PATCH', `/action-plan/plans/${id}`, { version: 1, title: 'Stale' })).statusCode).toBe(409);
    expect(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/plans/${id}`, { version: 2, predecessorId: id }))).toHaveProperty('predecessorId');
    const detail = await ok<{ plan: { predecessorTitle: string; version: number } }>(coordinator, 'GET', `/action-plan/plans/${id}`);
    expect(detail.plan.predecessorTitle).toMatch(/^Plan /);
  });
});

describe('goals', () => {
  it('adds and changes a goal (coordinator only): bad input and a number already used are refused naming the field; audited without the title', async () => {
    const plan = await newPlan();
    const { id } = await ok(coordinator, 'POST', `/action-plan/plans/${plan}/goals`, { number: '1', title: 'Prevention zqgoalone' });
    await ok(coordinator, 'POST', `/action-plan/plans/${plan}/goals`, { number: '2', title: 'Protection' });
    expect(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/goals/${id}`, { number: 'one', title: 'Prevention' }))).toHaveProperty('number');
    expect(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/goals/${id}`, { number: '1', title: '' }))).toHaveProperty('title');
    const dup = await call(coordinator, 'PATCH', `/action-plan/goals/${id}`, { number: '2', title: 'Prevention' });
    expect(dup.statusCode).toBe(409);
    expect(fieldsOf(dup)).toEqual({ number: 'already in use' });
    expect((await call(labourFocal, 'PATCH', `/action-plan/goals/${id}`, { number: '1', title: 'Mine' })).statusCode).toBe(403);
    expect((await call(coordinator, 'PATCH', `/action-plan/goals/${crypto.randomUUID()}`, { number: '1', title: 'X' })).statusCode).toBe(404);
    await ok(coordinator, 'PATCH', `/action-plan/goals/${id}`, { number: '3', title: 'Prevention and awareness zqgoaltwo' });
    const goals = (await ok<{ goals: { id: string; number: string; title: string }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}`)).goals;
    expect(goals).toContainEqual({ id, number: '3', title: 'Prevention and awareness zqgoaltwo' });
    const entry = await t.db.selectFrom('auditLog').select(['changes', 'recordId']).where('action', '=', 'action_plan.goal_changed').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ recordId: plan, changes: { goalId: id, fields: ['number', 'title'] } });
    expect(JSON.stringify(await t.db.selectFrom('auditLog').select('changes').execute())).not.toContain('zqgoal');
  });
});

describe('progress reports', () => {
  it('refuses a report for a measure the agency is not responsible for, naming measureId, and writes nothing', async () => {
    const plan = await newPlan();
    const m = await newMeasure(plan);
    const before = await reportCount();
    const res = await call(educationFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'We did things' });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toHaveProperty('measureId');
    expect(fieldsOf(await call(educationFocal, 'POST', '/action-plan/reports', { measureId: crypto.randomUUID(), period: 2026, progress: 'done', narrative: 'x' }))).toHaveProperty('measureId');
    expect(fieldsOf(await call(educationFocal, 'POST', '/action-plan/reports', { period: 2026, progress: 'done', narrative: 'x' }))).toHaveProperty('measureId');
    // Only focal points report: the coordinator reviews.
    expect((await call(coordinator, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'done', narrative: 'x' })).statusCode).toBe(403);
    expect(await reportCount()).toBe(before);
  });

  it('refuses values of the wrong unit, indicators of another measure and years the measure does not report on', async () => {
    const plan = await newPlan();
    const m = await newMeasure(plan);
    const other = await newMeasure(plan);
    const [count, pct] = (await measure(m)).indicators;
    const foreign = (await measure(other)).indicators[0]!;
    const before = await reportCount();
    const bad = async (over: Record<string, unknown>, field: string) => {
      const res = await call(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'Work under way', ...over });
      expect(res.statusCode, res.body).toBe(400);
      expect(fieldsOf(res), res.body).toHaveProperty(field);
    };
    await bad({ indicatorValues: [{ indicatorId: count!.id, value: 2.5 }] }, 'indicatorValues.0.value');
    await bad({ indicatorValues: [{ indicatorId: count!.id, value: -1 }] }, 'indicatorValues.0.value');
    await bad({ indicatorValues: [{ indicatorId: count!.id, value: 3 }, { indicatorId: pct!.id, value: 120 }] }, 'indicatorValues.1.value');
    await bad({ indicatorValues: [{ indicatorId: foreign.id, value: 3 }] }, 'indicatorValues.0.indicatorId');
    await bad({ indicatorValues: [{ indicatorId: count!.id, value: 3 }, { indicatorId: count!.id, value: 4 }] }, 'indicatorValues.1.indicatorId');
    await bad({ period: 2025 }, 'period');
    await bad({ period: undefined }, 'period');
    expect(await reportCount()).toBe(before);
    const r = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'Work under way', indicatorValues: [{ indicatorId: count!.id, value: 40 }, { indicatorId: pct!.id, value: 37.5 }] });
    const view = await ok<{ indicatorValues: { value: number }[] }>(labourFocal, 'GET', `/action-plan/reports/${r.id}`);
    expect(view.indicatorValues.map((v) => v.value)).toEqual([40, 37.5]);
    // One report per agency, measure and year.
    const again = await call(labourFocal2, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'again' });
    expect(again.statusCode).toBe(409);
    expect(fieldsOf(again)).toEqual({ reportId: r.id });
    // The co-responsible agency reports its own share.
    await ok(healthFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'Health share' });
  });

  it('send back, resubmit, accept: the derived status follows only the accepted reports of the responsible agency', async () => {
    const plan = await newPlan();
    const m = await newMeasure(plan);
    expect((await measure(m)).status).toBe('not_started');
    const r = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'First draft of the report' });
    expect((await measure(m)).status).toBe('not_started');
    // The co-responsible agency's accepted report does not move the measure.
    const h = await ok(healthFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'done', narrative: 'Health share done' });
    await ok(coordinator, 'POST', `/action-plan/reports/${h.id}/review`, { version: 1, decision: 'accept' }, 200);
    expect((await measure(m)).status).toBe('not_started');

    expect(fieldsOf(await call(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'return' }))).toHaveProperty('reason');
    expect((await call(analyst, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(403);
    expect((await call(labourFocal, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'accept' })).statusCode).toBe(403);
    const sent = await ok(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'return', reason: 'Add the number of inspectors trained' }, 200);
    expect(sent.version).toBe(2);
    expect((await call(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 2, decision: 'accept' })).statusCode).toBe(409);
    const mine = await ok<{ reports: { id: string; review: string; returnReason: string | null }[] }>(labourFocal2, 'GET', '/action-plan/mine');
    expect(mine.reports.find((x) => x.id === r.id)).toMatchObject({ review: 'returned', returnReason: 'Add the number of inspectors trained' });
    // Another body's report reads as not found to a focal point; nor can it be resubmitted by them.
    expect((await call(educationFocal, 'GET', `/action-plan/reports/${r.id}`)).statusCode).toBe(404);
    expect((await call(healthFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 2, progress: 'done', narrative: 'x' })).statusCode).toBe(404);
    expect((await call(labourFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 1, progress: 'in_progress', narrative: 'x' })).statusCode).toBe(409);
    const [count] = (await measure(m)).indicators;
    expect(fieldsOf(await call(labourFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 2, progress: 'in_progress', narrative: 'x', indicatorValues: [{ indicatorId: count!.id, value: 1.5 }] }))).toHaveProperty('indicatorValues.0.value');
    const re = await ok(labourFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 2, progress: 'in_progress', narrative: 'Second version with 40 inspectors', indicatorValues: [{ indicatorId: count!.id, value: 40 }] });
    expect(re.version).toBe(3);
    await ok(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 3, decision: 'accept' }, 200);
    expect((await measure(m)).status).toBe('on_track');
    expect((await call(labourFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 4, progress: 'done', narrative: 'x' })).statusCode).toBe(409);
    const r2 = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2027, progress: 'done', narrative: 'Finished' });
    await ok(coordinator, 'POST', `/action-plan/reports/${r2.id}/review`, { version: 1, decision: 'accept' }, 200);
    expect((await measure(m)).status).toBe('done');
    // The coordinator's review queue: waiting ones first.
    const queue = await ok<{ items: { review: string }[] }>(coordinator, 'GET', '/action-plan/reports?review=accepted');
    expect(queue.items.every((x) => x.review === 'accepted')).toBe(true);
  });

  it('dropping needs a reason and the coordinator; a dropped measure takes no reports', async () => {
    const plan = await newPlan();
    const m = await newMeasure(plan);
    expect(fieldsOf(await call(coordinator, 'POST', `/action-plan/measures/${m}/drop`, { reason: '  ' }))).toHaveProperty('reason');
    await ok(coordinator, 'POST', `/action-plan/measures/${m}/drop`, { reason: 'Replaced by measure 1.2' }, 200);
    expect((await measure(m)).status).toBe('dropped');
    expect((await call(coordinator, 'POST', `/action-plan/measures/${m}/drop`, { reason: 'again' })).statusCode).toBe(409);
    expect((await call(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'done', narrative: 'x' })).statusCode).toBe(409);
  });

  it('a draft plan takes no reports', async () => {
    const m = await newMeasure(await newPlan({ status: 'draft' }));
    expect((await call(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'done', narrative: 'x' })).statusCode).toBe(409);
  });

  it('stores evidence files encrypted, checks their type, and audits without content or name', async () => {
    const m = await newMeasure(await newPlan());
    const r = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'Evidence attached' });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('training attendance sheet zqevidence')]);
    const up = (s: Session, body: Buffer, type = 'application/pdf') => t.app.inject({ method: 'POST', url: `/api/v1/action-plan/reports/${r.id}/documents?name=attendance-zqname.pdf`, headers: { ...s.headers, 'content-type': type }, payload: body });
    expect((await up(labourFocal, Buffer.from('not a pdf'))).statusCode).toBe(400);
    expect((await up(healthFocal, pdf)).statusCode).toBe(404);
    const res = await up(labourFocal, pdf);
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json() as { id: string };
    const stored = await t.db.selectFrom('actionPlanDocuments').select('ciphertext').where('id', '=', doc.id).executeTakeFirstOrThrow();
    expect(stored.ciphertext.includes(Buffer.from('zqevidence'))).toBe(false);
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/action-plan/reports/${r.id}/documents/${doc.id}/content`, headers: { cookie: coordinator.cookie } });
    expect(read.statusCode).toBe(200);
    expect(read.rawPayload.equals(pdf)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/action-plan/reports/${r.id}/documents/${doc.id}/content`, headers: { cookie: educationFocal.cookie } })).statusCode).toBe(404);
    const log = (await sql<{ row: string }>`SELECT row_to_json(a)::text AS row FROM audit_log a WHERE action LIKE 'action_plan.%'`.execute(t.db)).rows.map((x) => x.row).join('\n');
    expect(log).toContain('action_plan.evidence_uploaded');
    expect(log).toContain('action_plan.evidence_read');
    expect(log).not.toContain('zqname');
  });

  it('audits every write with the fields changed, never the narrative or the reasons', async () => {
    const m = await newMeasure(await newPlan());
    const r = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId: m, period: 2026, progress: 'in_progress', narrative: 'Secret narrative zqnarrative' });
    await ok(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'return', reason: 'Reason zqreason' }, 200);
    await ok(labourFocal, 'PUT', `/action-plan/reports/${r.id}`, { version: 2, progress: 'done', narrative: 'Changed zqchanged' });
    const rows = await t.db.selectFrom('auditLog').select(['action', 'changes', 'purpose']).where('recordId', '=', r.id).orderBy('seq').execute();
    expect(rows.map((x) => x.action)).toEqual(['action_plan.report_submitted', 'action_plan.report_returned', 'action_plan.report_resubmitted']);
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/zqnarrative|zqreason|zqchanged/);
    expect(rows[0]!.changes).toMatchObject({ narrative: { changed: true }, progressStatus: 'in_progress' });
    expect(rows[2]!.changes).toMatchObject({ narrative: { changed: true }, progressStatus: { old: 'in_progress', new: 'done' }, reviewStatus: { old: 'returned', new: 'submitted' } });
  });
});

describe('views', () => {
  it('the coordinator sees late measures first; a ministry sees what it owes and what is late', async () => {
    const plan = await newPlan({ startYear: 2023, endYear: 2027 });
    const late = await newMeasure(plan, { number: '2.1', deadline: { kind: 'year', year: 2024 } });
    const fresh = await newMeasure(plan, { number: '1.1', deadline: { kind: 'period', fromYear: 2026, toYear: 2027 }, coResponsibleAgencyIds: [] });
    const edu = await newMeasure(plan, { number: '1.2', responsibleAgencyId: education.id, coResponsibleAgencyIds: [labour.id], deadline: { kind: 'continuous' } });
    const detail = await ok<{ measures: { id: string; status: string; overdueYears: number[] }[]; plan: { statusCounts: Record<string, number> } }>(coordinator, 'GET', `/action-plan/plans/${plan}`);
    expect(detail.measures.map((x) => x.id)).toEqual([edu, late, fresh]);
    expect(detail.measures.map((x) => x.status)).toEqual(['late', 'late', 'not_started']);
    expect(detail.measures[0]!.overdueYears).toEqual([2023, 2024, 2025]);
    expect(detail.plan.statusCounts).toMatchObject({ late: 2, not_started: 1 });
    const byNumber = await ok<{ measures: { id: string }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}?order=number&agencyId=${education.id}`);
    expect(byNumber.measures.map((x) => x.id)).toEqual([edu]);

    const mine = await ok<{ owed: { measureId: string; period: number; overdue: boolean }[]; lateMeasures: { id: string }[] }>(labourFocal, 'GET', '/action-plan/mine');
    const owed = mine.owed.filter((o) => [late, fresh, edu].includes(o.measureId));
    // Labour owes 2023 and 2024 on 2.1 (its deadline year), and as co-responsible 2023-2025 on 1.2; 2026's report is not due yet.
    expect(owed.map((o) => `${o.measureId === late ? '2.1' : o.measureId === edu ? '1.2' : '1.1'}/${o.period}`).sort()).toEqual(['1.2/2023', '1.2/2024', '1.2/2025', '2.1/2023', '2.1/2024']);
    expect(owed.every((o) => o.overdue)).toBe(true);
    // Late measures are those it leads.
    expect(mine.lateMeasures.map((x) => x.id)).toContain(late);
    expect(mine.lateMeasures.map((x) => x.id)).not.toContain(edu);
    expect((await call(coordinator, 'GET', '/action-plan/mine')).statusCode).toBe(403);
  });
});

describe('meetings and action items', () => {
  it('records a meeting whose decisions become action items with derived status, reported by the assigned agency', async () => {
    const bad = await call(coordinator, 'POST', '/action-plan/meetings', { heldOn: '2026-11-01', title: 'Q4 working group', actionItems: [{ number: '1', decision: 'x', agencyId: crypto.randomUUID(), dueOn: '2026-12-01' }] });
    expect(fieldsOf(bad)).toHaveProperty('actionItems.0.agencyId');
    expect(fieldsOf(await call(coordinator, 'POST', '/action-plan/meetings', { heldOn: '2026-11-01', title: 'Q4', actionItems: [{ number: '1', decision: 'x', agencyId: labour.id, dueOn: '2026-10-01' }] }))).toHaveProperty('actionItems.0.dueOn');
    expect((await call(labourFocal, 'POST', '/action-plan/meetings', { heldOn: '2026-11-01', title: 'Q4' })).statusCode).toBe(403);
    const { id } = await ok(coordinator, 'POST', '/action-plan/meetings', {
      heldOn: '2026-11-01',
      title: 'Working group, fourth quarter',
      minutes: 'Minutes of the meeting',
      quorumMet: true,
      agencies: [{ agencyId: labour.id, attended: true }, { agencyId: health.id, attended: false }],
      actionItems: [
        { number: '1', decision: 'Send the inspection figures', agencyId: labour.id, dueOn: '2026-11-20' },
        { number: '2', decision: 'Draft the shelter standards', agencyId: health.id, dueOn: '2027-03-01' },
      ],
    });
    const meeting = await ok<{ actionItems: { id: string; status: string; agency: { id: string } }[]; agencies: unknown[] }>(coordinator, 'GET', `/action-plan/meetings/${id}`);
    expect(meeting.agencies).toHaveLength(2);
    const [first, second] = meeting.actionItems;
    expect(first!.status).toBe('late');
    expect(second!.status).toBe('not_started');
    expect(fieldsOf(await call(healthFocal, 'POST', '/action-plan/reports', { actionItemId: first!.id, progress: 'done', narrative: 'x' }))).toHaveProperty('actionItemId');
    const r = await ok(labourFocal, 'POST', '/action-plan/reports', { actionItemId: first!.id, progress: 'done', narrative: 'Figures sent' });
    await ok(coordinator, 'POST', `/action-plan/reports/${r.id}/review`, { version: 1, decision: 'accept' }, 200);
    expect((await ok<{ actionItems: { status: string }[] }>(coordinator, 'GET', `/action-plan/meetings/${id}`)).actionItems[0]!.status).toBe('done');
    const list = await ok<{ items: { id: string; actionItems: number; lateItems: number }[] }>(analyst, 'GET', '/action-plan/meetings');
    expect(list.items.find((x) => x.id === id)).toMatchObject({ actionItems: 2, lateItems: 0 });
    await ok(coordinator, 'POST', `/action-plan/action-items/${second!.id}/drop`, { reason: 'Merged into item 1' }, 200);
    expect((await ok<{ actionItems: { status: string }[] }>(coordinator, 'GET', `/action-plan/meetings/${id}`)).actionItems[1]!.status).toBe('dropped');
    const mine = await ok<{ actionItems: { id: string }[] }>(healthFocal, 'GET', '/action-plan/mine');
    expect(mine.actionItems.map((i) => i.id)).not.toContain(second!.id);
  });
});

describe('reminders', () => {
  it('reminds each responsible agency once per measure and year before the report is due, in the app and by e-mail', async () => {
    const plan = await newPlan({ startYear: 2030, endYear: 2031 });
    const m = await newMeasure(plan, { deadline: { kind: 'year', year: 2031 } });
    const mail = { from: 'pathway@example.org', consoleUrl: null, appUrl: 'https://pathway.example.org' };
    // 2030's report is due 2031-01-20: nothing a month before, reminders within 14 days.
    expect((await sweepActionPlanReminders(t.db, new Date('2030-12-01T08:00:00Z'), mail)).created).toBe(0);
    const first = await sweepActionPlanReminders(t.db, new Date('2031-01-10T08:00:00Z'), mail);
    const rows = await t.db.selectFrom('actionPlanReminders').selectAll().where('subjectId', '=', m).execute();
    expect(rows.map((r) => r.agencyId).sort()).toEqual([labour.id, health.id].sort());
    expect(rows.every((r) => r.period === 2030 && r.dueOn === '2031-01-20')).toBe(true);
    expect(first.emailsQueued).toBeGreaterThanOrEqual(3); // two labour focal points, one health
    const mails = await t.db.selectFrom('mailOutbox').select(['recipient', 'subject', 'body']).where('kind', '=', 'action_plan_reminder').execute();
    expect(mails.some((x) => x.body.includes('https://pathway.example.org/action-plan/mine'))).toBe(true);
    // Exactly once: a second sweep writes nothing and queues nothing.
    expect(await sweepActionPlanReminders(t.db, new Date('2031-01-12T08:00:00Z'), mail)).toEqual({ created: 0, emailsQueued: 0 });
    // An agency that already reported is not reminded.
    const other = await newMeasure(plan, { deadline: { kind: 'year', year: 2031 }, coResponsibleAgencyIds: [] });
    await t.db.insertInto('actionPlanReports').values({ measureId: other, agencyId: labour.id, period: 2030, progress: 'in_progress', narrative: 'x', submittedBy: labourFocal.id }).execute();
    await sweepActionPlanReminders(t.db, new Date('2031-01-13T08:00:00Z'), null);
    expect(await t.db.selectFrom('actionPlanReminders').select('id').where('subjectId', '=', other).execute()).toEqual([]);
    // In the app: the agency's reminders, marked read.
    const list = await ok<{ items: { id: string; subjectNumber: string; read: boolean }[] }>(labourFocal, 'GET', '/action-plan/reminders');
    const mine = list.items.find((x) => rows.some((r) => r.id === x.id))!;
    expect(mine.read).toBe(false);
    await ok(labourFocal, 'POST', `/action-plan/reminders/${mine.id}/read`, undefined, 200);
    expect((await call(educationFocal, 'POST', `/action-plan/reminders/${mine.id}/read`)).statusCode).toBe(404);
  });
});

describe('import', () => {
  const header = 'goal,goalTitle,number,text,responsible,coResponsible,deadline,expectedResult,indicator,unit,baseline,target';
  const post = (plan: string, body: string | Buffer, type = 'text/csv', dryRun = 'true') =>
    t.app.inject({ method: 'POST', url: `/api/v1/action-plan/plans/${plan}/import?dryRun=${dryRun}`, headers: { ...coordinator.headers, 'content-type': type }, payload: body });
  const measures = async (plan: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM action_plan_measures WHERE plan_id = ${plan}`.execute(t.db)).rows[0]!.n);

  it('a dry run counts and keeps nothing; the real run writes goals, measures and indicators', async () => {
    const plan = await newPlan();
    const csv = [
      header,
      `1,Prevention,1.1,Awareness campaigns in schools,MLT,Ministry of Health (test),2027,Campaigns held,Schools reached,count,0,500`,
      `,,1.1,,,,,,Share of districts,percentage,5,80`,
      `1,,1.2,Hotline promotion,Ministry of Labour (test),,continuous,,,,,`,
      `2,Protection,2.1,Shelter standards,Ministry of Health (test),,2026-2027,,,,,`,
    ].join('\n');
    const dry = await post(plan, csv);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toEqual({ dryRun: true, applied: false, goals: 2, measures: 3, indicators: 2 });
    expect(await measures(plan)).toBe(0);
    const real = await post(plan, csv, 'text/csv', 'false');
    expect(real.json()).toEqual({ dryRun: false, applied: true, goals: 2, measures: 3, indicators: 2 });
    const detail = await ok<{ goals: { number: string }[]; measures: { number: string; indicators: unknown[]; coResponsibleAgencies: unknown[]; deadline: { kind: string } }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}?order=number`);
    expect(detail.goals.map((g) => g.number)).toEqual(['1', '2']);
    expect(detail.measures.map((x) => [x.number, x.indicators.length, x.coResponsibleAgencies.length, x.deadline.kind])).toEqual([
      ['1.1', 2, 1, 'year'],
      ['1.2', 0, 0, 'continuous'],
      ['2.1', 0, 0, 'period'],
    ]);
    // Again: the numbers are taken, named by row, and nothing more is written.
    const again = await post(plan, csv, 'text/csv', 'false');
    expect(again.statusCode).toBe(409);
    expect(Object.keys(fieldsOf(again))).toEqual(['rows.2.number']);
    expect(await measures(plan)).toBe(3);
  });

  it('a row with an unknown agency is refused naming the row; nothing is written', async () => {
    const plan = await newPlan();
    const csv = [header, `1,Prevention,1.1,Campaigns,MLT,,2027,,,,,`, `1,,1.2,Something,Ministry of Nowhere,,2027,,,,,`, `1,,1.3,Else,MLT,Unknown body,2027,,,,,`, `1,,1.4,Bad,MLT,,next year,,x,count,-1,`].join('\n');
    for (const dryRun of ['true', 'false']) {
      const res = await post(plan, csv, 'text/csv', dryRun);
      expect(res.statusCode).toBe(400);
      expect((res.json() as { error: { message: string } }).error.message).toMatch(/^Row 3: responsible unknown agency/);
      expect(fieldsOf(res)).toMatchObject({ 'rows.3.responsible': 'unknown agency "Ministry of Nowhere"', 'rows.4.coResponsible': 'unknown agency "Unknown body"', 'rows.5.deadline': expect.any(String), 'rows.5.baseline': expect.any(String) });
    }
    expect(await measures(plan)).toBe(0);
    expect(fieldsOf(await post(plan, 'number,text,oops\n1,x,y'))).toHaveProperty('columns.3');
    expect(fieldsOf(await post(plan, 'number,text,responsible\n1.1,x,MLT'))).toHaveProperty('columns.deadline');
  });

  it('reads XLSX too', async () => {
    const plan = await newPlan();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Plan');
    ws.addRow(header.split(','));
    ws.addRow(['4', 'Cooperation', '4.1.9', 'Amend the NRM rules', 'MLT', '', new Date(Date.UTC(2027, 5, 30)), 'Rules amended', 'Rules adopted', 'yes_no', 0, 1]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await post(plan, buf, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'false');
    expect(res.statusCode, res.body).toBe(200);
    const detail = await ok<{ measures: { number: string; deadline: unknown }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}`);
    expect(detail.measures).toMatchObject([{ number: '4.1.9', deadline: { kind: 'date', on: '2027-06-30' } }]);
    expect(fieldsOf(await post(plan, Buffer.from('not a workbook'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'))).toHaveProperty('file');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/action-plan/plans/${plan}/import`, headers: { ...labourFocal.headers, 'content-type': 'text/csv' }, payload: `${header}\n` })).statusCode).toBe(403);
  });
});
