import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { dayIn } from '../../../domain/deadlines.ts';
import type { Role } from '../../../shared/roles.ts';

/** Hand-offs (issue 15): what an identification referral must carry, asking for what it lacks, duplicates. */
let t: TestApp;
let ngo: string;
let authority: string;
let shelter: string;
let worker: Session & { id: string };
let officer: Session & { id: string };

async function user(roles: Role[], agencyId: string) {
  const u = await makeUser(t.db, { roles, agencyId });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  authority = (await makeAgency(t.db, { type: 'police' })).id;
  shelter = (await makeAgency(t.db, { type: 'shelter' })).id;
  worker = await user(['case_worker'], ngo);
  officer = await user(['identification_officer'], authority);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const ALL_NEEDED = ['summary', 'people', 'events', 'screening', 'identification'];

async function caseWithVictim() {
  const id = (await call(worker, 'POST', '/cases', { exploitationForms: ['forced_labour'] })).json().id as string;
  const personId = (await call(worker, 'POST', `/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nərmin', familyName: 'Quliyeva' }, sex: 'female', birthYear: 1994 } })).json().personId as string;
  for (const agencyId of [authority, shelter])
    for (const purpose of ['identification', 'services'])
      await call(worker, 'POST', `/cases/${id}/consents`, { personId, kind: 'data_sharing', agencyId, purpose, givenOn: dayIn('Asia/Baku', new Date()), form: 'written' });
  return { id, personId };
}

describe('an identification referral', () => {
  it('is refused without the sections the decision needs, naming the field and the sections', async () => {
    const { id } = await caseWithVictim();
    const r = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ['summary', 'people'] });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields.sections).toContain('events, screening, identification');
    expect((await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ALL_NEEDED })).statusCode).toBe(201);
    // Services carry what the sender chooses.
    expect((await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'] })).statusCode).toBe(201);
  });

  it('sent before the rule (old data) tells the officer what is missing, who asks for it; the sender shares it and the task is done', async () => {
    const { id } = await caseWithVictim();
    // An old referral: only the people went.
    const sent = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ALL_NEEDED });
    const referralId = sent.json().id as string;
    await t.db.updateTable('referrals').set({ sectionsRequested: ['summary', 'people'], sectionsShared: ['summary', 'people'] }).where('id', '=', referralId).execute();
    expect((await call(officer, 'POST', `/referrals/${referralId}/accept`, {})).statusCode).toBe(200);

    const page = (await call(officer, 'GET', `/cases/${id}`)).json();
    expect(page.identification).toBeUndefined();
    expect(page.received).toHaveLength(1);
    expect(page.received[0].sectionsMissing).toEqual(['events', 'screening', 'identification']);
    expect(page.received[0].sectionsAskedAt).toBeNull();

    const asked = await call(officer, 'POST', `/referrals/${referralId}/ask-sections`, {});
    expect(asked.statusCode).toBe(200);
    expect(asked.json().sectionsAskedAt).not.toBeNull();
    expect((await call(officer, 'POST', `/referrals/${referralId}/ask-sections`, {})).json().error.code).toBe('already_asked');
    // Only the receiver asks.
    expect((await call(worker, 'POST', `/referrals/${referralId}/ask-sections`, {})).statusCode).toBe(403);

    // The sender has a task naming the sections, linked to the referral.
    const tasks = (await call(worker, 'GET', '/tasks')).json().items as { caseId: string; referralId: string | null; askedSections: string[] | null; assignedUserId: string }[];
    const task = tasks.find((k) => k.referralId === referralId)!;
    expect(task).toMatchObject({ caseId: id, askedSections: ['events', 'screening', 'identification'], assignedUserId: worker.id });
    const sender = (await call(worker, 'GET', `/cases/${id}`)).json();
    expect(sender.referrals.find((r: { id: string }) => r.id === referralId).sectionsAskedAt).not.toBeNull();

    // Only the sender shares; sharing widens the accepted referral at once and completes the task.
    expect((await call(officer, 'POST', `/referrals/${referralId}/sections`, { sections: ['events'] })).statusCode).toBe(403);
    const widened = await call(worker, 'POST', `/referrals/${referralId}/sections`, { sections: ['events', 'screening', 'identification'] });
    expect(widened.statusCode).toBe(200);
    expect(widened.json()).toMatchObject({ sectionsMissing: [], sectionsAskedAt: null });
    const after = (await call(officer, 'GET', `/cases/${id}`)).json();
    expect(after.identification).toHaveLength(1);
    expect(after.received[0].sectionsMissing).toEqual([]);
    expect(((await call(worker, 'GET', '/tasks')).json().items as { referralId: string | null }[]).some((k) => k.referralId === referralId)).toBe(false);
    expect((await call(officer, 'POST', `/referrals/${referralId}/ask-sections`, {})).json().error.code).toBe('nothing_missing');

    // The audit names the sections, never the victim.
    const entries = await t.db.selectFrom('auditLog').select(['action', 'changes']).where('recordId', '=', id).where('action', 'in', ['case.referral_sections_asked', 'case.referral_widened']).execute();
    expect(entries.map((e) => e.action).sort()).toEqual(['case.referral_sections_asked', 'case.referral_widened']);
    expect(JSON.stringify(entries)).not.toContain('Quliyeva');
  });
});

describe('a second referral of the case to the same agency', () => {
  it('is answered 409 duplicate_referral while the first is pending or accepted, unless confirmed', async () => {
    const { id } = await caseWithVictim();
    const first = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'] });
    expect(first.statusCode).toBe(201);
    const again = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary', 'people'] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'duplicate_referral', fields: { confirmDuplicate: 'a referral to this agency is pending' } });
    // Another agency is no duplicate.
    expect((await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: authority, purpose: 'identification', sections: ALL_NEEDED })).statusCode).toBe(201);
    const confirmed = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'], confirmDuplicate: true });
    expect(confirmed.statusCode).toBe(201);
    const audit = await t.db.selectFrom('auditLog').select('changes').where('recordId', '=', id).where('action', '=', 'case.referral_sent').execute();
    expect(audit.some((a) => (a.changes as { duplicateOf?: string }).duplicateOf === first.json().id)).toBe(true);
    // Once the earlier ones are answered for good, no warning.
    for (const r of [first.json().id, confirmed.json().id]) await call(worker, 'POST', `/referrals/${r}/revoke`, { reason: 'sent twice' });
    expect((await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'] })).statusCode).toBe(201);
  });

  it('is checked as a boolean', async () => {
    const { id } = await caseWithVictim();
    const r = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId: shelter, purpose: 'services', sections: ['summary'], confirmDuplicate: 'yes' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('confirmDuplicate');
  });
});

describe('sorting', () => {
  it('referrals by sent, either way, page by page; tasks by due; a bad sort is refused by name', async () => {
    const { id } = await caseWithVictim();
    const sent: string[] = [];
    for (const toAgencyId of [shelter, authority]) {
      const r = await call(worker, 'POST', `/cases/${id}/referrals`, { toAgencyId, purpose: 'services', sections: ['summary'] });
      sent.push(r.json().id);
    }
    const newest = (await call(worker, 'GET', `/referrals?caseId=${id}`)).json().items.map((r: { id: string }) => r.id);
    expect(newest).toEqual([...sent].reverse());
    const first = (await call(worker, 'GET', `/referrals?caseId=${id}&sort=sent&limit=1`)).json();
    expect(first.items.map((r: { id: string }) => r.id)).toEqual([sent[0]]);
    const second = (await call(worker, 'GET', `/referrals?caseId=${id}&sort=sent&limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((r: { id: string }) => r.id)).toEqual([sent[1]]);
    expect((await call(worker, 'GET', '/referrals?sort=name')).json().error.fields).toHaveProperty('sort');

    for (const hours of [48, 24]) await call(worker, 'POST', `/cases/${id}/tasks`, { title: `in ${hours} hours`, dueAt: new Date(Date.now() + hours * 3600_000).toISOString() });
    const due = (s: string) => call(worker, 'GET', `/tasks?sort=${s}`).then((r) => r.json().items.map((k: { dueAt: string }) => k.dueAt) as string[]);
    const asc = await due('due');
    expect(asc).toEqual([...asc].sort());
    expect(await due('-due')).toEqual([...asc].reverse());
    expect((await call(worker, 'GET', '/tasks?sort=title')).json().error.fields).toHaveProperty('sort');
  });
});
