import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let investigator: Session;
let other: Session;
let caseId: string;
let aysel: string;
let rauf: string;
let chargeA: string;

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const importCsv = (s: Session, csv: string, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/v1/justice/import${query}`, headers: { ...s.headers, 'content-type': 'text/csv' }, payload: csv });

const HEADER = 'caseNumber,defendant,article,instance,decidedOn,outcome,terminationGround,reclassifiedTo,sentenceType,termMonths,fineAmount,suspended,probationMonths,deferred,deferralGround,belowMinimumGround,mitigating,confiscation';

beforeAll(async () => {
  t = await createTestApp();
  const police = (await makeAgency(t.db, { type: 'police' })).id;
  investigator = await signIn(t.app, (await makeUser(t.db, { roles: ['investigator'], agencyId: police })).email);
  other = await signIn(t.app, (await makeUser(t.db, { roles: ['investigator'], agencyId: (await makeAgency(t.db, { type: 'police' })).id })).email);
  caseId = (await call(investigator, 'POST', '/justice/cases', { body: 'police', caseNumber: 'BAKU-77', openedOn: '2024-01-10', articles: ['144-1.1'] })).json().id;
  aysel = (await call(investigator, 'POST', `/justice/cases/${caseId}/defendants`, { person: { name: { givenName: 'Aysel', familyName: 'Məmmədova' }, sex: 'female' }, role: 'recruiter' })).json().id;
  rauf = (await call(investigator, 'POST', `/justice/cases/${caseId}/defendants`, { person: { name: { givenName: 'Rauf', familyName: 'Əliyev' }, sex: 'male' }, role: 'exploiter' })).json().id;
  chargeA = (await call(investigator, 'POST', `/justice/cases/${caseId}/defendants/${aysel}/charges`, { article: '144-1.1', broughtOn: '2024-02-01' })).json().id;
  await call(investigator, 'POST', `/justice/cases/${caseId}/defendants/${rauf}/charges`, { article: '144-1.2.5', broughtOn: '2024-02-01' });
  for (const d of [aysel, rauf]) expect((await call(investigator, 'POST', `/justice/cases/${caseId}/events`, { type: 'indicted', occurredOn: '2024-05-01', defendantId: d })).statusCode).toBe(201);
});
afterAll(() => t.close());

const verdicts = async () => Number((await t.db.selectFrom('criminalVerdicts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('POST /justice/import', () => {
  const good = [
    HEADER,
    // Matched across scripts: the Russian spelling of Aysel Məmmədova.
    'BAKU-77,Айсель Мамедова,144-1.1,first,2024-09-01,convicted,,,imprisonment,36,,no,,yes,child_under_age,art. 62,minor_child,no',
    'BAKU-77,Rauf Aliyev,144-1.2.5,first,2024-09-01,convicted,,,imprisonment,100,,no,,no,,,,yes',
  ].join('\n');

  it('a dry run reports per row and writes nothing; the real run writes everything', async () => {
    const before = await verdicts();
    const dry = await importCsv(investigator, good, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, ok: true, applied: false, rows: [{ row: 2, status: 'ok' }, { row: 3, status: 'ok' }] });
    expect(await verdicts()).toBe(before);
    const real = await importCsv(investigator, good);
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toMatchObject({ applied: true, ok: true });
    expect(await verdicts()).toBe(before + 2);
    const page = (await call(investigator, 'GET', `/justice/cases/${caseId}`)).json();
    const a = page.defendantList.find((d: { id: string }) => d.id === aysel);
    expect(a.charges[0].outcome).toBe('convicted');
    expect(a.sentences[0]).toMatchObject({ deferred: true, deferralGround: 'child_under_age', termMonths: 36, reviewFlag: null });
    expect(await t.db.selectFrom('auditLog').select('action').where('action', '=', 'justice.decisions_imported').executeTakeFirst()).toBeDefined();
  });

  it('all or nothing: one bad row (a charge never brought, an unknown case, a negative term) and no row is written, each reported', async () => {
    const before = await verdicts();
    const csv = [
      HEADER,
      'BAKU-77,Aysel Məmmədova,144-1.1,appeal,2024-12-01,convicted,,,,,,,,,,,,',
      'BAKU-77,Aysel Məmmədova,144-2.1,first,2024-09-01,convicted,,,,,,,,,,,,',
      'NOPE-1,Aysel Məmmədova,144-1.1,first,2024-09-01,convicted,,,,,,,,,,,,',
      'BAKU-77,Rauf Əliyev,144-1.2.5,first,2024-09-01,convicted,,,imprisonment,-3,,,,,,,,',
    ].join('\n');
    const res = await importCsv(investigator, csv);
    expect(res.statusCode).toBe(422);
    const rows = res.json().rows;
    expect(rows[3]).toMatchObject({ row: 5, status: 'error', errors: { termMonths: 'must not be negative' } });
    expect(res.json().applied).toBe(false);
    expect(await verdicts()).toBe(before);
    // With the parse errors fixed, the database rules report the rest in a dry run, row by row.
    const dry = await importCsv(investigator, csv.split('\n').slice(0, 4).join('\n'), '?dryRun=true&skipBadRows=true');
    const report = dry.json().rows;
    expect(report[0].status).toBe('error');
    expect(report[0].errors.decidedOn).toMatch(/appeal lodged/);
    expect(report[1].errors.article).toMatch(/no such charge/);
    expect(report[2].errors.caseNumber).toMatch(/no criminal case/);
    expect(await verdicts()).toBe(before);
  });

  it('another agency cannot import into the case', async () => {
    const res = await importCsv(other, [HEADER, `BAKU-77,Aysel Məmmədova,144-1.1,first,2024-09-01,acquitted,,,,,,,,,,,,`].join('\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json().rows[0].errors.caseNumber).toBeDefined();
    expect(chargeA).toBeTruthy();
  });

  it('refuses a file that is not CSV or has unknown columns', async () => {
    const res = await importCsv(investigator, 'caseNumber,colour\nBAKU-77,red');
    expect(res.statusCode).toBe(422);
    expect(res.json().rows[0].errors.colour).toBe('unknown column');
  });
});
