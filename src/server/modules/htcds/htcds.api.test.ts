import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { grantAccess } from '../../access/grants.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Role } from '../../../shared/roles.ts';
import type { HtcdsRecord } from '../../../shared/schemas/htcds.ts';
import { CASES } from '../cases/policy.ts';
import { insertCase } from '../cases/repository.ts';
import { actorOf, type Principal } from '../../access/principal.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import { EXPORT_BATCH, exportRecords } from './export.ts';

let t: TestApp;
let ngo: string;
let shelter: string;
let other: string;
let worker: Session & { id: string };
let supervisor: Session & { id: string };
let receiver: Session & { id: string };
let outsider: Session & { id: string };
let importer: Session & { id: string };
let caseId: string;

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

type Method = 'GET' | 'POST' | 'PATCH';
const call = (s: Session, method: Method, url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const bulk = async (s: Session, query = '') => {
  const res = await call(s, 'GET', `/exports/htcds${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { identifying: boolean; records: HtcdsRecord[] };
};

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  other = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await user(['case_worker'], ngo);
  supervisor = await user(['supervisor'], ngo);
  receiver = await user(['case_worker'], shelter);
  outsider = await user(['case_worker'], other);
  importer = await user(['case_worker'], (await makeAgency(t.db, { type: 'ngo' })).id);

  const c = await call(worker, 'POST', '/cases', {
    exploitationForms: ['forced_labour', 'sexual_exploitation'], sexExploitationTypes: ['prostitution'], controlMethods: ['debt_bondage', 'withholds_documents'],
    recruitmentMethods: ['online_social_networks'], recruitmentApps: ['telegram', '4sale'], industry: 'water_sewerage_waste', region: 'Ganja', country: 'AZ',
    narrative: 'Recruited for a job abroad that did not exist',
  });
  expect(c.statusCode).toBe(201);
  caseId = c.json().id;
  const person = await call(worker, 'POST', `/cases/${caseId}/people`, {
    role: 'victim',
    person: { name: { givenName: 'Гюльнара', familyName: 'Гусейнова', patronymic: 'Алиевна' }, aliases: [{ givenName: 'Gülnarə', familyName: 'Hüseynova' }], sex: 'female', birthDate: '1999-04-02', citizenship: 'AZE', languages: ['az', 'ru'] },
  });
  expect(person.statusCode, person.body).toBe(201);
  const personId = person.json().personId;
  expect((await call(worker, 'POST', `/cases/${caseId}/events`, { type: 'recruitment', date: '2025-03', country: 'AZ', region: 'Ganja', city: 'Ganja', place: 'Bus station', description: 'Met the recruiter' })).statusCode).toBe(201);
  expect((await call(worker, 'POST', `/cases/${caseId}/events`, { type: 'exploitation', date: '2025-06-01', country: 'TR', description: 'Held in a flat' })).statusCode).toBe(201);
  expect((await call(worker, 'POST', `/cases/${caseId}/consents`, { personId, kind: 'assistance', givenOn: '2025-07-01', form: 'written' })).statusCode).toBe(201);
  expect((await call(worker, 'POST', `/cases/${caseId}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2025-07-01', form: 'oral' })).statusCode).toBe(201);
  expect((await call(worker, 'POST', `/cases/${caseId}/notes`, { body: 'Needs a Russian interpreter' })).statusCode).toBe(201);
  await t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, CASES, { recordId: caseId, grantee: { agencyId: shelter }, sections: ['summary', 'events'], kind: 'share', reason: 'test' }));
});
afterAll(() => t.close());

describe('export of one case', () => {
  it('is the case in HTCDS fields and values, audited with the sections and no data', async () => {
    const res = await call(worker, 'GET', `/cases/${caseId}/htcds`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="NRM-\d{4}-\d{6}-htcds.json"/);
    const doc = res.json();
    expect(doc).toMatchObject({ standard: 'HTCDS', version: '2.0', identifying: true });
    const r = doc.records[0] as HtcdsRecord;
    expect(r).toMatchObject({
      cas_Status: 'Active',
      vic_TraffickingStatus: 'Possible victim of trafficking',
      vic_TypeOfExploitation: ['Forced labour', 'Sexual exploitation'],
      vic_TypeOfSexExploitation: ['Prostitution'],
      vic_MethodsOfControl: ['Debt bondage', 'Withholds documents'],
      vic_MethodOfRecruitment: ['Through online social networks'],
      vic_RecruitmentWebsitesAndApps: ['Telegram', '4Sale'],
      vic_ForcedLabourIndustry: 'Water supply; sewerage, waste management and remediation',
      pw_Narrative: 'Recruited for a job abroad that did not exist',
      cco_CaseComment: ['Needs a Russian interpreter'],
    });
    expect(r.persons![0]).toMatchObject({ pw_Role: 'victim', prs_FirstName: 'Гюльнара', prs_SecondName: 'Гусейнова', prs_MiddleName: 'Алиевна', prs_Gender: 'Feminine', prs_Birthdate: '1999-04-02', prs_Citizenship: ['AZE'], prs_PrimaryLanguage: 'az', prs_SecondaryLanguage: 'ru' });
    expect(r.events!.map((e) => [e.hte_Type, e.hte_Date, e.hte_Street ?? null])).toEqual([['Recruitment', '2025-03', 'Bus station'], ['Exploitation', '2025-06-01', null]]);
    expect(r.consents!.map((k) => [k.pw_Kind, k.con_Consent, k.pw_PersonRef === r.persons![0]!.pw_PersonRef])).toEqual([['assistance', true, true], ['data_sharing', true, true]]);
    const entry = await t.db.selectFrom('auditLog').select(['changes', 'actorUserId']).where('action', '=', 'case.htcds.read').where('recordId', '=', caseId).executeTakeFirstOrThrow();
    expect(entry.actorUserId).toBe(worker.id);
    expect(JSON.stringify(entry.changes)).not.toMatch(/Гусейнова|interpreter/);
    expect(entry.changes).toMatchObject({ sections: expect.arrayContaining(['people', 'events', 'notes']) });
  });

  it('an unrelated agency gets 404, as for the case itself', async () => {
    expect((await call(outsider, 'GET', `/cases/${caseId}/htcds`)).statusCode).toBe(404);
    expect((await call(outsider, 'GET', `/cases/00000000-0000-4000-8000-000000000000/htcds`)).statusCode).toBe(404);
  });

  it('a receiver sees only the shared sections', async () => {
    const res = await call(receiver, 'GET', `/cases/${caseId}/htcds`);
    expect(res.statusCode).toBe(200);
    const r = res.json().records[0] as HtcdsRecord;
    expect(r.vic_TypeOfExploitation).toEqual(['Forced labour', 'Sexual exploitation']);
    expect(r.events).toHaveLength(2);
    for (const k of ['persons', 'consents', 'cco_CaseComment', 'pw_Narrative', 'supportPlans', 'cas_ReferredOrganisation']) expect(r, k).not.toHaveProperty(k);
  });
});

describe('bulk export', () => {
  it('de-identified by default: no names, dates of birth, free text or places; stable pseudonyms', async () => {
    const a = await bulk(worker);
    expect(a.identifying).toBe(false);
    const r = a.records.find((x) => x.vic_ForcedLabourIndustry === 'Water supply; sewerage, waste management and remediation')!;
    expect(r.pw_CaseRef).toMatch(/^C-[0-9a-f]{20}$/);
    expect(r.persons![0]!.pw_PersonRef).toMatch(/^P-[0-9a-f]{20}$/);
    expect(r.persons![0]!.pw_BirthYear).toBe(1999);
    const text = JSON.stringify(a);
    for (const s of ['Гусейнова', 'Hüseynova', '1999-04-02', 'Bus station', 'Met the recruiter', 'interpreter', 'did not exist', 'NRM-']) expect(text).not.toContain(s);
    expect(r.consents![0]!.pw_PersonRef).toBe(r.persons![0]!.pw_PersonRef);
    const again = await bulk(worker);
    expect(again.records.find((x) => x.pw_CaseRef === r.pw_CaseRef)).toBeDefined();
  });

  it('an unrelated agency exports zero records; a receiver only the shared sections', async () => {
    expect((await bulk(outsider)).records).toHaveLength(0);
    const shared = await bulk(receiver);
    expect(shared.records).toHaveLength(1);
    expect(shared.records[0]).not.toHaveProperty('persons');
    expect(shared.records[0]!.events).toHaveLength(2);
  });

  it('identifying only with htcds:export_identifying (a supervisor), and audited with the count, never the data', async () => {
    const refused = await call(worker, 'GET', '/exports/htcds?identifying=true');
    expect(refused.statusCode).toBe(403);
    const full = await bulk(supervisor, '?identifying=true');
    expect(full.identifying).toBe(true);
    expect(full.records.find((r) => r.persons?.[0]?.prs_SecondName === 'Гусейнова')).toBeDefined();
    const entry = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'htcds.exported').where('actorUserId', '=', supervisor.id).executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ identifying: true, format: 'json', records: full.records.length, complete: true });
    expect(JSON.stringify(entry.changes)).not.toContain('Гусейнова');
  });

  it('a case whose access an order ended: only the owning agency\'s supervisor exports it', async () => {
    const ended = await call(worker, 'POST', '/cases', { exploitationForms: ['organ_removal'], region: 'Shaki' });
    const endedId = ended.json().id as string;
    expect((await call(worker, 'POST', `/cases/${endedId}/access-end`, { authority: 'court', orderedOn: '2025-01-10' })).statusCode).toBe(200);
    expect((await call(worker, 'GET', `/cases/${endedId}/htcds`)).statusCode).toBe(404);
    expect((await bulk(worker)).records.some((r) => r.pw_Region === 'Shaki')).toBe(false);
    expect((await call(supervisor, 'GET', `/cases/${endedId}/htcds`)).statusCode).toBe(200);
    expect((await bulk(supervisor)).records.filter((r) => r.pw_Region === 'Shaki')).toHaveLength(1);
  });

  it('pages through more cases than one batch, each once', async () => {
    const agencyId = (await makeAgency(t.db, { type: 'ngo' })).id;
    const many = await user(['case_worker'], agencyId);
    await t.db.transaction().execute(async (tx) => {
      for (let i = 0; i < EXPORT_BATCH * 2 + 17; i++)
        await insertCase(tx, { ownerAgencyId: agencyId, ownerUserId: many.id, createdBy: many.id, region: `R${i}`, country: null, exploitationForms: [], sexExploitationTypes: [], controlMethods: [], recruitmentMethods: [], recruitmentApps: [], industry: null, narrative: null, sourceContactId: null });
    });
    // One more case of the agency that the case worker may not export: an order ended access to it.
    const hidden = (await call(many, 'POST', '/cases', { exploitationForms: ['organ_removal'], region: 'Hidden' })).json().id as string;
    expect((await call(many, 'POST', `/cases/${hidden}/access-end`, { authority: 'court', orderedOn: '2025-01-10' })).statusCode).toBe(200);
    const all = await bulk(many);
    expect(all.records).toHaveLength(EXPORT_BATCH * 2 + 17);
    expect(new Set(all.records.map((r) => r.pw_Region)).size).toBe(EXPORT_BATCH * 2 + 17);

    // The audit names every case whose data left, and no other: the start, one entry per batch with
    // the case ids, then the end with the count.
    const ids = (await t.db.selectFrom('cases').select('id').where('ownerAgencyId', '=', agencyId).execute()).map((r) => r.id);
    const byRef = new Map(ids.map((id) => [`C-${t.app.keys.pseudonym('case', id)}`, id]));
    const exported = all.records.map((r) => byRef.get(r.pw_CaseRef!)!);
    expect(exported).not.toContain(undefined);
    expect(exported).not.toContain(hidden);
    const entries = await t.db.selectFrom('auditLog').select(['action', 'changes', 'recordId']).where('actorUserId', '=', many.id).where('action', 'like', 'htcds.export%').orderBy('seq').execute();
    expect(entries.map((e) => e.action)).toEqual(['htcds.export_started', 'htcds.exported_batch', 'htcds.exported_batch', 'htcds.exported_batch', 'htcds.exported']);
    expect(entries[0]!.changes).toMatchObject({ format: 'json', identifying: false, openedFrom: null, openedTo: null });
    const batches = entries.filter((e) => e.action === 'htcds.exported_batch').map((e) => (e.changes as { caseIds: string[] }).caseIds);
    expect(batches.map((b) => b.length)).toEqual([EXPORT_BATCH, EXPORT_BATCH, 17]);
    expect(batches.flat()).toEqual(exported);
    expect(entries.at(-1)!.changes).toMatchObject({ records: EXPORT_BATCH * 2 + 17, complete: true });
    const exportId = (entries[0]!.changes as { exportId: string }).exportId;
    expect(entries.every((e) => (e.changes as { exportId: string }).exportId === exportId)).toBe(true);
  });

  it('audits a batch before any of its records leaves, and counts a record once it has left', async () => {
    const agencyId = (await makeAgency(t.db, { type: 'ngo' })).id;
    const u = await user(['case_worker'], agencyId);
    for (const region of ['One', 'Two', 'Three']) expect((await call(u, 'POST', '/cases', { exploitationForms: ['forced_labour'], region })).statusCode).toBe(201);
    const access = (await loadUserWithAccess(t.db, u.id))!;
    const p: Principal = { userId: u.id, agencyId, email: access.email, roles: access.roles, permissions: new Set(access.permissions), via: 'session', sessionId: null, tokenId: null };
    const records = exportRecords(t.db, p, actorOf(p), t.app.keys, { format: 'json', identifying: false });
    const first = await records.next();
    expect(first.done).toBe(false);
    const entries = () => t.db.selectFrom('auditLog').select(['action', 'changes']).where('actorUserId', '=', u.id).where('action', 'like', 'htcds.export%').orderBy('seq').execute();
    const sofar = await entries();
    expect(sofar.map((e) => e.action)).toEqual(['htcds.export_started', 'htcds.exported_batch']);
    const named = (sofar[1]!.changes as { caseIds: string[] }).caseIds;
    expect(named).toHaveLength(3);
    expect(named.map((id) => `C-${t.app.keys.pseudonym('case', id)}`)).toContain(first.value!.pw_CaseRef);
    // The reader goes away after one record.
    await records.return(undefined);
    const after = await entries();
    expect(after.map((e) => e.action)).toEqual(['htcds.export_started', 'htcds.exported_batch', 'htcds.exported']);
    expect(after[2]!.changes).toMatchObject({ records: 1, complete: false });
  });

  it('filters by the opening time', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await bulk(worker, `?openedFrom=${encodeURIComponent(future)}`)).records).toHaveLength(0);
    const bad = await call(worker, 'GET', '/exports/htcds?openedFrom=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('openedFrom');
  });

  it('as CSV: one row per person, HTCDS column names, values joined', async () => {
    const res = await call(supervisor, 'GET', '/exports/htcds?format=csv&identifying=true');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^pw_CaseRef,pw_OwnerAgency,pw_OpenedAt,cas_Status/);
    const row = lines.find((l) => l.includes('Гусейнова'))!;
    expect(row).toContain('Forced labour | Sexual exploitation');
    expect(row).toContain('victim');
  });
});

describe('referrals in an export', () => {
  it('are those the user may see: after a transfer the sender does not learn where the new owner referred the case', async () => {
    const a = await makeAgency(t.db, { type: 'ngo' });
    const b = await makeAgency(t.db, { type: 'ngo' });
    const c = await makeAgency(t.db, { type: 'shelter' });
    const aWorker = await user(['case_worker'], a.id);
    const bWorker = await user(['case_worker'], b.id);
    const cWorker = await user(['case_worker'], c.id);
    const id = (await call(aWorker, 'POST', '/cases', { exploitationForms: ['forced_labour'], region: 'Lankaran' })).json().id as string;
    const person = await call(aWorker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Aysel', familyName: 'Kərimova' }, sex: 'female', birthYear: 1994 } });
    expect(person.statusCode, person.body).toBe(201);
    const personId = person.json().personId as string;
    const consent = (s: Session, agencyId: string, purpose: string) =>
      call(s, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId, purpose, givenOn: '2025-07-01', form: 'written' });
    expect((await consent(aWorker, b.id, 'case_transfer')).statusCode).toBe(201);
    const transfer = await call(aWorker, 'POST', `/cases/${id}/referrals`, { toAgencyId: b.id, purpose: 'case_transfer', sections: ['summary', 'people', 'events', 'consents'], reason: 'B takes the case over' });
    expect(transfer.statusCode, transfer.body).toBe(201);
    expect((await call(bWorker, 'POST', `/referrals/${transfer.json().id}/accept`, {})).statusCode).toBe(200);
    expect((await consent(bWorker, c.id, 'services')).statusCode).toBe(201);
    const onward = await call(bWorker, 'POST', `/cases/${id}/referrals`, { toAgencyId: c.id, purpose: 'services', serviceType: 'shelter', sections: ['summary'], reason: 'Needs a bed' });
    expect(onward.statusCode, onward.body).toBe(201);
    expect((await call(cWorker, 'POST', `/referrals/${onward.json().id}/accept`, {})).statusCode).toBe(200);

    // A keeps the summary and the referrals; its case page shows its own transfer, not B's referral to C.
    const page = (await call(aWorker, 'GET', `/cases/${id}`)).json();
    expect(page.sections).toEqual(['referrals', 'summary']);
    expect(page.referrals.map((r: { toAgencyId: string }) => r.toAgencyId)).toEqual([b.id]);

    const incoming = { cas_ReferringOrganisation: a.name, cas_ReasonForIncomingReferral: 'Other' };
    const hidden = { cas_ReferredOrganisation: null, cas_OutgoingReferralDate: null, cas_ReasonForOutgoingReferral: null };
    const single = (await call(aWorker, 'GET', `/cases/${id}/htcds`)).json().records[0] as HtcdsRecord;
    expect(single).toMatchObject({ ...incoming, ...hidden });
    expect(JSON.stringify(single)).not.toContain(c.name);
    const mass = (await bulk(aWorker)).records;
    expect(mass).toHaveLength(1);
    expect(mass[0]).toMatchObject({ ...incoming, ...hidden });
    expect(JSON.stringify(mass)).not.toContain(c.name);

    // The owner sees both.
    const seen = { ...incoming, cas_ReferredOrganisation: c.name, cas_ReasonForOutgoingReferral: 'Additional Services Required' };
    expect((await call(bWorker, 'GET', `/cases/${id}/htcds`)).json().records[0]).toMatchObject({ ...seen, cas_OutgoingReferralDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const owners = (await bulk(bWorker)).records;
    expect(owners).toHaveLength(1);
    expect(owners[0]).toMatchObject({ ...seen, cas_OutgoingReferralDate: expect.stringMatching(/^\d{4}-\d{2}$/) });
  });
});

describe('dates in a de-identified export', () => {
  it('are cut to the month, and the guardian\'s appointment is left out; an identifying export keeps them', async () => {
    const agencyId = (await makeAgency(t.db, { type: 'ngo' })).id;
    const w = await user(['case_worker'], agencyId);
    const boss = await user(['supervisor'], agencyId);
    const id = (await call(w, 'POST', '/cases', { exploitationForms: ['forced_begging'], region: 'Quba' })).json().id as string;
    const person = await call(w, 'POST', `/cases/${id}/people`, {
      role: 'victim', unaccompanied: true, guardianName: 'Elşən Həsənov', guardianAppointedOn: '2025-05-14',
      person: { name: { givenName: 'Nigar', familyName: 'Əliyeva' }, sex: 'female', birthDate: '2012-09-23', citizenship: 'AZE' },
    });
    expect(person.statusCode, person.body).toBe(201);
    const personId = person.json().personId as string;
    expect((await call(w, 'POST', `/cases/${id}/events`, { type: 'recruitment', date: '2025-02-17', country: 'AZ' })).statusCode).toBe(201);
    expect((await call(w, 'POST', `/cases/${id}/events`, { type: 'transit', date: '2025-03', country: 'GE' })).statusCode).toBe(201);
    expect((await call(w, 'POST', `/cases/${id}/events`, { type: 'exploitation', date: '2024', country: 'TR' })).statusCode).toBe(201);
    const assistance = await call(w, 'POST', `/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: '2025-05-15', form: 'written', givenBy: 'guardian' });
    expect(assistance.statusCode, assistance.body).toBe(201);
    const sharing = await call(w, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2025-05-16', form: 'written', givenBy: 'guardian' });
    expect(sharing.statusCode, sharing.body).toBe(201);
    const consents = (await call(w, 'GET', `/cases/${id}`)).json().consents as { id: string; kind: string }[];
    const service = await call(w, 'POST', `/cases/${id}/assistance-plan/services`, { service: 'safe_accommodation', status: 'delivered', consentId: consents.find((k) => k.kind === 'assistance')!.id, plannedOn: '2025-05-18', startedOn: '2025-05-19', endedOn: '2025-06-20' });
    expect(service.statusCode, service.body).toBe(201);
    const sent = await call(w, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary'], reason: 'Needs a bed' });
    expect(sent.statusCode, sent.body).toBe(201);
    expect((await call(w, 'POST', `/cases/${id}/consents/${consents.find((k) => k.kind === 'data_sharing')!.id}/withdraw`, { withdrawnOn: '2025-08-04' })).statusCode).toBe(200);

    const [r] = (await bulk(w)).records;
    const month = /^\d{4}-\d{2}$/;
    expect(r!.pw_OpenedAt).toMatch(month);
    const { openedAt } = await t.db.selectFrom('cases').select('openedAt').where('id', '=', id).executeTakeFirstOrThrow();
    expect(r!.pw_OpenedAt).toBe(openedAt.toISOString().slice(0, 7));
    expect(r!.cas_OutgoingReferralDate).toMatch(month);
    const x = r!.persons![0]!;
    expect(x).not.toHaveProperty('pw_GuardianAppointedOn');
    expect(x).not.toHaveProperty('prs_Birthdate');
    expect(x).toMatchObject({ pw_BirthYear: 2012, pw_Unaccompanied: true });
    expect(r!.events!.map((e) => e.hte_Date)).toEqual(['2024', '2025-02', '2025-03']);
    expect(r!.consents!.map((k) => [k.pw_GivenOn, k.pw_WithdrawnOn ?? null])).toEqual([['2025-05', null], ['2025-05', '2025-08']]);
    expect(r!.supportPlans!.map((s) => [s.pw_PlannedOn, s.pw_StartedOn, s.spl_ActualEndDate])).toEqual([['2025-05', '2025-05', '2025-06']]);
    // No exact day anywhere in the record, whatever field it is in.
    expect(JSON.stringify(r)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const csv = (await call(w, 'GET', '/exports/htcds?format=csv')).body;
    expect(csv.split('\r\n')[1]).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    const [full] = (await bulk(boss, '?identifying=true')).records;
    expect(full!.persons![0]).toMatchObject({ pw_GuardianAppointedOn: '2025-05-14', prs_Birthdate: '2012-09-23' });
    expect(full!.events!.map((e) => e.hte_Date)).toEqual(['2024', '2025-02-17', '2025-03']);
    expect(full!.consents![0]!.pw_GivenOn).toBe('2025-05-15');
    expect(full!.pw_OpenedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('the opening-time filter', () => {
  it('is on when the case was opened, not when it was entered: from inclusive, to exclusive', async () => {
    const agencyId = (await makeAgency(t.db, { type: 'ngo' })).id;
    const w = await user(['case_worker'], agencyId);
    const late = (await call(w, 'POST', '/cases', { exploitationForms: ['forced_labour'], region: 'Entered late' })).json().id as string;
    expect((await call(w, 'POST', '/cases', { exploitationForms: ['forced_labour'], region: 'Opened today' })).statusCode).toBe(201);
    // Opened in March 2020, entered in Pathway today.
    await t.db.updateTable('cases').set({ openedAt: new Date('2020-03-15T09:30:00Z') }).where('id', '=', late).execute();
    const regions = async (query: string) => (await bulk(w, query)).records.map((r) => r.pw_Region).sort();
    const since = (d: Date) => encodeURIComponent(d.toISOString());
    const hourAgo = since(new Date(Date.now() - 3600_000));
    expect(await regions(`?openedFrom=${hourAgo}`)).toEqual(['Opened today']);
    expect(await regions(`?openedTo=${hourAgo}`)).toEqual(['Entered late']);
    expect(await regions('?openedFrom=2020-03-01T00:00:00Z&openedTo=2020-04-01T00:00:00%2B04:00')).toEqual(['Entered late']);
    expect(await regions('?openedFrom=2020-03-15T09:30:00Z&openedTo=2020-03-15T09:30:00.001Z')).toEqual(['Entered late']);
    expect(await regions('?openedTo=2020-03-15T09:30:00Z')).toEqual([]);

    // The case list has the same filter, beside `from`/`to` on the creation time.
    const listed = async (query: string) => (await call(w, 'GET', `/cases${query}`)).json().items.map((c: { id: string }) => c.id);
    expect(await listed('?openedFrom=2020-03-01T00:00:00Z&openedTo=2020-04-01T00:00:00Z')).toEqual([late]);
    expect(await listed(`?from=${hourAgo}&openedTo=2020-04-01T00:00:00Z`)).toEqual([late]);
    const bad = await call(w, 'GET', '/cases?openedTo=March');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('openedTo');
  });
});

const doc = (records: unknown[]) => ({ standard: 'HTCDS', version: '2.0', records });
const validRecord = (overrides: Record<string, unknown> = {}) => ({
  cas_Status: 'Active',
  vic_TraffickingStatus: 'Possible victim of trafficking',
  vic_TypeOfExploitation: ['Forced begging'],
  pw_Region: 'Sumqayit',
  persons: [{ pw_PersonRef: 'p1', pw_Role: 'victim', prs_FirstName: 'Rəşad', prs_SecondName: 'Məmmədov', prs_Gender: 'Masculine', pw_BirthYear: 2009, pw_BirthYearEstimated: true, prs_Citizenship: ['AZE'] }],
  events: [{ hte_Type: 'Exploitation', hte_Date: '2025', hte_Country: 'AZ' }],
  consents: [{ con_Consent: true, pw_PersonRef: 'p1', pw_Kind: 'assistance', pw_GivenOn: '2025-05-05', pw_Form: 'oral', pw_GivenBy: 'guardian' }],
  ...overrides,
});
const casesOf = async (agencyId: string) => Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).where('ownerAgencyId', '=', agencyId).executeTakeFirstOrThrow()).n);

describe('import', () => {
  it('names every invalid field by its path, and writes nothing', async () => {
    const { agencyId } = await t.db.selectFrom('users').select('agencyId').where('id', '=', importer.id).executeTakeFirstOrThrow();
    const before = await casesOf(agencyId);
    const res = await call(importer, 'POST', '/imports/htcds', doc([
      validRecord(),
      validRecord(),
      validRecord(),
      validRecord({ vic_TypeOfExploitation: ['Forced labor'], cas_Status: 'Closed', colour: 'red' }),
      validRecord({ events: [{ hte_Type: 'Transit', hte_Date: '2025-02-30' }], consents: [{ con_Consent: true, pw_PersonRef: 'p9', pw_Kind: 'data_sharing', pw_GivenOn: '2025-05-05', pw_Form: 'written' }] }),
      validRecord({ persons: [{ pw_PersonRef: 'p1', pw_Role: 'victim', prs_Gender: 'Male', prs_Birthdate: '2090-01-01' }] }),
    ]));
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.fields as Record<string, string>;
    expect(res.json().error.code).toBe('validation_failed');
    expect(fields).toHaveProperty(['records[3].vic_TypeOfExploitation[0]']);
    expect(fields).toHaveProperty(['records[3].colour'], 'unknown field');
    expect(fields).toHaveProperty(['records[5].persons[0].prs_Gender']);
    expect(Object.keys(fields).every((k) => !k.startsWith('records[0]'))).toBe(true);
    expect(await casesOf(agencyId)).toBe(before);

    // The schema is satisfied; the rules are not.
    const rules = await call(importer, 'POST', '/imports/htcds', doc([
      validRecord({ cas_Status: 'Closed' }),
      validRecord({ events: [{ hte_Type: 'Transit', hte_Date: '2025-02-30' }], consents: [{ con_Consent: true, pw_PersonRef: 'p9', pw_Kind: 'data_sharing', pw_GivenOn: '2025-05-05', pw_Form: 'written' }] }),
      validRecord({ persons: [{ pw_PersonRef: 'p1', pw_Role: 'victim', prs_Birthdate: '2090-01-01' }] }),
    ]));
    expect(rules.statusCode).toBe(400);
    expect(Object.keys(rules.json().error.fields).sort()).toEqual([
      'records[0].cas_ReasonForCaseClosure',
      'records[1].consents[0].pw_AgencyId',
      'records[1].consents[0].pw_PersonRef',
      'records[1].consents[0].pw_Purpose',
      'records[1].events[0].hte_Date',
      'records[2].persons[0].prs_Birthdate',
      'records[2].persons[0].prs_FirstName',
    ]);
    expect(await casesOf(agencyId)).toBe(before);
    const wrong = await call(importer, 'POST', '/imports/htcds', { standard: 'HTCDS', version: '1.0', records: [] });
    expect(Object.keys(wrong.json().error.fields).sort()).toEqual(['records', 'version']);
  });

  it('a dry run checks, warns about likely duplicates and writes nothing; the import then writes all of it, audited', async () => {
    const { agencyId } = await t.db.selectFrom('users').select('agencyId').where('id', '=', importer.id).executeTakeFirstOrThrow();
    // A person the importer's agency already has: the same person spelt in Cyrillic.
    expect((await call(importer, 'POST', '/people', { name: { givenName: 'Рашад', familyName: 'Мамедов' }, sex: 'male', birthYear: 2009, citizenship: 'AZE' })).statusCode).toBe(201);
    const before = await casesOf(agencyId);
    const body = doc([validRecord(), validRecord({ persons: [], consents: [], events: [] })]);
    const dry = await call(importer, 'POST', '/imports/htcds?dryRun=true', body);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().dryRun).toBe(true);
    expect(dry.json().records[0].warnings).toEqual([expect.objectContaining({ path: 'records[0].persons[0]', code: 'likely_duplicate' })]);
    expect(dry.json().records[0].caseId).toBeUndefined();
    expect(await casesOf(agencyId)).toBe(before);
    expect(await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'htcds.import_checked').where('actorUserId', '=', importer.id).executeTakeFirst()).toBeDefined();

    const res = await call(importer, 'POST', '/imports/htcds', body);
    expect(res.statusCode, res.body).toBe(201);
    expect(await casesOf(agencyId)).toBe(before + 2);
    const [first] = res.json().records;
    expect(first.caseNumber).toMatch(/^NRM-/);
    const page = await call(importer, 'GET', `/cases/${first.caseId}`);
    expect(page.json().people[0].person.names[0].asEntered).toBe('Rəşad Məmmədov');
    expect(page.json().people[0].person).toMatchObject({ birthYear: 2009, birthYearEstimated: true, sex: 'male' });
    expect(page.json().consents[0]).toMatchObject({ kind: 'assistance', givenBy: 'guardian', active: true });
    const entry = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'htcds.imported').where('actorUserId', '=', importer.id).executeTakeFirstOrThrow();
    expect(entry.changes).toMatchObject({ records: 2, persons: 1, cases: res.json().records.map((r: { caseId: string }) => r.caseId) });
    expect(JSON.stringify(entry.changes)).not.toContain('Məmmədov');
    const created = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'case.created').where('recordId', '=', first.caseId).executeTakeFirstOrThrow();
    expect(created.changes).toMatchObject({ importedFrom: 'htcds', persons: 1, events: 1 });
  });

  it('refuses a de-identified document (identifying: false), naming the field, and writes nothing', async () => {
    const { agencyId } = await t.db.selectFrom('users').select('agencyId').where('id', '=', importer.id).executeTakeFirstOrThrow();
    const before = await casesOf(agencyId);
    for (const url of ['/imports/htcds', '/imports/htcds?dryRun=true']) {
      const res = await call(importer, 'POST', url, { ...doc([validRecord()]), identifying: false });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(Object.keys(res.json().error.fields)).toEqual(['identifying']);
    }
    // As a de-identified export writes it.
    const exported = await call(worker, 'GET', '/exports/htcds');
    const res = await call(importer, 'POST', '/imports/htcds', exported.json());
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('identifying');
    expect(await casesOf(agencyId)).toBe(before);
    // Identifying, or not said: imported.
    expect((await call(importer, 'POST', '/imports/htcds?dryRun=true', { ...doc([validRecord()]), identifying: true })).statusCode).toBe(200);
  });

  it('refuses a user who may not open cases', async () => {
    const analyst = await user(['analyst'], other);
    expect((await call(analyst, 'POST', '/imports/htcds', doc([validRecord()]))).statusCode).toBe(403);
  });
});

describe('round trip', () => {
  /** What must survive: the record without the references that a new case and new people get. */
  const comparable = (r: HtcdsRecord) => {
    const refs = new Map((r.persons ?? []).map((x, i) => [x.pw_PersonRef, `person-${i}`]));
    const { pw_CaseRef: _c, pw_OpenedAt: _o, pw_OwnerAgency: _a, ...rest } = r;
    return {
      ...rest,
      persons: r.persons?.map((x) => ({ ...x, pw_PersonRef: refs.get(x.pw_PersonRef) })),
      consents: r.consents?.map((k) => ({ ...k, pw_PersonRef: refs.get(k.pw_PersonRef) })),
    };
  };

  it('export, import, export again: the same data', async () => {
    const withdrawn = await call(worker, 'GET', `/cases/${caseId}`);
    const consentId = withdrawn.json().consents[1].id;
    expect((await call(worker, 'POST', `/cases/${caseId}/consents/${consentId}/withdraw`, { withdrawnOn: '2025-08-01' })).statusCode).toBe(200);
    const exported = (await call(worker, 'GET', `/cases/${caseId}/htcds`)).json();
    const imported = await call(worker, 'POST', '/imports/htcds', exported);
    expect(imported.statusCode, imported.body).toBe(201);
    const again = (await call(worker, 'GET', `/cases/${imported.json().records[0].caseId}/htcds`)).json();
    expect(comparable(again.records[0])).toEqual(comparable(exported.records[0]));
    expect(again.records[0].consents[1]).toMatchObject({ con_Consent: false, pw_WithdrawnOn: '2025-08-01' });
  });
});
