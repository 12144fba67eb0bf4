import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let monitor: Session;
let analyst: Session;
beforeAll(async () => {
  t = await createTestApp();
  monitor = await signIn(t.app, (await makeUser(t.db, { roles: ['press_monitor'] })).email);
  analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'] })).email);
});
afterAll(() => t.close());

const upload = (csv: string, query = '', s: Session = monitor) =>
  t.app.inject({ method: 'POST', url: `/api/v1/press/import${query}`, headers: { ...s.headers, 'content-type': 'text/csv' }, payload: csv });
const count = async (table: 'pressIncidents' | 'pressPersons' | 'pressOutlets' | 'pressActs') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const HEADER = 'externalRef,title,date,disputedDate,city,placeExact,victimName,victimAliases,outletName,actType,outcome,perpetratorCategory,perpetratorDegree,perpetratorAttribution,sourceTitle,sourceUrl';
const GOOD = [
  HEADER,
  'AZ-2005-001,Killing of Elmar Huseynov,2005-03-02,,Baku,Stairwell,Elmar Huseynov,Эльмар Гусейнов,Monitor,killing,killed,unknown,direct_perpetrator,named_by_authorities,Huseynova v. Azerbaijan,https://example.org/echr',
  'AZ-2006-002,"Abduction of Fikret Huseynli, Azadliq",2006-03-05,2006-03-06,Baku,,Fikret Huseynli,Fikrət Hüseynli|Фикрет Гусейнли,Azadliq,abduction,seriously_injured,,,,,',
  'AZ-2007-003,Threats to Azadliq,2007-02,,Baku,,,,Azadliq,threat,no_physical_injury,,,,,',
].join('\n');

describe('CSV import', () => {
  it('creates incidents from a good file, with victims, outlets, perpetrators and sources, and reports each row', async () => {
    const res = await upload(GOOD);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ applied: true, dryRun: false, created: 3, updated: 0, refused: 0 });
    expect(report.rows.map((r: { row: number; result: string; externalRef: string }) => [r.row, r.externalRef, r.result])).toEqual([
      [2, 'AZ-2005-001', 'created'],
      [3, 'AZ-2006-002', 'created'],
      [4, 'AZ-2007-003', 'created'],
    ]);
    const v = (await t.app.inject({ method: 'GET', url: `/api/v1/press/incidents/${report.rows[1].incidentId}`, headers: monitor.headers })).json();
    expect(v).toMatchObject({ title: 'Abduction of Fikret Huseynli, Azadliq', occurred: { display: '2006-03-05 / 2006-03-06' }, city: 'Baku' });
    expect(v.acts[0]).toMatchObject({ actType: 'abduction', outcome: 'seriously_injured', person: { name: 'Fikret Huseynli', aliases: ['Fikrət Hüseynli', 'Фикрет Гусейнли'], affiliations: [{ outletName: 'Azadliq' }] } });
    const threat = (await t.app.inject({ method: 'GET', url: `/api/v1/press/incidents/${report.rows[2].incidentId}`, headers: monitor.headers })).json();
    expect(threat.occurred).toMatchObject({ precision: 'month', display: '2007-02' });
    expect(threat.acts[0]).toMatchObject({ person: null, outlet: { name: 'Azadliq' } });
    expect(await count('pressOutlets')).toBe(2);
    const search = (await t.app.inject({ method: 'GET', url: `/api/v1/press/incidents?q=${encodeURIComponent('Гусейнли')}`, headers: monitor.headers })).json();
    expect(search.items.map((i: { externalRef: string }) => i.externalRef)).toEqual(['AZ-2006-002']);
    const audit = await t.db.selectFrom('auditLog').select('action').where('action', 'in', ['press.import', 'press.incident.import_created', 'press.incident.import_updated']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['press.import', 'press.incident.import_created', 'press.incident.import_created', 'press.incident.import_created'].sort());
  });

  it('loading the same sheet again updates by external reference and duplicates nothing', async () => {
    const before = { incidents: await count('pressIncidents'), persons: await count('pressPersons'), acts: await count('pressActs') };
    const changed = GOOD.replace('Killing of Elmar Huseynov', 'Murder of Elmar Huseynov').replace(',unknown,direct_perpetrator,named_by_authorities,', ',unknown,direct_perpetrator,convicted,');
    const res = await upload(changed);
    expect(res.json()).toMatchObject({ applied: true, created: 0, updated: 3, refused: 0 });
    expect({ incidents: await count('pressIncidents'), persons: await count('pressPersons'), acts: await count('pressActs') }).toEqual(before);
    const id = res.json().rows[0].incidentId;
    const v = (await t.app.inject({ method: 'GET', url: `/api/v1/press/incidents/${id}`, headers: monitor.headers })).json();
    expect(v.title).toBe('Murder of Elmar Huseynov');
    expect(v.derived.impunityStatus).toBe('full_justice');
    expect(v.sources).toHaveLength(1);
  });

  it('a file with bad rows changes nothing and says why for each bad row', async () => {
    const before = await count('pressIncidents');
    const csv = [
      HEADER,
      'NEW-1,Fine row,2010-01-01,,Baku,,Someone New,,,assault,injured,,,,,',
      'NEW-2,Bad date,2010-02-30,,Baku,,,,,,,,,,,',
      'NEW-3,Bad act,2010,,Baku,,X,,,flying,,,,,,',
      ',No reference,2010,,,,,,,,,,,,,',
      'NEW-1,Duplicate,2010,,,,,,,,,,,,,',
      'NEW-6,Perpetrator half given,2010,,,,,,,,,criminal_group,,,,',
    ].join('\n');
    const res = await upload(csv);
    expect(res.statusCode).toBe(422);
    const r = res.json();
    expect(r).toMatchObject({ applied: false, created: 1, refused: 5 });
    const errs = Object.fromEntries(r.rows.filter((x: { errors?: object }) => x.errors).map((x: { row: number; errors: object }) => [x.row, Object.keys(x.errors)]));
    expect(errs).toEqual({ 3: ['date'], 4: ['actType'], 5: ['externalRef'], 6: ['externalRef'], 7: ['perpetratorDegree', 'perpetratorAttribution'] });
    expect(r.rows[0].incidentId).toBeNull();
    expect(await count('pressIncidents')).toBe(before);
  });

  it('with skipBadRows the good rows are applied and the bad ones refused', async () => {
    const before = await count('pressIncidents');
    const csv = [HEADER, 'MIX-1,Good,2011-05-05,,Sumqayit,,,,Meydan TV,harassment,,,,,,', 'MIX-2,Bad,2011-05-05,,,,,,,,,,,,,ftp://nope'].join('\n');
    const res = await upload(csv, '?skipBadRows=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: true, created: 1, refused: 1 });
    expect(res.json().rows[1].errors).toHaveProperty('sourceUrl');
    expect(await count('pressIncidents')).toBe(before + 1);
  });

  it('a dry run reports what would happen and changes nothing', async () => {
    const before = await count('pressIncidents');
    const res = await upload([HEADER, 'DRY-1,Dry,2012,,,,,,,,,,,,,', 'MIX-1,Good again,2011-05-05,,,,,,,,,,,,,'].join('\n'), '?dryRun=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ applied: false, dryRun: true, created: 1, updated: 1 });
    expect(await count('pressIncidents')).toBe(before);
    const still = await t.db.selectFrom('pressIncidents').select('title').where('externalRef', '=', 'MIX-1').executeTakeFirstOrThrow();
    expect(still.title).toBe('Good');
  });

  it('refuses a file whose header is wrong, an empty body, a non-CSV and a caller without the right', async () => {
    const unknown = await upload('externalRef,title,date,password\nA,B,2010,x');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toEqual({ password: 'unknown column' });
    const missing = await upload('externalRef,title\nA,B');
    expect(missing.json().error.fields).toEqual({ date: 'required column missing' });
    expect((await upload('')).statusCode).toBe(400);
    const broken = await upload('externalRef,title,date\n"A,B,2010');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_csv');
    expect((await upload(GOOD, '', analyst)).statusCode).toBe(403);
    expect((await upload(GOOD, '?skipBadRows=maybe')).json().error.fields).toHaveProperty('skipBadRows');
  });
});
