import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { deriveKeys } from '../../crypto/keys.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import { grantAccess, revokeGrant } from '../../access/grants.ts';
import type { Role } from '../../../shared/roles.ts';
import { PEOPLE } from './policy.ts';

let t: TestApp;
let ngo: string;
let worker: Session & { id: string };
let colleague: Session & { id: string };
let outsider: Session & { id: string };
let outsiderAgency: string;
let analyst: Session & { id: string };
let police: Session & { id: string };

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db)).id;
  worker = await user(['case_worker'], ngo);
  colleague = await user(['case_worker'], ngo);
  outsiderAgency = (await makeAgency(t.db)).id;
  outsider = await user(['case_worker'], outsiderAgency);
  analyst = await user(['analyst'], ngo);
  police = await user(['investigator'], (await makeAgency(t.db, { type: 'police' })).id);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

type PersonBody = { id: string; names: Array<{ id: string; kind: string; script: string; asEntered: string }>; mergedInto: string | null; birthYear: number | null };

async function person(s: Session, body: Record<string, unknown>): Promise<PersonBody> {
  const res = await call(s, 'POST', '/people', body);
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`);
  return res.json() as PersonBody;
}

const search = async (s: Session, q: string) => {
  const res = await call(s, 'GET', `/people/search?q=${encodeURIComponent(q)}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Array<{ person: PersonBody; score: number; matchedName?: string }> }).items;
};

const auditOf = (id: string) => t.db.selectFrom('auditLog').select(['action', 'actorUserId', 'changes', 'purpose']).where('recordId', '=', id).orderBy('seq').execute();

describe('POST /names/match', () => {
  it.each([
    ['Hüseynov', 'Гусейнов', true],
    ['Huseynov', 'Guseinov', true],
    ['Həsənov', 'Hüseynov', false],
    ['Hüseyn Əli oğlu Məmmədov', 'Мамедов Гусейн Алиевич', true],
    ['Aliyeva', 'Aliyev', false],
  ] as const)('%s ~ %s: %s', async (a, b, match) => {
    const res = await call(worker, 'POST', '/names/match', { a, b });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.match).toBe(match);
    expect(body.score).toBeGreaterThanOrEqual(0);
    expect(body.score).toBeLessThanOrEqual(1);
  });

  it('is for any signed-in user, and only them', async () => {
    expect((await call(analyst, 'POST', '/names/match', { a: 'Əli', b: 'Али' })).statusCode).toBe(200);
    const anon = await t.app.inject({ method: 'POST', url: '/api/v1/names/match', payload: { a: 'Əli', b: 'Али' } });
    expect(anon.statusCode).toBe(401);
  });

  it('names the field that is missing or wrong', async () => {
    const res = await call(worker, 'POST', '/names/match', { a: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(Object.keys(res.json().error.fields)).toEqual(expect.arrayContaining(['a', 'b']));
    const extra = await call(worker, 'POST', '/names/match', { a: 'x', b: 'y', c: 'z' });
    expect(extra.statusCode).toBe(400);
  });
});

describe('people: create, read, change', () => {
  it('creates a person with a primary name and an alias, audited', async () => {
    const body = await person(worker, {
      name: { givenName: 'Hüseyn', familyName: 'Məmmədov', patronymic: 'Əli oğlu' },
      aliases: [{ givenName: 'Гусейн', familyName: 'Мамедов' }],
      sex: 'male',
      birthYear: 1990,
      birthYearEstimated: true,
      citizenship: 'AZE',
      languages: ['az', 'ru'],
    });
    expect(body.names).toHaveLength(2);
    expect(body.names[0]).toMatchObject({ kind: 'primary', script: 'latn', asEntered: 'Hüseyn Əli oğlu Məmmədov' });
    expect(body.names[1]).toMatchObject({ kind: 'alias', script: 'cyrl', asEntered: 'Гусейн Мамедов' });
    expect((await auditOf(body.id)).map((a) => a.action)).toEqual(['person.created']);
    const row = await t.db.selectFrom('people').select(['nameKeys', 'ownerAgencyId', 'createdBy']).where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ownerAgencyId: ngo, createdBy: worker.id });
    // Stored as blind-index tokens of the name keys, never the keys themselves (identity at rest).
    const keys = deriveKeys(TEST_SECRET_KEY);
    expect(row.nameKeys).toEqual(expect.arrayContaining(['husain', 'mamadov', 'ali'].map((k) => keys.nameKeyHash(k))));
    expect(row.nameKeys.join(' ')).not.toMatch(/husain|mamadov|ali/);
    const names = await t.db.selectFrom('personNames').select(['givenName', 'familyName', 'asEntered', 'nameEnc']).where('personId', '=', body.id).execute();
    expect(names.every((n) => n.givenName === null && n.familyName === null && n.asEntered === null && n.nameEnc !== null)).toBe(true);
  });

  it('seals the date of birth bound to the person: moved onto another person, it does not open', async () => {
    const a = await person(worker, { name: { givenName: 'Aynur', familyName: 'Zülfüqarova' }, birthDate: '1994-03-17' });
    const b = await person(worker, { name: { givenName: 'Aysel', familyName: 'Zülfüqarova' }, birthDate: '1996-05-02' });
    const stored = await t.db.selectFrom('people').select(['birthDate', 'birthDateEnc', 'birthYear']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(stored.birthDate).toBeNull();
    expect(stored.birthYear).toBe(1994);
    expect(stored.birthDateEnc!.toString('latin1')).not.toContain('1994-03-17');
    expect((await call(worker, 'GET', `/people/${a.id}`)).json().birthDate).toBe('1994-03-17');
    // A copy of A's sealed date onto B (one who can write the database) does not pass as B's.
    const own = await t.db.selectFrom('people').select('birthDateEnc').where('id', '=', b.id).executeTakeFirstOrThrow();
    await t.db.updateTable('people').set({ birthDateEnc: stored.birthDateEnc }).where('id', '=', b.id).execute();
    expect((await call(worker, 'GET', `/people/${b.id}`)).statusCode).toBe(500);
    await t.db.updateTable('people').set({ birthDateEnc: own.birthDateEnc }).where('id', '=', b.id).execute();
    expect((await call(worker, 'GET', `/people/${b.id}`)).json().birthDate).toBe('1996-05-02');
  });

  it('reads a person, and the read is audited', async () => {
    const p = await person(worker, { name: { givenName: 'Xədicə', familyName: 'Cəfərova' }, sex: 'female', birthDate: '1995-04-12' });
    const res = await call(colleague, 'GET', `/people/${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ birthDate: '1995-04-12', birthYear: 1995, birthYearEstimated: false, sex: 'female' });
    const reads = (await auditOf(p.id)).filter((a) => a.action === 'person.read');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actorUserId).toBe(colleague.id);
  });

  it('changes details and the primary name; the old name stays as an alias; audited with a diff', async () => {
    const p = await person(worker, { name: { givenName: 'Rəşid', familyName: 'Quliyev' }, birthYear: 1980 });
    const res = await call(worker, 'PATCH', `/people/${p.id}`, { name: { givenName: 'Rəşid', familyName: 'Quliyev', patronymic: 'Vüqar oğlu' }, citizenship: 'AZE', birthYear: 1981, birthYearEstimated: true });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ citizenship: 'AZE', birthYear: 1981, birthYearEstimated: true });
    expect(body.names.map((n: { kind: string; asEntered: string }) => [n.kind, n.asEntered])).toEqual([
      ['primary', 'Rəşid Vüqar oğlu Quliyev'],
      ['alias', 'Rəşid Quliyev'],
    ]);
    const upd = (await auditOf(p.id)).find((a) => a.action === 'person.updated')!;
    // Which fields changed, never their values: a person's name, birth year and citizenship stay out of the log.
    expect(upd.changes).toMatchObject({ citizenship: { changed: true }, birthYear: { changed: true }, primaryName: { changed: true } });
    expect(JSON.stringify(upd.changes)).not.toMatch(/Quliyev|1981|AZE/);
  });

  it('adds and removes aliases; the primary name cannot be removed', async () => {
    const p = await person(worker, { name: { givenName: 'Şahin', familyName: 'Həsənov' } });
    const add = await call(worker, 'POST', `/people/${p.id}/names`, { givenName: 'Шахин', familyName: 'Гасанов' });
    expect(add.statusCode, add.body).toBe(201);
    const alias = (add.json() as PersonBody).names.find((n) => n.kind === 'alias')!;
    expect(alias.script).toBe('cyrl');
    const del = await call(worker, 'DELETE', `/people/${p.id}/names/${alias.id}`);
    expect(del.statusCode).toBe(200);
    expect((del.json() as PersonBody).names).toHaveLength(1);
    const primary = p.names[0]!;
    const refused = await call(worker, 'DELETE', `/people/${p.id}/names/${primary.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('primary_name');
    expect((await auditOf(p.id)).map((a) => a.action)).toEqual(['person.created', 'person.name_added', 'person.name_removed']);
    const gone = await call(worker, 'DELETE', `/people/${p.id}/names/${alias.id}`);
    expect(gone.statusCode).toBe(404);
  });

  it.each([
    [{ name: {} }, 'name.givenName'],
    [{ name: { givenName: 'Əli' }, citizenship: 'AZ' }, 'citizenship'],
    [{ name: { givenName: 'Əli' }, sex: 'x' }, 'sex'],
    [{ name: { givenName: 'Əli' }, birthDate: '2090-01-01' }, 'birthDate'],
    [{ name: { givenName: 'Əli' }, birthDate: '1990-01-01', birthYear: 1991 }, 'birthYear'],
    [{ name: { givenName: 'Əli' }, birthDate: '1990-01-01', birthYearEstimated: true }, 'birthYearEstimated'],
    [{ name: { givenName: 'Əli' }, languages: ['Azerbaijani'] }, 'languages.0'],
    [{ name: { givenName: 'Əli' }, nickname: 'x' }, ''],
  ])('refuses %j naming %s', async (payload, field) => {
    const before = await t.db.selectFrom('people').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const res = await call(worker, 'POST', '/people', payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    if (field) expect(Object.keys(res.json().error.fields ?? {})).toContain(field);
    const after = await t.db.selectFrom('people').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a role without person permissions', async () => {
    expect((await call(analyst, 'POST', '/people', { name: { givenName: 'Əli' } })).statusCode).toBe(403);
  });
});

describe('people: search across scripts, best first', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {};
    for (const [k, name] of Object.entries({
      latin: { givenName: 'Elçin', familyName: 'Nəbiyev' },
      cyrillic: { givenName: 'Эльчин', familyName: 'Набиев' },
      english: { givenName: 'Elchin', familyName: 'Nabiyev', patronymic: 'Rauf oglu' },
      feminine: { givenName: 'Elçin', familyName: 'Nəbiyeva' },
      surnameOnly: { givenName: 'Tural', familyName: 'Nəbiyev' },
      other: { givenName: 'Elçin', familyName: 'Quliyev' },
    })) ids[k] = (await person(worker, { name })).id;
  });

  it('finds every spelling of a name, the closest first', async () => {
    for (const q of ['Elçin Nəbiyev', 'Эльчин Набиев', 'Nabiyev Elchin']) {
      const items = await search(worker, q);
      const order = items.map((i) => i.person.id);
      const top3 = order.slice(0, 3).sort();
      expect(top3, q).toEqual([ids.latin, ids.cyrillic, ids.english].sort());
      expect(order.indexOf(ids.feminine!), q).toBeGreaterThan(2);
      expect(order, q).not.toContain(ids.other);
      expect(order, q).not.toContain(ids.surnameOnly);
      for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
    }
    const exact = await search(worker, 'Эльчин Набиев');
    expect(exact[0]!.person.id).toBe(ids.cyrillic);
    expect(exact[0]!.matchedName).toBe('Эльчин Набиев');
  });

  it('a surname alone finds all its bearers, in both scripts', async () => {
    const items = await search(worker, 'Набиев');
    expect(items.map((i) => i.person.id)).toEqual(expect.arrayContaining([ids.latin, ids.cyrillic, ids.english, ids.surnameOnly, ids.feminine]));
  });

  it('the looser look-up finds spellings the keys keep apart', async () => {
    const p = await person(worker, { name: { givenName: 'Yaqub', familyName: 'Orucov' } });
    const items = await search(worker, 'Якуб Оруджев');
    expect(items[0]?.person.id).toBe(p.id);
  });

  it('a search is audited with what it returned', async () => {
    await search(colleague, 'Elçin Nəbiyev');
    const entry = await t.db.selectFrom('auditLog').select(['changes']).where('action', '=', 'person.searched').where('actorUserId', '=', colleague.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect((entry.changes as { results: string[] }).results).toContain(ids.latin);
  });

  it('refuses an empty or letterless query', async () => {
    expect((await call(worker, 'GET', '/people/search')).statusCode).toBe(400);
    const res = await call(worker, 'GET', '/people/search?q=%20%2C%20');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toHaveProperty('q');
  });
});

describe('people: access', () => {
  it('an unrelated agency gets 404 and no search hits; a grant opens the person; revoking closes it', async () => {
    const p = await person(worker, { name: { givenName: 'Ülviyyə', familyName: 'Süleymanova' } });
    expect((await call(outsider, 'GET', `/people/${p.id}`)).statusCode).toBe(404);
    expect((await call(outsider, 'PATCH', `/people/${p.id}`, { sex: 'female' })).statusCode).toBe(404);
    expect((await search(outsider, 'Ульвия Сулейманова')).map((i) => i.person.id)).not.toContain(p.id);
    const dup = await call(outsider, 'POST', '/people/duplicates', { name: { givenName: 'Ulviyya', familyName: 'Suleymanova' } });
    expect(dup.json().items.map((i: { person: { id: string } }) => i.person.id)).not.toContain(p.id);

    const { grantId } = await t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, PEOPLE, { recordId: p.id, grantee: { agencyId: outsiderAgency }, sections: ['identity', 'details'], kind: 'referral' }));
    expect((await call(outsider, 'GET', `/people/${p.id}`)).statusCode).toBe(200);
    expect((await search(outsider, 'Ульвия Сулейманова'))[0]?.person.id).toBe(p.id);
    // read only: a case worker's grant scope is read
    expect((await call(outsider, 'PATCH', `/people/${p.id}`, { sex: 'female' })).statusCode).toBe(404);

    await t.db.transaction().execute((tx) => revokeGrant(tx, SYSTEM_ACTOR, grantId));
    expect((await call(outsider, 'GET', `/people/${p.id}`)).statusCode).toBe(404);
    expect((await search(outsider, 'Ульвия Сулейманова')).map((i) => i.person.id)).not.toContain(p.id);
  });

  it('a role without identity access sees the person but not their names or birth date', async () => {
    const p = await person(worker, { name: { givenName: 'Aysel', familyName: 'Rzayeva' }, birthDate: '2001-02-03' });
    await t.db.updateTable('roles').set({ permissions: ['person:read:granted'] }).where('code', '=', 'press_reviewer').execute();
    const reviewer = await user(['press_reviewer'], outsiderAgency);
    await t.db.transaction().execute((tx) => grantAccess(tx, SYSTEM_ACTOR, PEOPLE, { recordId: p.id, grantee: { agencyId: outsiderAgency }, sections: ['details'], kind: 'share' }));
    const res = await call(reviewer, 'GET', `/people/${p.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).not.toHaveProperty('names');
    expect(res.json()).not.toHaveProperty('birthDate');
    expect(res.json().birthYear).toBe(2001);
  });

  it('an investigator with no grant finds nothing', async () => {
    const p = await person(worker, { name: { givenName: 'Vüsal', familyName: 'Paşayev' } });
    expect((await call(police, 'GET', `/people/${p.id}`)).statusCode).toBe(404);
    expect(await search(police, 'Vusal Pashayev')).toEqual([]);
  });
});

describe('people: duplicates before saving', () => {
  it('shows the same person in another script with reasons, best first', async () => {
    const same = await person(worker, { name: { givenName: 'Gülnarə', familyName: 'İsmayılova', patronymic: 'Rəşid qızı' }, sex: 'female', birthYear: 1992, citizenship: 'AZE' });
    const older = await person(worker, { name: { givenName: 'Gülnarə', familyName: 'İsmayılova' }, sex: 'female', birthYear: 1960, citizenship: 'AZE' });
    const res = await call(worker, 'POST', '/people/duplicates', { name: { givenName: 'Гюльнара', familyName: 'Исмаилова', patronymic: 'Рашидовна' }, sex: 'female', birthYear: 1993, birthYearEstimated: true, citizenship: 'AZE' });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ person: { id: string }; score: number; likely: boolean; reasons: string[]; matchedName: string }>;
    expect(items[0]).toMatchObject({ person: { id: same.id }, likely: true, matchedName: 'Gülnarə Rəşid qızı İsmayılova' });
    expect(items[0]!.reasons).toEqual(expect.arrayContaining(['transliteration', 'patronymic_agrees', 'birth_year_close', 'citizenship_agrees']));
    const o = items.find((i) => i.person.id === older.id);
    expect(o?.likely).toBe(false);
    expect(o?.reasons).toContain('birth_year_differs');
    // an existing record checked against the rest leaves itself out
    const self = await call(worker, 'POST', '/people/duplicates', { name: { givenName: 'Gülnarə', familyName: 'İsmayılova' }, excludeId: same.id });
    expect(self.json().items.map((i: { person: { id: string } }) => i.person.id)).not.toContain(same.id);
  });

  it('finds nothing for a different name and refuses a nameless check', async () => {
    const res = await call(worker, 'POST', '/people/duplicates', { name: { givenName: 'Zzyzx', familyName: 'Qwrtp' } });
    expect(res.json().items).toEqual([]);
    expect((await call(worker, 'POST', '/people/duplicates', { name: {} })).statusCode).toBe(400);
  });
});

describe('people: merge', () => {
  it('merges two records: the merged one stays, marked; names copied; both in the audit trail', async () => {
    const keep = await person(worker, { name: { givenName: 'Könül', familyName: 'Hacıyeva' }, sex: 'female' });
    const dupe = await person(colleague, { name: { givenName: 'Кёнуль', familyName: 'Гаджиева' }, aliases: [{ givenName: 'Konul', familyName: 'Hajiyeva' }], birthYear: 1988, citizenship: 'AZE', languages: ['ru'] });
    const res = await call(worker, 'POST', `/people/${dupe.id}/merge`, { intoId: keep.id, reason: 'Same passport number on both' });
    expect(res.statusCode, res.body).toBe(200);
    const kept = res.json();
    expect(kept.id).toBe(keep.id);
    expect(kept.names.map((n: { asEntered: string }) => n.asEntered)).toEqual(['Könül Hacıyeva', 'Кёнуль Гаджиева', 'Konul Hajiyeva']);
    expect(kept).toMatchObject({ birthYear: 1988, citizenship: 'AZE', languages: ['ru'], sex: 'female' });

    const merged = await call(worker, 'GET', `/people/${dupe.id}`);
    expect(merged.statusCode).toBe(200);
    expect(merged.json().mergedInto).toBe(keep.id);
    expect(merged.json().names).toHaveLength(2);

    const hits = (await search(worker, 'Кёнуль Гаджиева')).map((i) => i.person.id);
    expect(hits).toContain(keep.id);
    expect(hits).not.toContain(dupe.id);

    const fromAudit = await auditOf(dupe.id);
    expect(fromAudit.map((a) => a.action)).toEqual(['person.created', 'person.merged', 'person.read']);
    expect(fromAudit[1]).toMatchObject({ purpose: 'reason_given', changes: { mergedInto: keep.id } });
    const intoAudit = await auditOf(keep.id);
    expect(intoAudit.find((a) => a.action === 'person.merged_from')?.changes).toMatchObject({ mergedFrom: dupe.id, namesCopied: [{ changed: true }, { changed: true }] });

    // a merged record is not changed or merged again
    expect((await call(worker, 'PATCH', `/people/${dupe.id}`, { sex: 'female' })).statusCode).toBe(409);
    expect((await call(worker, 'POST', `/people/${dupe.id}/merge`, { intoId: keep.id, reason: 'again' })).statusCode).toBe(409);
  });

  it('refuses a merge into itself, without a reason, or with a record the user may not change', async () => {
    const a = await person(worker, { name: { givenName: 'Fərid', familyName: 'Kərimov' } });
    const b = await person(outsider, { name: { givenName: 'Farid', familyName: 'Karimov' } });
    expect((await call(worker, 'POST', `/people/${a.id}/merge`, { intoId: a.id, reason: 'same' })).statusCode).toBe(400);
    const noReason = await call(worker, 'POST', `/people/${a.id}/merge`, { intoId: b.id });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields).toHaveProperty('reason');
    const other = await call(worker, 'POST', `/people/${a.id}/merge`, { intoId: b.id, reason: 'same person' });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.fields).toHaveProperty('intoId');
    expect((await call(worker, 'POST', `/people/${b.id}/merge`, { intoId: a.id, reason: 'same person' })).statusCode).toBe(404);
    const rows = await t.db.selectFrom('people').select('mergedInto').where('id', 'in', [a.id, b.id]).execute();
    expect(rows.every((r) => r.mergedInto === null)).toBe(true);
  });
});

describe('people in the OpenAPI document', () => {
  it('describes every people route with its request schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/names/match'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/people'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/people/duplicates'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/people/{id}/merge'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/people/search'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'limit']));
    expect(Object.keys(doc.paths['/api/v1/people/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(doc.paths['/api/v1/people/{id}/names/{nameId}'].delete).toBeDefined();
  });
});
