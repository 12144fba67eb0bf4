import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { z } from 'zod';
import { PublicListItem, PublicListQuery } from '../../../shared/schemas/press.ts';
import { PublicListCache, SummaryCache } from './public-service.ts';

const PublicListPage = z.strictObject({ items: z.array(PublicListItem.strict()), nextCursor: z.string().nullable() });

let t: TestApp;
let monitor: Session;
let reviewer: Session;
let analyst: Session;
let outsider: Session;
beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  reviewer = await signIn(t.app, (await makeUser(t.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
  analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'] })).email);
  outsider = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH';
const req = (method: Method, url: string, payload?: object, s: Session = monitor) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });
const pub = (url: string) => t.app.inject({ method: 'GET', url: `/api/public/press${url}` });

async function person(name: string, aliases: string[] = [], contactDetails: string | null = null) {
  const res = await req('POST', '/api/v1/press/persons', { name, aliases, ...(contactDetails ? { contactDetails } : {}) });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const huseynovCase = (personId: string) => ({
  externalRef: `case-${Math.random().toString(36).slice(2)}`,
  title: 'Killing of Elmar Huseynov',
  occurred: '2005-03-02',
  city: 'Baku',
  placeExact: 'Stairwell of his home',
  context: 'home',
  narrative: 'Editor-in-chief of the weekly Monitor, shot dead.',
  priorThreats: true,
  workRelation: 'confirmed',
  sources: [
    { kind: 'court_decision', title: 'Huseynova v. Azerbaijan, no. 10653/10', url: 'https://example.org/echr/10653-10', reliability: 'high', publishedOn: '2017-04-13' },
    { kind: 'testimony', title: 'Confidential witness', reliability: 'medium', confidential: true },
  ],
  acts: [{ personId, actType: 'killing', method: 'firearm', outcome: 'killed' }],
  involvements: [{ label: 'Two Georgian citizens', category: 'unknown', degree: 'direct_perpetrator', attribution: 'named_by_authorities' }],
  legalCases: [
    {
      authority: 'Ministry of National Security',
      qualification: 'Murder',
      milestones: [
        { kind: 'case_opened', occurred: '2005-03-02' },
        { kind: 're_qualified', occurred: '2005-04-07', note: 'Act of terrorism' },
        { kind: 'extradition_refused', occurred: '2005-07-28', note: 'Georgia refused extradition' },
        { kind: 'echr_judgment', occurred: '2017-04-13', note: 'Violation of Article 2', sourceIndex: 0 },
        { kind: 'anniversary', occurred: '2020-03-02' },
      ],
    },
  ],
  stateRequests: [{ mechanism: 'unesco', requestedOn: '2006-01-10' }],
});

describe('recording an incident', () => {
  it('creates an incident with everything at once and derives its figures from the milestones', async () => {
    const pid = await person('Elmar Huseynov', ['Эльмар Гусейнов'], '+994 50 000 00 00');
    const res = await req('POST', '/api/v1/press/incidents', huseynovCase(pid));
    expect(res.statusCode).toBe(201);
    const v = res.json();
    expect(v.derived).toMatchObject({
      impunityStatus: 'complete_impunity',
      perpetratorConvicted: false,
      mastermindConvicted: null,
      unescoStatus: 'no_information',
      lastInvestigativeActOn: '2005-07-28',
      overridden: false,
    });
    expect(v.derived.daysSinceLastInvestigativeAct).toBeGreaterThan(7000);
    expect(v.legalCases[0].milestones.map((m: { kind: string; investigative: boolean }) => [m.kind, m.investigative])).toEqual([
      ['case_opened', true],
      ['re_qualified', true],
      ['extradition_refused', true],
      ['echr_judgment', false],
      ['anniversary', false],
    ]);
    expect(v.legalCases[0].milestones[3].sourceId).toBe(v.sources[0].id);
    expect(v.placeExact).toBe('Stairwell of his home');
    expect(v.acts[0].person.contactDetails).toBe('+994 50 000 00 00');
    const audit = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'press.incident.created').where('recordId', '=', v.id).executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ counts: { acts: 1, legalCases: 1 } });
  });

  it('records a conviction later and the status follows; the state answering moves UNESCO status', async () => {
    const pid = await person('Test Journalist');
    const created = (await req('POST', '/api/v1/press/incidents', { ...huseynovCase(pid), involvements: [] })).json();
    let v = (await req('POST', `/api/v1/press/incidents/${created.id}/involvements`, { category: 'criminal_group', degree: 'direct_perpetrator', attribution: 'charged' })).json();
    v = (await req('POST', `/api/v1/press/incidents/${created.id}/involvements`, { category: 'government_officials', degree: 'mastermind', attribution: 'suspected_by_ngo' })).json();
    expect(v.derived.impunityStatus).toBe('complete_impunity');
    const killer = v.involvements.find((i: { degree: string }) => i.degree === 'direct_perpetrator').id;
    v = (await req('PATCH', `/api/v1/press/incidents/${created.id}/involvements/${killer}`, { attribution: 'convicted' })).json();
    expect(v.derived).toMatchObject({ impunityStatus: 'partial_justice', perpetratorConvicted: true, mastermindConvicted: false, unescoStatus: 'resolved' });
    const lc = v.legalCases[0].id;
    const m = await req('POST', `/api/v1/press/incidents/${created.id}/legal-cases/${lc}/milestones`, { kind: 'verdict', occurred: '2019-06', note: 'Killer sentenced' });
    expect(m.statusCode).toBe(200);
    expect(m.json().derived.lastInvestigativeActOn).toBe('2019-06-30');
    const statement = await req('POST', `/api/v1/press/incidents/${created.id}/legal-cases/${lc}/milestones`, { kind: 'official_statement', occurred: '2024-01-01' });
    expect(statement.json().derived.lastInvestigativeActOn).toBe('2019-06-30');
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const before = await t.db.selectFrom('pressIncidents').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const bad = await req('POST', '/api/v1/press/incidents', { title: 'x', occurred: '2006-02-30', secret: 1, acts: [{ actType: 'killing' }] });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['acts.0.personId', 'occurred', 'secret']);
    const unknownPerson = await req('POST', '/api/v1/press/incidents', { title: 'x', occurred: '2006', acts: [{ personId: '00000000-0000-4000-8000-000000000000', actType: 'threat' }] });
    expect(unknownPerson.statusCode).toBe(400);
    expect(unknownPerson.json().error.fields).toEqual({ 'acts.0': 'no such person or outlet' });
    const badIndex = await req('POST', '/api/v1/press/incidents', { title: 'x', occurred: '2006', involvements: [{ category: 'unknown', degree: 'mastermind', attribution: 'charged', sourceIndex: 3 }] });
    expect(badIndex.statusCode).toBe(400);
    expect(badIndex.json().error.fields).toEqual({ 'involvements.0.sourceIndex': 'no source at this index' });
    const after = await t.db.selectFrom('pressIncidents').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('keeps a disputed date with both versions and a partial date as far as known', async () => {
    const pid = await person('Fikret Huseynli', ['Fikrət Hüseynli']);
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Abduction of Fikret Huseynli', occurred: '2006-03-05', disputed: '2006-03-06', dateNote: 'Late evening; some reports give 6 March', acts: [{ personId: pid, actType: 'abduction' }] })).json();
    expect(v.occurred).toEqual({ on: '2006-03-05', precision: 'day', display: '2006-03-05 / 2006-03-06' });
    expect(v.disputed).toEqual({ on: '2006-03-06', precision: 'day', display: '2006-03-06' });
    const y = (await req('POST', '/api/v1/press/incidents', { title: 'Threats', occurred: '2007', acts: [{ personId: pid, actType: 'threat' }] })).json();
    expect(y.occurred).toEqual({ on: '2007-01-01', precision: 'year', display: '2007' });
  });

  it('finds journalists and incidents by name across scripts and spellings', async () => {
    await person('Bahaddin Haziyev', ['Bəhəddin Həziyev']);
    for (const q of ['Khaziyev', 'Хазиев', 'həziyev', 'bahaddin haziev']) {
      const res = await req('GET', `/api/v1/press/persons?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((p: { name: string }) => p.name), q).toContain('Bahaddin Haziyev');
    }
    const list = await req('GET', `/api/v1/press/incidents?q=${encodeURIComponent('Гусейнли')}`);
    expect(list.json().items.map((i: { title: string }) => i.title)).toContain('Abduction of Fikret Huseynli');
    const outlet = await req('POST', '/api/v1/press/outlets', { name: 'Azadliq', aliases: ['Azadlıq', 'Азадлыг'], medium: 'print' });
    expect(outlet.statusCode).toBe(201);
    expect((await req('GET', `/api/v1/press/outlets?q=${encodeURIComponent('azadlıq')}`)).json().items.map((o: { name: string }) => o.name)).toEqual(['Azadliq']);
  });

  it('lets only press staff in; contact details only to those who may see them', async () => {
    expect((await req('GET', '/api/v1/press/incidents', undefined, outsider)).statusCode).toBe(200);
    expect((await req('GET', '/api/v1/press/incidents', undefined, outsider)).json().items).toEqual([]);
    expect((await req('POST', '/api/v1/press/incidents', { title: 'x', occurred: '2006' }, outsider)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/press/incidents' })).statusCode).toBe(401);
    const pid = await person('Nijat Huseynov', [], 'phone: secret');
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Stabbing', occurred: '2006-12-25', placeExact: 'Bus stop 12', acts: [{ personId: pid, actType: 'assault' }] })).json();
    const seen = (await req('GET', `/api/v1/press/incidents/${v.id}`, undefined, analyst)).json();
    expect(seen.title).toBe('Stabbing');
    expect(seen.acts[0].person.contactDetails).toBeUndefined();
    expect(seen.placeExact).toBeUndefined();
    expect((await req('GET', `/api/v1/press/incidents/${v.id}`, undefined, outsider)).statusCode).toBe(404);
    // reading a victim's contact details is recorded
    await req('GET', `/api/v1/press/incidents/${v.id}`);
    expect(await t.db.selectFrom('auditLog').select('seq').where('action', '=', 'press.incident.read').where('recordId', '=', v.id).execute()).toHaveLength(1);
  });
});

describe('review and publication', () => {
  it('only a reviewer publishes; the public page shows the published version until republished', async () => {
    const pid = await person('Uzeyir Jafarov', ['Üzeyir Cəfərov']);
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Beating of Uzeyir Jafarov', occurred: '2007-04-20', city: 'Baku', acts: [{ personId: pid, actType: 'assault', outcome: 'injured' }] })).json();
    expect((await pub(`/incidents/${v.id}`)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/press/incidents/${v.id}/publish`)).statusCode).toBe(403);
    const published = await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    expect(published.statusCode).toBe(200);
    expect(published.json().publishedAt).not.toBeNull();
    const page = await pub(`/incidents/${v.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ title: 'Beating of Uzeyir Jafarov', city: 'Baku', derived: { impunityStatus: 'complete_impunity' }, victims: [{ name: 'Uzeyir Jafarov', aliases: ['Üzeyir Cəfərov'] }] });
    expect(page.headers['cache-control']).toBe('no-store');

    const edited = await req('PATCH', `/api/v1/press/incidents/${v.id}`, { title: 'Beating of Uzeyir Jafarov outside the newspaper' });
    expect(edited.json().changedSincePublish).toBe(true);
    expect((await pub(`/incidents/${v.id}`)).json().title).toBe('Beating of Uzeyir Jafarov');
    await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    expect((await pub(`/incidents/${v.id}`)).json().title).toBe('Beating of Uzeyir Jafarov outside the newspaper');

    const withdrawn = await req('POST', `/api/v1/press/incidents/${v.id}/unpublish`, undefined, reviewer);
    expect(withdrawn.json().publishedAt).toBeNull();
    expect((await pub(`/incidents/${v.id}`)).statusCode).toBe(404);
    const actions = await t.db.selectFrom('auditLog').select('action').where('recordId', '=', v.id).orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['press.incident.created', 'press.incident.published', 'press.incident.updated', 'press.incident.republished', 'press.incident.unpublished']);
  });

  it('refuses to publish an incident without an act', async () => {
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Empty', occurred: '2010' })).json();
    const res = await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.fields).toEqual({ acts: 'at least one act is required' });
  });

  it('an analyst overrides a derived status only with a reason, flagged in the audit log', async () => {
    const pid = await person('Override Person');
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Override case', occurred: '2012', acts: [{ personId: pid, actType: 'threat' }] })).json();
    expect((await req('POST', `/api/v1/press/incidents/${v.id}/override`, { impunityStatus: 'full_justice', unescoStatus: null, reason: 'Court verdict of 2014 not yet recorded' })).statusCode).toBe(403);
    const noReason = await req('POST', `/api/v1/press/incidents/${v.id}/override`, { impunityStatus: 'full_justice', unescoStatus: null, reason: '' }, analyst);
    expect(noReason.statusCode).toBe(400);
    expect(Object.keys(noReason.json().error.fields)).toEqual(['reason']);
    const ok = await req('POST', `/api/v1/press/incidents/${v.id}/override`, { impunityStatus: 'full_justice', unescoStatus: 'resolved', reason: 'Court verdict of 2014 not yet recorded' }, analyst);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ derived: { impunityStatus: 'full_justice', unescoStatus: 'resolved', overridden: true }, computed: { impunityStatus: 'complete_impunity' } });
    const entry = await t.db.selectFrom('auditLog').selectAll().where('action', '=', 'press.incident.override').where('recordId', '=', v.id).executeTakeFirstOrThrow();
    expect(entry.flagged).toBe(true);
    // The reason is kept on the incident (overrideReason); the log records that one was given.
    expect(entry.purpose).toBe('reason_given');
  });
});

const MARK = 'ZZSECRETMARK';
describe('nothing internal or unpublished reaches the public', () => {
  it('searches every public response and export for markers planted in every internal field', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const pid = await person(`Marker Journalist ${n}`, [], `${MARK}-contact-${n}`);
      const res = await req('POST', '/api/v1/press/incidents', {
        title: `Published marker case ${n}`,
        occurred: `201${n}-05-0${n + 1}`,
        city: 'Ganja',
        placeExact: `${MARK}-place-${n}`,
        internalNotes: `${MARK}-notes-${n}`,
        narrative: 'Public narrative',
        sources: [
          { kind: 'testimony', title: `${MARK}-source-title-${n}`, url: `https://example.org/${MARK}-${n}`, claim: `${MARK}-claim-${n}`, publisher: `${MARK}-publisher`, reliability: 'low', confidential: true },
          { kind: 'news_article', title: 'Public article', reliability: 'high' },
        ],
        acts: [{ personId: pid, actType: n === 0 ? 'killing' : 'assault', outcome: 'injured' }],
        involvements: [{ label: 'Unknown men', category: 'criminal_group', degree: 'direct_perpetrator', attribution: 'alleged_by_victim', internalNote: `${MARK}-involvement-${n}`, sourceIndex: 0 }],
        legalCases: [{ authority: 'Police', milestones: [{ kind: 'case_opened', occurred: '2015-01-01', internalNote: `${MARK}-milestone-${n}`, sourceIndex: 0 }] }],
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
      expect((await req('POST', `/api/v1/press/incidents/${res.json().id}/publish`, undefined, reviewer)).statusCode).toBe(200);
    }
    // never published, and published then withdrawn
    const hiddenPerson = await person(`${MARK} Hidden Journalist`);
    const hidden = (await req('POST', '/api/v1/press/incidents', { title: `${MARK} unpublished`, occurred: '2011', city: `${MARK}-city`, narrative: `${MARK}`, acts: [{ personId: hiddenPerson, actType: 'killing' }] })).json();
    const withdrawn = (await req('POST', '/api/v1/press/incidents', { title: `${MARK} withdrawn`, occurred: '2012', acts: [{ personId: hiddenPerson, actType: 'threat' }] })).json();
    await req('POST', `/api/v1/press/incidents/${withdrawn.id}/publish`, undefined, reviewer);
    await req('POST', `/api/v1/press/incidents/${withdrawn.id}/unpublish`, undefined, reviewer);
    // a link from a published incident to an unpublished one
    await req('POST', `/api/v1/press/incidents/${ids[0]}/links`, { relatedId: hidden.id, kind: 'retaliation', note: `${MARK}-link` });
    await req('POST', `/api/v1/press/incidents/${ids[0]}/links`, { relatedId: ids[1], kind: 'same_outlet' });
    // edited after publishing: the edit stays internal until republished
    await req('PATCH', `/api/v1/press/incidents/${ids[2]}`, { narrative: `${MARK}-late-edit` });
    await req('POST', `/api/v1/press/incidents/${ids[0]}/publish`, undefined, reviewer);

    const urls = [
      '/incidents',
      '/incidents?limit=1',
      '/incidents?year=2010',
      '/incidents?year=2011',
      '/incidents?actType=killing',
      '/incidents?outcome=injured',
      '/incidents?perpetratorCategory=criminal_group',
      '/incidents?investigationStatus=ongoing',
      '/incidents?impunityStatus=complete_impunity',
      `/incidents?q=${MARK}`,
      '/incidents?q=hidden',
      ...ids.map((id) => `/incidents/${id}`),
      `/incidents/${hidden.id}`,
      `/incidents/${withdrawn.id}`,
      '/summary',
      '/export.csv',
      '/export.json',
      '/data-dictionary',
    ];
    const bodies: string[] = [];
    for (const url of urls) {
      const res = await pub(url);
      expect([200, 404], url).toContain(res.statusCode);
      bodies.push(res.body);
      expect(res.body, url).not.toContain(MARK);
    }
    // and the checks above are not vacuous: the published incidents are there, with their public source
    const all = (await pub('/incidents')).json();
    expect(all.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(ids));
    expect(all.items.map((i: { id: string }) => i.id)).not.toContain(hidden.id);
    const first = (await pub(`/incidents/${ids[0]}`)).json();
    expect(first.sources).toEqual([expect.objectContaining({ title: 'Public article' })]);
    expect(first.city).toBe('Ganja');
    expect(first.related).toEqual([{ id: ids[1], title: 'Published marker case 1', kind: 'same_outlet' }]);
    expect(first.legalCases[0].milestones[0].source).toBeNull();
    expect(bodies.find((b) => b.startsWith('id,title'))).toContain('Published marker case 2');
    // staff still see every internal field
    const staff = (await req('GET', `/api/v1/press/incidents/${ids[2]}`)).json();
    expect(JSON.stringify(staff)).toContain(`${MARK}-place-2`);
    expect(staff.narrative).toBe(`${MARK}-late-edit`);
  });
});

describe('public page', () => {
  it('filters, paginates and answers bad filters with 400', async () => {
    const page1 = await pub('/incidents?limit=2');
    expect(page1.statusCode).toBe(200);
    const body = page1.json();
    expect(body.items).toHaveLength(2);
    const page2 = (await pub(`/incidents?limit=2&cursor=${body.nextCursor}`)).json();
    const seen = [...body.items, ...page2.items].map((i: { id: string }) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    const dates = [...body.items, ...page2.items].map((i: { occurred: { on: string } }) => i.occurred.on);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect((await pub('/incidents?actType=flying')).json().error.fields).toHaveProperty('actType');
    expect((await pub('/incidents?cursor=garbage')).statusCode).toBe(400);
    expect((await pub('/incidents?admin=1')).json().error.fields).toEqual({ admin: 'unknown field' });
    const killings = (await pub('/incidents?actType=killing')).json().items;
    expect(killings.length).toBeGreaterThan(0);
    expect(killings.every((i: { actTypes: string[] }) => i.actTypes.includes('killing'))).toBe(true);
    const y = (await pub('/incidents?year=2011')).json().items;
    expect(y.every((i: { occurred: { on: string } }) => i.occurred.on.startsWith('2011'))).toBe(true);
  });

  it('sends list items in the schema, with the days since the last investigative act counted for today as on the incident page', async () => {
    const res = await pub('/incidents?limit=200');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = PublicListPage.parse(res.json());
    expect(body.items.length).toBeGreaterThan(1);
    for (const item of body.items.slice(0, 10)) {
      // Exactly the schema's fields, nothing more.
      expect(Object.keys(item).sort()).toEqual(Object.keys(PublicListItem.shape).sort());
      const detail = (await pub(`/incidents/${item.id}`)).json();
      expect(item.derived).toEqual(detail.derived);
      expect(item.title).toBe(detail.title);
    }
    expect(body.items.some((i) => i.derived.daysSinceLastInvestigativeAct !== null && i.derived.daysSinceLastInvestigativeAct > 0)).toBe(true);
  });

  it('caches list pages per process and drops them when any process publishes, republishes or withdraws', async () => {
    const otherProcess = new PublicListCache(t.db);
    const query = PublicListQuery.parse({ year: '1999' });
    const ids = async () => JSON.parse(await otherProcess.get(query)).items.map((i: { id: string }) => i.id) as string[];
    expect(await ids()).toEqual([]);
    const pid = await person('List Cache Person');
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'List cache case', occurred: '1999-06', acts: [{ personId: pid, actType: 'threat' }] })).json();
    await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    expect(await ids()).toEqual([v.id]);
    expect((await pub('/incidents?year=1999')).json().items.map((i: { title: string }) => i.title)).toEqual(['List cache case']);
    await req('PATCH', `/api/v1/press/incidents/${v.id}`, { title: 'List cache case, renamed' });
    // An edit stays internal until published again.
    expect((await pub('/incidents?year=1999')).json().items[0].title).toBe('List cache case');
    await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    expect((await pub('/incidents?year=1999')).json().items[0].title).toBe('List cache case, renamed');
    expect(JSON.parse(await otherProcess.get(query)).items[0].title).toBe('List cache case, renamed');
    await req('POST', `/api/v1/press/incidents/${v.id}/unpublish`, undefined, reviewer);
    expect(await ids()).toEqual([]);
    expect((await pub('/incidents?year=1999')).json().items).toEqual([]);
  });

  it('caches the summary per process and sees another process publish through the version in the database', async () => {
    const otherProcess = new SummaryCache(t.db);
    const before = await otherProcess.get();
    expect((await pub('/summary')).json().total).toBe(before.total);
    const pid = await person('Summary Person');
    const v = (await req('POST', '/api/v1/press/incidents', { title: 'Summary case', occurred: '2001-01-01', acts: [{ personId: pid, actType: 'killing' }], involvements: [{ category: 'criminal_group', degree: 'direct_perpetrator', attribution: 'convicted' }] })).json();
    expect((await otherProcess.get()).total).toBe(before.total);
    await req('POST', `/api/v1/press/incidents/${v.id}/publish`, undefined, reviewer);
    const after = await otherProcess.get();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.total).toBe(before.total + 1);
    expect(after.justice.full_justice).toBe(before.justice.full_justice + 1);
    expect(after.byYear.find((y) => y.year === 2001)).toEqual({ year: 2001, total: 1, full_justice: 1, partial_justice: 0, complete_impunity: 0, too_early: 0 });
    expect(after.sinceLastInvestigativeAct.reduce((n, b) => n + b.count, 0)).toBe(after.total - after.justice.full_justice);
    expect((await pub('/summary')).json()).toEqual(after);
  });

  it('computes and publishes an impunity index with its parameters', async () => {
    const params = { endYear: 2020, windowYears: 20, minCases: 1, population: 10_000_000, populationSource: 'State Statistical Committee', populationYear: 2020, publish: true };
    expect((await req('POST', '/api/v1/press/impunity-index', params)).statusCode).toBe(403);
    const res = await req('POST', '/api/v1/press/impunity-index', params, reviewer);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ fromYear: 2001, endYear: 2020, windowYears: 20, populationSource: 'State Statistical Committee' });
    expect(res.json().killings).toBeGreaterThanOrEqual(2);
    const s = (await pub('/summary')).json();
    expect(s.impunityIndex).toMatchObject({ id: res.json().id, minCases: 1, population: 10_000_000, unsolved: res.json().unsolved });
    expect(s.impunityIndex.value).toBeCloseTo(res.json().unsolved / 10, 3);
  });

  it('exports CSV and JSON that agree with the data dictionary', async () => {
    const dict = (await pub('/data-dictionary')).json();
    const csv = await pub('/export.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const header = csv.body.split('\n')[0]!;
    expect(header.split(',')).toEqual(dict.csvColumns.map((c: { name: string }) => c.name));
    const json = (await pub('/export.json')).json();
    const list = (await pub('/incidents?limit=200')).json();
    expect(json.map((d: { id: string }) => d.id)).toEqual(list.items.map((i: { id: string }) => i.id));
    expect(csv.body.trim().split('\n')).toHaveLength(json.length + 1);
  });
});

describe('OpenAPI', () => {
  it('describes the press routes with their schemas, the public ones without security', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const list = doc.paths['/api/public/press/incidents'].get;
    expect(list.security).toEqual([]);
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['year', 'actType', 'outcome', 'perpetratorCategory', 'investigationStatus']));
    expect(doc.paths['/api/v1/press/incidents'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/press/import'].post.requestBody.content).toHaveProperty(['text/csv']);
    expect(Object.keys(doc.paths).filter((p) => p.includes('/press/')).length).toBeGreaterThanOrEqual(20);
  });
});
