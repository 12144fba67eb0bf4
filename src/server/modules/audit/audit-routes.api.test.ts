import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { canonicalJson, entryHash } from '../../audit/canonical.ts';

let t: TestApp;
let auditor: Session;
beforeAll(async () => {
  t = await createTestApp();
  auditor = await signIn(t.app, (await makeUser(t.db, { roles: ['auditor'] })).email);
});
afterAll(() => t.close());

describe('audit API', () => {
  it('searches by actor and action prefix, newest first, and pages with `before`', async () => {
    const u = await makeUser(t.db);
    const s = await signIn(t.app, u.email);
    for (const language of ['ru', 'en', 'az'] as const) await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: s.headers, payload: { language } });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?actorUserId=${u.id}&action=user.&limit=2`, headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((e: { changes: { language: { new: string } } }) => e.changes.language.new)).toEqual(['az', 'en']);
    expect(body.items[0]).toMatchObject({ action: 'user.profile_updated', actorUserId: u.id, via: 'session', recordType: 'user', recordId: u.id });
    const more = await t.app.inject({ method: 'GET', url: `/api/v1/audit?actorUserId=${u.id}&action=user.&limit=2&before=${body.nextBefore}`, headers: { cookie: auditor.cookie } });
    expect(more.json().items.map((e: { changes: { language: { new: string } } }) => e.changes.language.new)).toEqual(['ru']);
    expect(more.json().nextBefore).toBeNull();
  });

  it('names the records of its entries where the name identifies no victim: case numbers, staff, agencies; never a person', async () => {
    const agency = await makeAgency(t.db, { name: 'Shelter Nur', type: 'shelter' });
    const worker = await makeUser(t.db, { roles: ['case_worker'], agencyId: agency.id });
    const workerName = (await t.db.selectFrom('users').select('name').where('id', '=', worker.id).executeTakeFirstOrThrow()).name;
    const s = await signIn(t.app, worker.email);
    const call = (method: 'POST' | 'GET', url: string, payload?: object) => t.app.inject({ method, url: `/api/v1${url}`, headers: s.headers, ...(payload ? { payload } : {}) });
    const created = await call('POST', '/cases', { exploitationForms: ['forced_labour'] });
    expect(created.statusCode).toBe(201);
    const caseId = created.json().id as string;
    const caseNumber = created.json().caseNumber as string;
    const person = await call('POST', `/cases/${caseId}/people`, { role: 'victim', person: { name: { givenName: 'Nərgiz', familyName: 'Şirinova' }, sex: 'female', birthYear: 1991 } });
    expect(person.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?actorUserId=${worker.id}&limit=50`, headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { action: string; recordType: string; actorName: string; actorAgencyName: string; record: { name: string | null } | null }[];
    const opened = items.find((e) => e.action === 'case.created')!;
    expect(opened).toMatchObject({ recordType: 'case', record: { name: caseNumber }, actorName: workerName, actorAgencyName: 'Shelter Nur' });
    const login = items.find((e) => e.action === 'auth.login')!;
    expect(login.record).toEqual({ name: workerName });
    const people = items.filter((e) => e.recordType === 'person');
    expect(people.length).toBeGreaterThan(0);
    for (const e of people) expect(e.record ?? null).toBeNull();
    expect(res.body).not.toMatch(/Nərgiz|Şirinova/);
  });

  it('records that the auditor read the log', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.login', headers: { cookie: auditor.cookie } });
    const last = await t.db.selectFrom('auditLog').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last.action).toBe('audit.searched');
  });

  it('verifies the chain and names the first broken entry after tampering', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { cookie: auditor.cookie } });
    expect(ok.json()).toMatchObject({ ok: true });
    expect(ok.json().checked).toBeGreaterThan(3);
    const victim = await t.db.selectFrom('auditLog').select('seq').where('action', '=', 'auth.login').orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(t.db);
    await sql`UPDATE audit_log SET action = 'auth.logout' WHERE seq = ${victim.seq}`.execute(t.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(t.db);
    const broken = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { cookie: auditor.cookie } });
    expect(broken.json()).toMatchObject({ ok: false, firstBroken: { seq: victim.seq, reason: 'entry content does not match its hash' } });
  });

  it('is closed to roles without audit permissions', async () => {
    const s = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'] })).email);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { cookie: s.cookie } })).statusCode).toBe(403);
  });

  it('refuses a sequence number past what PostgreSQL can hold', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit?before=9999999999999999999', headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('before');
  });

  it('refuses bad filters naming them', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit?from=yesterday&before=abc&flagged=maybe', headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['before', 'flagged', 'from']);
  });
});

describe('audit anchors', () => {
  it('an anchor noted at one check catches later truncation and rewriting that the chain alone cannot show', async () => {
    const clean = await createTestApp();
    try {
      const s = await signIn(clean.app, (await makeUser(clean.db, { roles: ['auditor'] })).email);
      const verify = (anchor?: string) =>
        clean.app.inject({ method: 'GET', url: `/api/v1/audit/verify${anchor ? `?anchor=${anchor}` : ''}`, headers: { cookie: s.cookie } });
      for (const language of ['az', 'en'] as const) await clean.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: s.headers, payload: { language } });
      const first = (await verify()).json();
      expect(first).toMatchObject({ ok: true, anchor: { id: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      const anchor = `a${first.anchor.id}:${first.anchor.hash}`;
      // More entries later: the anchor still holds.
      await clean.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: s.headers, payload: { language: 'ru' } });
      expect((await verify(anchor)).json()).toMatchObject({ ok: true });
      // An entry noted the way checks printed it before the log had chains (seq:hash) still works.
      const entry = await clean.db.selectFrom('auditLog').select(['seq', 'hash']).orderBy('seq').limit(1).executeTakeFirstOrThrow();
      expect((await verify(`${entry.seq}:${entry.hash}`)).json()).toMatchObject({ ok: true });
      expect((await verify(`${entry.seq}:${'0'.repeat(64)}`)).json()).toMatchObject({ ok: false, firstBroken: { seq: entry.seq, reason: expect.stringMatching(/rewritten/) } });

      // Cut a chain back behind the noted anchor, and remove every anchor since: the chains verify, the noted anchor does not.
      const heads = (await clean.db.selectFrom('auditAnchors').select('heads').where('id', '=', first.anchor.id).executeTakeFirstOrThrow()).heads as { chain: number; pos: string }[];
      const head = heads.find((h) => h.chain > 0)!;
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(clean.db);
      await sql`ALTER TABLE audit_anchors DISABLE TRIGGER USER`.execute(clean.db);
      await sql`DELETE FROM audit_log WHERE chain = ${head.chain} AND pos >= ${head.pos}`.execute(clean.db);
      await sql`DELETE FROM audit_anchors WHERE id >= ${first.anchor.id}`.execute(clean.db);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(clean.db);
      await sql`ALTER TABLE audit_anchors ENABLE TRIGGER USER`.execute(clean.db);
      // The check anchors the heads as they are now under the freed number: the noted anchor is not that one.
      expect((await verify(anchor)).json()).toMatchObject({ ok: false, firstBroken: { anchor: first.anchor.id, reason: expect.stringMatching(/rewritten/) } });
      expect((await verify()).json()).toMatchObject({ ok: true });

      // A different hash for the newest anchor is a rewrite.
      const fresh = (await verify()).json();
      expect((await verify(`a${fresh.anchor.id}:${'0'.repeat(64)}`)).json()).toMatchObject({ ok: false, firstBroken: { anchor: fresh.anchor.id, reason: expect.stringMatching(/rewritten/) } });

      const bad = await verify('12:nothex');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.fields).toHaveProperty('anchor');
    } finally {
      await clean.close();
    }
  });
});

describe('who searched for this person? (the log holds keyed hashes of searched names, never the names)', () => {
  it('finds the searches that could have been for a name, typed in either script, and holds none of the name', async () => {
    const worker = await makeUser(t.db, { roles: ['case_worker'] });
    const other = await makeUser(t.db, { roles: ['case_worker'] });
    const ws = await signIn(t.app, worker.email);
    const os = await signIn(t.app, other.email);
    const search = (s: Session, q: string) => t.app.inject({ method: 'GET', url: `/api/v1/people/search?q=${encodeURIComponent(q)}`, headers: { cookie: s.cookie } });
    expect((await search(ws, 'Leyla Əliyeva')).statusCode).toBe(200);
    expect((await search(ws, 'Əliyeva')).statusCode).toBe(200);
    expect((await search(os, 'Kamran Quliyev')).statusCode).toBe(200);

    const who = async (name: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?action=person.searched&name=${encodeURIComponent(name)}`, headers: { cookie: auditor.cookie } });
      expect(res.statusCode).toBe(200);
      return (res.json().items as { actorUserId: string; changes: { nameKeyHashes: string[] } }[]);
    };
    // Typed in Cyrillic, the full name finds both searches by the worker (the name, and the surname alone), not the other one.
    const found = await who('Лейла Алиева');
    expect(found.map((e) => e.actorUserId)).toEqual([worker.id, worker.id]);
    expect(found[1]!.changes.nameKeyHashes).toHaveLength(2);
    expect((await who('Kamran Quliyev')).map((e) => e.actorUserId)).toEqual([other.id]);
    expect(await who('Samir Həsənov')).toEqual([]);

    // Neither the searches nor the auditors' own searches put a name in the log.
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(a)::text AS row FROM audit_log a`.execute(t.db);
    expect(rows.map((r) => r.row).join('\n')).not.toMatch(/leyla|лейла|liyev|лиев|kamran|quliyev/i);
    const own = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'audit.searched').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(own.changes).toMatchObject({ filters: { name: { changed: true } }, nameKeyHashes: expect.any(Array) });

    const nameless = await t.app.inject({ method: 'GET', url: '/api/v1/audit?name=%20--%20', headers: { cookie: auditor.cookie } });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json().error.fields).toHaveProperty('name');
  });

  it('shows an entry written before the rule by the same rule, and the chain still verifies', async () => {
    // A log of its own: an earlier test here breaks the chain on purpose.
    const own = await createTestApp();
    try {
      await checkOldEntry(own, await signIn(own.app, (await makeUser(own.db, { roles: ['auditor'] })).email));
    } finally {
      await own.close();
    }
  });
});

async function checkOldEntry(t: TestApp, auditor: Session) {
    // An old-style entry with a name in it, appended to a chain as the writer does, but with the values of the time.
    const fields = await t.db.transaction().execute(async (tx) => {
      const head = (await sql<{ chain: number; pos: string; hash: string; seqs: string[] }>`SELECT chain, pos, hash, seqs FROM audit_claim_chain(1)`.execute(tx)).rows[0]!;
      const fields = {
        seq: String(head.seqs[0]), at: new Date(), actorUserId: null, actorAgencyId: null, via: 'system' as const, tokenId: null,
        action: 'person.searched', recordType: 'person', recordId: null, changes: { q: 'Nərgiz Babayeva', results: [] }, purpose: 'Asked by Nərgiz', requestId: null, ip: null, flagged: false,
        chain: head.chain, pos: String(BigInt(head.pos) + 1n),
      };
      const hash = entryHash(head.hash, fields);
      await tx.insertInto('auditLog').values({ ...fields, changes: canonicalJson(fields.changes), prevHash: head.hash, hash }).execute();
      return fields;
    });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?before=${BigInt(fields.seq) + 1n}&limit=1`, headers: { cookie: auditor.cookie } });
    expect(res.json().items[0]).toMatchObject({ seq: fields.seq, changes: { q: { changed: true }, results: [] }, purpose: 'reason_given' });
    expect(res.body).not.toContain('Babayeva');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: { cookie: auditor.cookie } })).json()).toMatchObject({ ok: true });
}
