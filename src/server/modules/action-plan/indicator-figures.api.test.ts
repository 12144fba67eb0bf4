import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';
import { FIGURE_TABLES, FIGURE_TABLE_IDS } from '../../../shared/statistics-figures.ts';
import { implementationOfYear } from './implementation.ts';

/*
 * Indicators whose source is the national statistics (docs/action-plan.md, "Indicators from the
 * statistics"): linked on create, update and import, refused naming the field, and their figure for
 * the reporting year computed by the statistics module's own tables.
 */

let t: TestApp;
let ngo: string;
let ngoUser: string;
let labour: { id: string; name: string };
let coordinator: Session & { id: string };
let labourFocal: Session & { id: string };

/** The latest year that has ended: the one the plan and measure views compute. */
const YEAR = new Date().getUTCFullYear() - 1;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}
type Method = 'GET' | 'POST' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
async function ok<T = { id: string; version: number }>(s: Session, method: Method, url: string, payload?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await call(s, method, url, payload);
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}
const fieldsOf = (res: { json: () => unknown }) => (res.json() as { error: { fields?: Record<string, string> } }).error.fields ?? {};
const count = async (table: 'action_plan_measures' | 'action_plan_indicators') => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0]!.n);

let n = 0;
/** `k` victims, each in a case of its own opened on `on`. */
async function victims(k: number, o: { on: string; sex: 'female' | 'male'; birthYear: number; citizenship?: string; identified?: boolean }) {
  for (let i = 0; i < k; i++) {
    n++;
    const c = await t.db.insertInto('cases').values({ caseNumber: `FIG-${n}`, ownerAgencyId: ngo, createdBy: ngoUser, openedAt: new Date(`${o.on}T09:00:00+04:00`), exploitationForms: ['forced_labour'], country: 'AZ' }).returning('id').executeTakeFirstOrThrow();
    const p = await t.db.insertInto('people').values({ ownerAgencyId: ngo, sex: o.sex, birthYear: o.birthYear, citizenship: o.citizenship ?? 'AZE' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: ngoUser }).execute();
    if (o.identified) await t.db.insertInto('identificationDecisions').values({ caseId: c.id, personId: p.id, stage: 'conclusive', outcome: 'identified_trafficking', decidedOn: o.on, decidedBy: ngoUser, decidedByAgencyId: ngo }).execute();
  }
}

/** The national tables of a year, as the statistics API gives them. */
async function tablesOf(year: number): Promise<StatisticsTable[]> {
  return (await ok<{ tables: StatisticsTable[] }>(coordinator, 'GET', `/statistics/national?from=${year}-01-01&to=${year}-12-31&lang=en`)).tables;
}
const cell = (tables: StatisticsTable[], id: string, key: Record<string, string>) => {
  const table = tables.find((x) => x.id === id)!;
  return [...table.cells, ...table.totals].find((c) => Object.keys(c.key).length === Object.keys(key).length && Object.entries(key).every(([d, v]) => c.key[d] === v))!.value;
};

let seq = 0;
async function newPlan() {
  seq++;
  return (await ok(coordinator, 'POST', '/action-plan/plans', { title: `Figures plan ${seq}`, actType: 'presidential_order', startYear: YEAR - 1, endYear: YEAR + 1, status: 'adopted' })).id;
}
const measureBody = (indicators: unknown[]) => ({ number: `7.${++seq}`, text: 'Identify more victims', responsibleAgencyId: labour.id, deadline: { kind: 'continuous' }, indicators });

type Indicator = { id: string; definition: string; statisticsTable: string | null; statisticsKey: Record<string, string> | null; latest: { value: number; period: number } | null; computed: { value: number; period: number } | null; figureWithheld: boolean };
const indicatorsOf = async (measureId: string, s: Session = coordinator) => (await ok<{ indicators: Indicator[]; version: number }>(s, 'GET', `/action-plan/measures/${measureId}`));

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  ngoUser = (await makeUser(t.db, { roles: ['case_worker'], agencyId: ngo })).id;
  const office = (await makeAgency(t.db, { type: 'coordinator' })).id;
  labour = await makeAgency(t.db, { type: 'government', name: 'Ministry of Labour (figures test)' });
  coordinator = await user(['coordinator'], office);
  labourFocal = await user(['plan_focal_point'], labour.id);
  // The year: 5 women identified (two in the first quarter), 3 presumed men, 1 Uzbek girl; one woman the year before.
  await victims(2, { on: `${YEAR}-02-10`, sex: 'female', birthYear: 1990, identified: true });
  await victims(3, { on: `${YEAR}-06-10`, sex: 'female', birthYear: 1985, identified: true });
  await victims(3, { on: `${YEAR}-08-01`, sex: 'male', birthYear: 1980 });
  await victims(1, { on: `${YEAR}-09-15`, sex: 'female', birthYear: YEAR - 12, citizenship: 'UZB' });
  await victims(1, { on: `${YEAR - 1}-05-05`, sex: 'female', birthYear: 1991, identified: true });
}, 120_000);
afterAll(async () => t?.close());

describe('indicators from the national statistics', () => {
  it("computes a linked indicator's figure for the latest ended year, equal to the national table's cell; manual ones as before", async () => {
    const plan = await newPlan();
    const links: Array<[string, string, string, Record<string, string>]> = [
      ['Women identified', 'count', 'nrm-victims-status-sex-age', { status: 'identified', sex: 'female' }],
      ['Victims in the NRM', 'count', 'nrm-victims-status-sex-age', {}],
      ['Identified women, adults', 'count', 'nrm-victims-status-sex-age', { status: 'identified', sex: 'female', ageGroup: 'adult' }],
      ['Detected victims per 100,000', 'amount', 'sdg-16-2-2', { group: 'total', measure: 'rate' }],
      ['Referred in the first quarter', 'count', 'nrm-victims-quarter-age', { quarter: 'Q1' }],
      ['Uzbek victims', 'count', 'nrm-victims-citizenship-age', { citizenship: 'UZB' }],
      ['Victims from nowhere seen', 'count', 'nrm-victims-citizenship-age', { citizenship: 'NOR' }],
    ];
    const measureId = (
      await ok(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, measureBody([...links.map(([definition, unit, statisticsTable, statisticsKey]) => ({ definition, unit, statisticsTable, statisticsKey })), { definition: 'Trainings held', unit: 'count', baseline: 0, target: 10 }]))
    ).id;
    const tables = await tablesOf(YEAR);
    const { indicators } = await indicatorsOf(measureId);
    expect(indicators.map((i) => i.computed)).toEqual([
      { value: 5, period: YEAR },
      { value: 9, period: YEAR },
      { value: 5, period: YEAR },
      { value: cell(tables, 'sdg-16-2-2', { group: 'total', measure: 'rate' }), period: YEAR },
      { value: 2, period: YEAR },
      { value: 1, period: YEAR },
      { value: 0, period: YEAR },
      null,
    ]);
    // The same numbers as the national tables' cells, whatever else earlier tests recorded.
    expect(indicators[0]!.computed!.value).toBe(cell(tables, 'nrm-victims-status-sex-age', { status: 'identified', sex: 'female' }));
    expect(indicators[1]!.computed!.value).toBe(cell(tables, 'nrm-victims-status-sex-age', {}));
    expect(indicators[4]!.computed!.value).toBe(cell(tables, 'nrm-victims-quarter-age', { quarter: `${YEAR}-Q1` }));
    expect(indicators[3]!.computed!.value).toBeGreaterThan(0);
    expect(indicators[0]).toMatchObject({ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified', sex: 'female' }, latest: null });
    expect(indicators[7]).toMatchObject({ statisticsTable: null, statisticsKey: null, computed: null });

    expect(indicators.map((i) => i.figureWithheld)).toEqual(indicators.map(() => false));
    // The plan view carries the same figures.
    const detail = await ok<{ measures: { id: string; indicators: Indicator[] }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}`);
    expect(detail.measures.find((m) => m.id === measureId)!.indicators.map((i) => i.computed?.value ?? null)).toEqual(indicators.map((i) => i.computed?.value ?? null));
    // An auditor may read the national statistics (reports:aggregate), so the figures too.
    const auditor = await user(['auditor'], (await makeAgency(t.db, { type: 'government' })).id);
    const audited = await ok<{ indicators: Indicator[] }>(auditor, 'GET', `/action-plan/measures/${measureId}`);
    expect(audited.indicators.map((i) => [i.computed?.value ?? null, i.figureWithheld])).toEqual(indicators.map((i) => [i.computed?.value ?? null, false]));
    // A focal point may not read the national statistics: the figures are withheld, and say so.
    for (const url of [`/action-plan/plans/${plan}`, `/action-plan/measures/${measureId}`]) {
      const body = await ok<{ indicators?: Indicator[]; measures?: { id: string; indicators: Indicator[] }[] }>(labourFocal, 'GET', url);
      const seen = body.indicators ?? body.measures!.find((m) => m.id === measureId)!.indicators;
      expect(seen.map((i) => [i.computed, i.figureWithheld])).toEqual([...links.map(() => [null, true]), [null, false]]);
    }

    // A report of the year: the reported value beside the computed one, in the report and the measure.
    const report = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId, period: YEAR, progress: 'in_progress', narrative: 'Screening in all regions', indicatorValues: [{ indicatorId: indicators[0]!.id, value: 4 }, { indicatorId: indicators[7]!.id, value: 3 }] });
    const view = await ok<{ indicatorValues: { indicatorId: string; value: number; statisticsTable: string | null; computed: { value: number; period: number } | null }[] }>(coordinator, 'GET', `/action-plan/reports/${report.id}`);
    expect(view.indicatorValues).toEqual([
      { indicatorId: indicators[0]!.id, definition: 'Women identified', unit: 'count', value: 4, statisticsTable: 'nrm-victims-status-sex-age', computed: { value: 5, period: YEAR }, figureWithheld: false },
      { indicatorId: indicators[7]!.id, definition: 'Trainings held', unit: 'count', value: 3, statisticsTable: null, computed: null, figureWithheld: false },
    ]);
    const own = await ok<{ indicatorValues: { computed: unknown; figureWithheld: boolean }[] }>(labourFocal, 'GET', `/action-plan/reports/${report.id}`);
    expect(own.indicatorValues.map((v) => [v.computed, v.figureWithheld])).toEqual([[null, true], [null, false]]);
    // The year before has its own figure: one identified woman.
    const earlier = await ok(labourFocal, 'POST', '/action-plan/reports', { measureId, period: YEAR - 1, progress: 'in_progress', narrative: 'Started', indicatorValues: [{ indicatorId: indicators[0]!.id, value: 1 }] });
    const earlierView = await ok<{ indicatorValues: { computed: unknown }[] }>(coordinator, 'GET', `/action-plan/reports/${earlier.id}`);
    expect(earlierView.indicatorValues[0]!.computed).toEqual({ value: cell(await tablesOf(YEAR - 1), 'nrm-victims-status-sex-age', { status: 'identified', sex: 'female' }), period: YEAR - 1 });
    await ok(coordinator, 'POST', `/action-plan/reports/${report.id}/review`, { version: report.version, decision: 'accept' }, 200);
    expect((await indicatorsOf(measureId)).indicators[0]).toMatchObject({ latest: { value: 4, period: YEAR }, computed: { value: 5, period: YEAR } });

    // The annual report's implementation: the reported value and the year's figure.
    const impl = await implementationOfYear(t.db, YEAR);
    const mine = impl.indicators.filter((i) => i.planId === plan);
    expect(mine.map((i) => [i.definition, i.latest?.value ?? null, i.computed?.value ?? null])).toEqual([
      ['Women identified', 4, 5],
      ['Victims in the NRM', null, cell(tables, 'nrm-victims-status-sex-age', {})],
      ['Identified women, adults', null, 5],
      ['Detected victims per 100,000', null, cell(tables, 'sdg-16-2-2', { group: 'total', measure: 'rate' })],
      ['Referred in the first quarter', null, 2],
      ['Uzbek victims', null, 1],
      ['Victims from nowhere seen', null, 0],
      ['Trainings held', 3, null],
    ]);
  });

  it("the figures' catalogue is the national tables': the same tables, dimensions, codes and margins", async () => {
    const tables = await tablesOf(YEAR);
    expect(tables.map((x) => x.id).sort()).toEqual([...FIGURE_TABLE_IDS].sort());
    for (const id of FIGURE_TABLE_IDS) {
      const table = tables.find((x) => x.id === id)!;
      const entry = FIGURE_TABLES[id];
      expect(table.dimensions.map((x) => x.id), id).toEqual(entry.dimensions.map((x) => x.id));
      entry.dimensions.forEach((dim, i) => {
        const codes = table.dimensions[i]!.values.map((v) => v.code);
        if (dim.codes === 'country') expect(codes.every((c) => /^(?:[A-Z]{2,3}|unknown)$/.test(c)), `${id}.${dim.id}`).toBe(true);
        else expect(codes, `${id}.${dim.id}`).toEqual(dim.id === 'quarter' ? dim.codes.map((q) => `${YEAR}-${q}`) : [...dim.codes]);
      });
      expect(table.totals.length > 0, id).toBe(entry.margins);
    }
  });

  it('refuses a link that names no figure, naming the field, and writes nothing', async () => {
    const plan = await newPlan();
    const [measures, indicators] = [await count('action_plan_measures'), await count('action_plan_indicators')];
    const bad = async (ind: Record<string, unknown>, field: string, at = 0) => {
      const list = [{ definition: 'Manual', unit: 'count' }, { definition: 'Linked', unit: 'count', ...ind }];
      const res = await call(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, measureBody(at === 0 ? [list[1]] : list));
      expect(res.statusCode, res.body).toBe(400);
      expect(Object.keys(fieldsOf(res)), res.body).toContain(field);
    };
    await bad({ statisticsTable: 'nrm-victims-by-mood', statisticsKey: {} }, 'indicators.0.statisticsTable');
    await bad({ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { figure: 'convicted' } }, 'indicators.0.statisticsKey.figure');
    await bad({ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { sex: 'robot' } }, 'indicators.0.statisticsKey.sex');
    await bad({ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { sex: 'robot' } }, 'indicators.1.statisticsKey.sex', 1);
    await bad({ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { ageGroup: 'elderly' } }, 'indicators.0.statisticsKey.ageGroup');
    await bad({ statisticsTable: 'nrm-victims-citizenship-age', statisticsKey: { citizenship: 'Azerbaijan' } }, 'indicators.0.statisticsKey.citizenship');
    await bad({ statisticsTable: 'nrm-victims-quarter-age', statisticsKey: { quarter: '2025-Q5' } }, 'indicators.0.statisticsKey.quarter');
    await bad({ statisticsTable: 'justice-figures', statisticsKey: {} }, 'indicators.0.statisticsKey.figure');
    await bad({ statisticsTable: 'sdg-16-2-2', statisticsKey: { group: 'female' } }, 'indicators.0.statisticsKey.measure');
    await bad({ statisticsKey: { sex: 'female' } }, 'indicators.0.statisticsTable');
    await bad({ unit: 'percentage', statisticsTable: 'hotline-contacts-type', statisticsKey: { contactType: 'trafficking_report' } }, 'indicators.0.unit');
    await bad({ unit: 'count', statisticsTable: 'sdg-16-2-2', statisticsKey: { group: 'total', measure: 'rate' } }, 'indicators.0.unit');
    await bad({ unit: 'yes_no', statisticsTable: 'justice-figures', statisticsKey: { figure: 'convicted' } }, 'indicators.0.unit');
    expect([await count('action_plan_measures'), await count('action_plan_indicators')]).toEqual([measures, indicators]);
    // The fields an operator reads: the first in the message.
    const res = await call(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, measureBody([{ definition: 'x', unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { sex: 'robot' } }]));
    expect((res.json() as { error: { message: string } }).error.message).toContain('indicators.0.statisticsKey.sex');
    expect(fieldsOf(res)['indicators.0.statisticsKey.sex']).toContain('female');
  });

  it('links, relinks and unlinks an existing indicator (the coordinator only, with the measure version); refusals change nothing', async () => {
    const plan = await newPlan();
    const measureId = (await ok(coordinator, 'POST', `/action-plan/plans/${plan}/measures`, measureBody([{ definition: 'Victims identified', unit: 'count', baseline: 0, target: 20 }]))).id;
    const { indicators, version } = await indicatorsOf(measureId);
    const id = indicators[0]!.id;
    const stored = () => t.db.selectFrom('actionPlanIndicators').select(['unit', 'statisticsTable', 'statisticsKey']).where('id', '=', id).executeTakeFirstOrThrow();

    expect((await call(labourFocal, 'PATCH', `/action-plan/indicators/${id}`, { version, statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: {} })).statusCode).toBe(403);
    for (const [body, field] of [
      [{ statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { sex: 'robot' } }, 'statisticsKey.sex'],
      [{ statisticsTable: 'no-such-table' }, 'statisticsTable'],
      [{ unit: 'percentage', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: {} }, 'unit'],
      [{ statisticsKey: { status: 'identified' } }, 'statisticsTable'],
    ] as const) {
      const res = await call(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version, ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(Object.keys(fieldsOf(res))).toContain(field);
    }
    expect(await stored()).toEqual({ unit: 'count', statisticsTable: null, statisticsKey: null });

    const linked = await ok(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version, statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified' } });
    expect(linked.version).toBe(version + 1);
    expect(await stored()).toEqual({ unit: 'count', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified' } });
    expect((await indicatorsOf(measureId)).indicators[0]!.computed).toEqual({ value: cell(await tablesOf(YEAR), 'nrm-victims-status-sex-age', { status: 'identified' }), period: YEAR });
    expect((await call(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version, statisticsTable: null })).statusCode).toBe(409);
    // The key alone keeps the table; a unit the link cannot hold is refused.
    const rekeyed = await ok(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version: linked.version, statisticsKey: { status: 'presumed', sex: 'male' } });
    expect(await stored()).toMatchObject({ statisticsKey: { status: 'presumed', sex: 'male' } });
    expect(Object.keys(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version: rekeyed.version, unit: 'amount' })))).toContain('unit');
    const audit = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'action_plan.indicator_changed').where('recordId', '=', measureId).orderBy('at').orderBy('seq').execute();
    expect(audit.map((a) => a.changes)).toMatchObject([
      { indicatorId: id, fields: ['statistics'], statisticsTable: { old: null, new: 'nrm-victims-status-sex-age' } },
      { indicatorId: id, fields: ['statistics'], statisticsTable: { old: 'nrm-victims-status-sex-age', new: 'nrm-victims-status-sex-age' }, statisticsDimensions: { old: ['status'], new: ['status', 'sex'] } },
    ]);
    const manual = await ok(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version: rekeyed.version, statisticsTable: null });
    expect(await stored()).toEqual({ unit: 'count', statisticsTable: null, statisticsKey: null });
    expect((await indicatorsOf(measureId)).indicators[0]!.computed).toBeNull();
    // A new unit must hold the values already reported.
    await ok(labourFocal, 'POST', '/action-plan/reports', { measureId, period: YEAR, progress: 'in_progress', narrative: 'x', indicatorValues: [{ indicatorId: id, value: 140 }] });
    expect(Object.keys(fieldsOf(await call(coordinator, 'PATCH', `/action-plan/indicators/${id}`, { version: manual.version, unit: 'percentage', baseline: null, target: null })))).toContain('unit');
    expect((await call(coordinator, 'PATCH', `/action-plan/indicators/${crypto.randomUUID()}`, { version: 1 })).statusCode).toBe(404);
  });

  describe('import', () => {
    const header = 'goal,goalTitle,number,text,responsible,coResponsible,deadline,expectedResult,indicator,unit,baseline,target,statisticsTable,statisticsKey';
    const post = (plan: string, body: string, dryRun: 'true' | 'false') =>
      t.app.inject({ method: 'POST', url: `/api/v1/action-plan/plans/${plan}/import?dryRun=${dryRun}`, headers: { ...coordinator.headers, 'content-type': 'text/csv' }, payload: body });
    const planIndicators = (plan: string) =>
      t.db.selectFrom('actionPlanIndicators as i').innerJoin('actionPlanMeasures as m', 'm.id', 'i.measureId').select(['i.definition', 'i.statisticsTable', 'i.statisticsKey']).where('m.planId', '=', plan).orderBy('m.number').orderBy('i.position').execute();

    it('imports indicators linked to the statistics (dry run first); a bad row is named and nothing is written', async () => {
      const plan = await newPlan();
      const csv = [
        header,
        `1,Identification,1.1,Identify victims,Ministry of Labour (figures test),,continuous,,Women identified,count,,,nrm-victims-status-sex-age,status=identified;sex=female`,
        `,,1.1,,,,,,Victims in the NRM,count,,,nrm-victims-status-sex-age,`,
        `,,1.1,,,,,,Trainings,count,0,5,,`,
        `1,,1.2,Prosecute,Ministry of Labour (figures test),,continuous,,Convictions,count,,,justice-figures,figure=convicted`,
      ].join('\n');
      const dry = await post(plan, csv, 'true');
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toEqual({ dryRun: true, applied: false, goals: 1, measures: 2, indicators: 4 });
      expect(await planIndicators(plan)).toEqual([]);
      expect((await post(plan, csv, 'false')).json()).toMatchObject({ applied: true, indicators: 4 });
      expect(await planIndicators(plan)).toEqual([
        { definition: 'Women identified', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: { status: 'identified', sex: 'female' } },
        { definition: 'Victims in the NRM', statisticsTable: 'nrm-victims-status-sex-age', statisticsKey: {} },
        { definition: 'Trainings', statisticsTable: null, statisticsKey: null },
        { definition: 'Convictions', statisticsTable: 'justice-figures', statisticsKey: { figure: 'convicted' } },
      ]);
      const detail = await ok<{ measures: { number: string; indicators: Indicator[] }[] }>(coordinator, 'GET', `/action-plan/plans/${plan}?order=number`);
      expect(detail.measures[0]!.indicators[0]!.computed).toEqual({ value: 5, period: YEAR });
    });

    it('refuses rows whose table, key or unit names no figure, naming each row; nothing is written', async () => {
      const plan = await newPlan();
      const csv = [
        header,
        `1,Identification,1.1,Identify victims,Ministry of Labour (figures test),,continuous,,Women identified,count,,,nrm-victims-status-sex-age,status=identified;sex=female`,
        `,,1.1,,,,,,Moods,count,,,nrm-victims-by-mood,`,
        `,,1.1,,,,,,Robots,count,,,nrm-victims-status-sex-age,sex=robot`,
        `,,1.1,,,,,,Share,percentage,,,hotline-contacts-type,contactType=silent`,
        `,,1.1,,,,,,Broken,count,,,hotline-contacts-type,contactType`,
        `,,1.1,,,,,,Keyless,count,,,,sex=female`,
      ].join('\n');
      for (const dryRun of ['true', 'false'] as const) {
        const res = await post(plan, csv, dryRun);
        expect(res.statusCode, res.body).toBe(400);
        expect(fieldsOf(res)).toEqual({
          'rows.3.statisticsTable': expect.stringContaining('not a national table'),
          'rows.4.statisticsKey': expect.stringMatching(/^sex: one of female/),
          'rows.5.unit': expect.stringContaining('count'),
          'rows.6.statisticsKey': expect.any(String),
          'rows.7.statisticsTable': expect.any(String),
        });
        expect((res.json() as { error: { message: string } }).error.message).toMatch(/^Row 3: statisticsTable/);
      }
      expect(await planIndicators(plan)).toEqual([]);
    });
  });
});
