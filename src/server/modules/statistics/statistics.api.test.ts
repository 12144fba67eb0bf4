import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';

let t: TestApp;
let ngo: string;
let ngoUser: string;
let analyst: Session & { id: string };
let coordinator: Session & { id: string };
let otherCoordinator: Session & { id: string };
let worker: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}
type Method = 'GET' | 'POST';
const call = (s: Session | null, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: s ? (method === 'GET' ? { cookie: s.cookie } : s.headers) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

let n = 0;
/** `count` victims in one case each, opened on `on`, with what the tables split by. */
async function victims(count: number, o: { on: string; sex: 'female' | 'male'; birthYear: number | null; form: string; citizenship?: string; outcome?: 'identified_trafficking' | 'not_enough_evidence' }) {
  for (let i = 0; i < count; i++) {
    n++;
    const c = await t.db.insertInto('cases').values({ caseNumber: `STAT-${n}`, ownerAgencyId: ngo, createdBy: ngoUser, openedAt: new Date(`${o.on}T09:00:00+04:00`), exploitationForms: [o.form], country: 'AZ' }).returning('id').executeTakeFirstOrThrow();
    const p = await t.db.insertInto('people').values({ ownerAgencyId: ngo, sex: o.sex, birthYear: o.birthYear, citizenship: o.citizenship ?? 'AZE' }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: ngoUser }).execute();
    if (o.outcome) await t.db.insertInto('identificationDecisions').values({ caseId: c.id, personId: p.id, stage: 'conclusive', outcome: o.outcome, decidedOn: o.on, decidedBy: ngoUser, decidedByAgencyId: ngo }).execute();
  }
}

const cell = (table: StatisticsTable, key: Record<string, string>) =>
  [...table.cells, ...table.totals].find((c) => Object.keys(c.key).length === Object.keys(key).length && Object.entries(key).every(([d, v]) => c.key[d] === v));

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  ngoUser = (await makeUser(t.db, { roles: ['case_worker'], agencyId: ngo })).id;
  const office = (await makeAgency(t.db, { type: 'coordinator' })).id;
  analyst = await user(['analyst'], office);
  coordinator = await user(['coordinator'], office);
  otherCoordinator = await user(['coordinator'], office);
  worker = await user(['case_worker'], ngo);
  // 2024: 14 women identified (sexual exploitation), 8 men (forced labour), 1 Uzbek boy (child labour).
  await victims(14, { on: '2024-03-10', sex: 'female', birthYear: 1990, form: 'sexual_exploitation', outcome: 'identified_trafficking' });
  await victims(8, { on: '2024-05-02', sex: 'male', birthYear: 1985, form: 'forced_labour' });
  await victims(1, { on: '2024-07-20', sex: 'male', birthYear: 2012, form: 'child_labour', citizenship: 'UZB' });
}, 120_000);
afterAll(async () => t?.close());

describe('national tables', () => {
  it('counts the victims of a period exactly, in the asked language, for analysts and the coordinator only', async () => {
    const r = await call(analyst, 'GET', '/api/v1/statistics/national?from=2024-01-01&to=2024-12-31&lang=en');
    expect(r.statusCode, r.body).toBe(200);
    const tables = r.json().tables as StatisticsTable[];
    const main = tables.find((x) => x.id === 'nrm-victims-status-sex-age')!;
    expect(main.title).toBe('Victims in the NRM by identification, sex and age group');
    expect(cell(main, {})!.value).toBe(23);
    expect(cell(main, { status: 'identified' })!.value).toBe(14);
    expect(cell(main, { status: 'presumed', sex: 'male', ageGroup: 'child' })!.value).toBe(1);
    const byCitizenship = tables.find((x) => x.id === 'nrm-victims-citizenship-age')!;
    expect(byCitizenship.dimensions[0]!.values.map((v) => v.label)).toEqual(['Azerbaijan', 'Uzbekistan']);
    const sdg = tables.find((x) => x.id === 'sdg-16-2-2')!;
    expect(cell(sdg, { group: 'total', measure: 'victims' })!.value).toBe(23);
    expect(cell(sdg, { group: 'total', measure: 'rate' })!.value).toBeCloseTo((23 / 10_152_000) * 100_000, 3);
    expect(sdg.notes!.join(' ')).toContain('State Statistical Committee');
    expect(tables.map((x) => x.id)).toEqual(expect.arrayContaining(['justice-figures', 'unodc-persons-sex', 'hotline-contacts-type', 'hotline-victims-sex-age', 'nrm-referrals-purpose-status', 'nrm-services-service-status', 'nrm-victims-quarter-age']));

    const az = (await call(coordinator, 'GET', '/api/v1/statistics/national?from=2024-01-01&to=2024-12-31&lang=az')).json().tables as StatisticsTable[];
    expect(az.find((x) => x.id === 'nrm-victims-status-sex-age')!.title).toContain('MRM');

    expect((await call(worker, 'GET', '/api/v1/statistics/national?from=2024-01-01&to=2024-12-31')).statusCode).toBe(403);
    const bad = await call(analyst, 'GET', '/api/v1/statistics/national?from=2024-12-31&to=2024-01-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('to');
  });

  it('exports CSV and XLSX, and the export is in the audit log', async () => {
    const csv = await call(analyst, 'GET', '/api/v1/statistics/national/export?from=2024-01-01&to=2024-12-31&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('nrm-victims-status-sex-age');
    const xlsx = await call(analyst, 'GET', '/api/v1/statistics/national/export?from=2024-01-01&to=2024-12-31&format=xlsx&lang=ru');
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.length).toBeGreaterThan(10);
    expect(book.worksheets[0]!.getCell('A1').text).toContain('НМП');
    const audit = await t.db.selectFrom('auditLog').select(['action', 'actorUserId']).where('action', '=', 'statistics.tables_exported').execute();
    expect(audit).toHaveLength(2);
  });
});

describe('statistical releases', () => {
  let releaseId = '';
  let halfIds: Record<string, string> = {};

  it('refuses bad input and a period with nothing recorded, naming the fields, and writes nothing', async () => {
    const empty = await call(analyst, 'POST', '/api/v1/statistics/releases', { title: 'Year 2010', from: '2010-01-01', to: '2010-12-31' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('no_data');
    expect(Object.keys(empty.json().error.fields)).toEqual(['from', 'to']);
    const reversed = await call(analyst, 'POST', '/api/v1/statistics/releases', { title: 'Backwards', from: '2024-12-31', to: '2024-01-01' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.fields).toHaveProperty('to');
    const low = await call(analyst, 'POST', '/api/v1/statistics/releases', { title: 'Too open', from: '2024-01-01', to: '2024-12-31', threshold: 1 });
    expect(low.statusCode).toBe(400);
    expect(low.json().error.fields).toHaveProperty('threshold');
    expect((await call(worker, 'POST', '/api/v1/statistics/releases', { title: 'Not mine', from: '2024-01-01', to: '2024-12-31' })).statusCode).toBe(403);
    expect(await t.db.selectFrom('statisticsReleases').select('id').execute()).toEqual([]);
  });

  it('an analyst prepares a release; it stays invisible to the public until another person approves it', async () => {
    const r = await call(analyst, 'POST', '/api/v1/statistics/releases', { title: 'Trafficking in 2024', from: '2024-01-01', to: '2024-12-31' });
    expect(r.statusCode, r.body).toBe(201);
    releaseId = r.json().id;
    const detail = (await call(coordinator, 'GET', `/api/v1/statistics/releases/${releaseId}`)).json();
    expect(detail).toMatchObject({ status: 'prepared', version: 1, threshold: 5, preparedByMe: false });
    expect(detail.suppressed).toBeGreaterThan(0);
    // Reviewers see every value, with what the public will not see marked.
    const main = (detail.tables as StatisticsTable[]).find((x) => x.id === 'nrm-victims-status-sex-age')!;
    expect(cell(main, { status: 'presumed', sex: 'male', ageGroup: 'child' })).toEqual({ key: { status: 'presumed', sex: 'male', ageGroup: 'child' }, value: 1, suppressed: 'primary' });

    expect((await call(null, 'GET', `/api/public/statistics/${releaseId}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', '/api/public/statistics')).json().items).toEqual([]);
    expect((await call(null, 'GET', `/api/public/statistics/${releaseId}/export.csv`)).statusCode).toBe(404);

    // The analyst may not approve; nor may the coordinator who prepared one.
    expect((await call(analyst, 'POST', `/api/v1/statistics/releases/${releaseId}/approve`)).statusCode).toBe(403);
    const own = await call(coordinator, 'POST', '/api/v1/statistics/releases', { title: 'Spring 2024', from: '2024-03-01', to: '2024-05-31' });
    expect(own.statusCode, own.body).toBe(201);
    expect((await call(coordinator, 'POST', `/api/v1/statistics/releases/${own.json().id}/approve`)).statusCode).toBe(403);

    const ok = await call(coordinator, 'POST', `/api/v1/statistics/releases/${releaseId}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('approved');
    expect((await call(otherCoordinator, 'POST', `/api/v1/statistics/releases/${releaseId}/approve`)).statusCode).toBe(409);
  });

  it('the public answer blanks suppressed cells and marks them primary or secondary; nothing under the threshold shows', async () => {
    const list = await call(null, 'GET', '/api/public/statistics');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: releaseId, title: 'Trafficking in 2024', period: { from: '2024-01-01', to: '2024-12-31' }, version: 1 })]);
    const r = await call(null, 'GET', `/api/public/statistics/${releaseId}?lang=en`);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { id: string; tables: StatisticsTable[] };
    expect(Object.keys(body).sort()).toEqual(['id', 'period', 'tables', 'title', 'version']);
    const main = body.tables.find((x) => x.id === 'nrm-victims-status-sex-age')!;
    expect(cell(main, { status: 'presumed', sex: 'male', ageGroup: 'child' })).toEqual({ key: { status: 'presumed', sex: 'male', ageGroup: 'child' }, value: null, suppressed: 'primary' });
    const all = body.tables.flatMap((x) => [...x.cells, ...x.totals]);
    expect(all.some((c) => c.suppressed === 'secondary' && c.value === null)).toBe(true);
    for (const c of all) {
      if (c.suppressed !== null) expect(c.value).toBeNull();
      else expect(c.value === 0 || c.value! >= 5, JSON.stringify(c)).toBe(true);
    }
    // The SDG rates stay inside Pathway: UNODC computes them from the published counts.
    expect(body.tables.map((x) => x.id)).not.toContain('sdg-16-2-2');
    const az = (await call(null, 'GET', `/api/public/statistics/${releaseId}?lang=az`)).json() as { tables: StatisticsTable[] };
    expect(az.tables[0]!.dimensions[2]!.values.map((v) => v.label)).toEqual(['Uşaq', 'Yetkin', 'Yaşı məlum deyil']);
    expect(az.tables[0]!.title).not.toBe(main.title);
  });

  it('open data: CSV, JSON and the data dictionary, with the same blanks', async () => {
    const csv = await call(null, 'GET', `/api/public/statistics/${releaseId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toContain('release_id,release_version,period_from,period_to,table_id,table_title');
    const json = (await call(null, 'GET', `/api/public/statistics/${releaseId}/export.json?lang=ru`)).json() as Array<Record<string, unknown>>;
    const child = json.find((r) => r.table_id === 'nrm-victims-status-sex-age' && r.status === 'presumed' && r.sex === 'male' && r.ageGroup === 'child')!;
    expect(child).toMatchObject({ value: null, suppressed: 'primary', total: 'no' });
    const dict = await call(null, 'GET', '/api/public/statistics/data-dictionary?lang=en');
    expect(dict.json().columns.map((c: { name: string }) => c.name)).toContain('suppressed');
  });

  it('is audited without its title', async () => {
    const rows = await t.db.selectFrom('auditLog').select(['action', 'recordId', 'changes']).where('action', 'like', 'statistics.release_%').orderBy('seq').execute();
    expect(rows.map((r) => r.action)).toEqual(['statistics.release_prepared', 'statistics.release_prepared', 'statistics.release_approved']);
    expect(JSON.stringify(rows)).not.toContain('Trafficking in 2024');
    expect(rows[0]!.recordId).toBe(releaseId);
  });

  it('a release that would let a reader subtract its way to a figure hidden in an earlier release is flagged and refused', async () => {
    // 2023: two men in forced labour in the first quarter (hidden there), six in the second.
    await victims(10, { on: '2023-02-01', sex: 'female', birthYear: 1992, form: 'sexual_exploitation' });
    await victims(2, { on: '2023-02-15', sex: 'male', birthYear: 1980, form: 'forced_labour' });
    await victims(10, { on: '2023-05-01', sex: 'female', birthYear: 1992, form: 'sexual_exploitation' });
    await victims(6, { on: '2023-05-15', sex: 'male', birthYear: 1980, form: 'forced_labour' });
    const prepare = async (who: Session, title: string, from: string, to: string) => {
      const r = await call(who, 'POST', '/api/v1/statistics/releases', { title, from, to });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    // The half year is prepared first, when nothing of 2023 is public: nothing in it is under 5.
    const half = await prepare(analyst, 'First half of 2023', '2023-01-01', '2023-06-30');
    const q1 = await prepare(analyst, 'First quarter of 2023', '2023-01-01', '2023-03-31');
    const q2 = await prepare(analyst, 'Second quarter of 2023', '2023-04-01', '2023-06-30');
    for (const id of [q1, q2]) expect((await call(coordinator, 'POST', `/api/v1/statistics/releases/${id}/approve`)).statusCode).toBe(200);
    const q1Detail = (await call(coordinator, 'GET', `/api/v1/statistics/releases/${q1}`)).json();
    const q1Main = (q1Detail.tables as StatisticsTable[]).find((x) => x.id === 'nrm-victims-status-sex-age')!;
    expect(cell(q1Main, { sex: 'male' })!.suppressed).not.toBeNull();

    // Half year − second quarter = first quarter: refused, and the finding kept for the reviewers.
    const refused = await call(coordinator, 'POST', `/api/v1/statistics/releases/${half}/approve`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('disclosure_risk');
    const flagged = (await call(coordinator, 'GET', `/api/v1/statistics/releases/${half}`)).json();
    expect(flagged.status).toBe('prepared');
    expect(flagged.flags).toContainEqual(expect.objectContaining({ kind: 'recoverable', release: q1, key: { sex: 'male' } }));
    expect((await call(null, 'GET', `/api/public/statistics/${half}`)).statusCode).toBe(404);

    // Prepared again, against the approved quarters, version 2 hides enough and is approved.
    const again = await prepare(analyst, 'First half of 2023', '2023-01-01', '2023-06-30');
    const v2 = (await call(coordinator, 'GET', `/api/v1/statistics/releases/${again}`)).json();
    expect(v2.version).toBe(2);
    expect(v2.flags.filter((f: { kind: string }) => f.kind === 'recoverable')).toEqual([]);
    const ok = await call(coordinator, 'POST', `/api/v1/statistics/releases/${again}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
    const pub = (await call(null, 'GET', `/api/public/statistics/${again}`)).json() as { tables: StatisticsTable[] };
    expect(cell(pub.tables.find((x) => x.id === 'nrm-victims-status-sex-age')!, { sex: 'male' })!.value).toBeNull();
    halfIds = { q1, q2, half: again };
  });

  it('a public release is withdrawn by the coordinator with a reason: gone from the public list and page (410), kept for staff, audited without the reason', async () => {
    // The public page was answered (and cached) before the withdrawal.
    expect((await call(null, 'GET', `/api/public/statistics/${releaseId}?lang=en`)).statusCode).toBe(200);
    const url = `/api/v1/statistics/releases/${releaseId}/withdraw`;
    const noReason = await call(coordinator, 'POST', url, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields).toHaveProperty('reason');
    const blank = await call(coordinator, 'POST', url, { reason: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields).toHaveProperty('reason');
    expect((await call(analyst, 'POST', url, { reason: 'Counting error in Q3' })).statusCode).toBe(403);
    expect((await call(worker, 'POST', url, { reason: 'Counting error in Q3' })).statusCode).toBe(403);
    // A release that was never public cannot be withdrawn.
    const waiting = (await call(analyst, 'GET', '/api/v1/statistics/releases')).json().items.find((r: { status: string }) => r.status === 'prepared');
    const notPublic = await call(coordinator, 'POST', `/api/v1/statistics/releases/${waiting.id}/withdraw`, { reason: 'Counting error in Q3' });
    expect(notPublic.statusCode).toBe(409);
    expect(notPublic.json().error.code).toBe('not_public');
    expect(await t.db.selectFrom('statisticsReleases').select('id').where('status', '=', 'withdrawn').execute()).toEqual([]);

    const ok = await call(otherCoordinator, 'POST', url, { reason: 'Counting error in Q3' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Counting error in Q3' });
    expect(ok.json().withdrawnAt).toEqual(expect.any(String));
    expect((await call(coordinator, 'POST', url, { reason: 'Again' })).statusCode).toBe(409);

    // Gone from the public list, the page, and open data: 410 with a neutral message, never the reason.
    expect((await call(null, 'GET', '/api/public/statistics')).json().items.map((r: { id: string }) => r.id)).not.toContain(releaseId);
    for (const path of ['', '?lang=en', '?lang=az', '/export.csv', '/export.json']) {
      const gone = await call(null, 'GET', `/api/public/statistics/${releaseId}${path}`);
      expect(gone.statusCode, path).toBe(410);
      expect(gone.json().error.code).toBe('withdrawn');
      expect(gone.body).not.toContain('Counting error');
    }
    // Staff still see it, marked withdrawn, with the reason.
    const staff = (await call(analyst, 'GET', '/api/v1/statistics/releases')).json().items.find((r: { id: string }) => r.id === releaseId);
    expect(staff).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Counting error in Q3' });
    const entry = await t.db.selectFrom('auditLog').select(['actorUserId', 'changes']).where('action', '=', 'statistics.release_withdrawn').executeTakeFirstOrThrow();
    expect(entry.actorUserId).toBe(otherCoordinator.id);
    expect(entry.changes).toMatchObject({ version: 1, status: 'approved', withdrawalReason: 'reason_given' });
    expect(JSON.stringify(entry.changes)).not.toContain('Counting error');
  });

  it('what a withdrawn release published still counts in later disclosure audits', async () => {
    // Withdraw every public release of 2023's first half; a new half year must still hide the two men
    // of the first quarter, since the quarters were public once and may have been copied.
    for (const id of Object.values(halfIds)) expect((await call(coordinator, 'POST', `/api/v1/statistics/releases/${id}/withdraw`, { reason: 'Superseded by a revision' })).statusCode).toBe(200);
    const r = await call(analyst, 'POST', '/api/v1/statistics/releases', { title: 'First half of 2023, revised', from: '2023-01-01', to: '2023-06-30' });
    expect(r.statusCode, r.body).toBe(201);
    const detail = (await call(coordinator, 'GET', `/api/v1/statistics/releases/${r.json().id}`)).json();
    expect(detail.version).toBe(3);
    // On its own the half year has 8 men, over the threshold; only the earlier ledgers hide them.
    const main = (detail.tables as StatisticsTable[]).find((x) => x.id === 'nrm-victims-status-sex-age')!;
    expect(cell(main, { sex: 'male' })).toMatchObject({ value: 8 });
    expect(cell(main, { sex: 'male' })!.suppressed).not.toBeNull();
    expect(detail.flags.filter((f: { kind: string }) => f.kind === 'recoverable')).toEqual([]);
  });
});
