import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { deriveKeys } from '../../crypto/keys.ts';
import { sealJusticeFreeTextAtRest } from '../../db/data-steps.ts';
import { openBelowMinimumGround, openPlaces } from './repository.ts';

/**
 * Criminal cases' free text at rest (migration 0114): a case's places and a sentence's below-minimum
 * ground, written through the API with planted markers, are not in a pg_dump of the database, and
 * read back on the case page; rows written plain before are sealed by the data step.
 */
const PLACE = 'Qaraçuxur-PLANTED-7731';
const GROUND = 'GROUND-PLANTED-5519 the court saw her three children';

function pgDump(url: string) {
  const bin = ['/usr/lib/postgresql/17/bin/pg_dump', '/usr/lib/postgresql/16/bin/pg_dump', '/usr/lib/postgresql/15/bin/pg_dump'].find((c) => fs.existsSync(c));
  if (!bin) throw new Error('no pg_dump found');
  return new Promise<string>((resolve, reject) =>
    execFile(bin, ['--no-owner', '--data-only', url], { maxBuffer: 512 * 1024 * 1024 }, (e, out, err) => (e ? reject(new Error(err || e.message)) : resolve(out))),
  );
}

let t: TestApp;
let investigator: Session;
let caseId: string;

const post = async (url: string, payload: object) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: investigator.headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
};

beforeAll(async () => {
  t = await createTestApp();
  const u = await makeUser(t.db, { roles: ['investigator'], agencyId: (await makeAgency(t.db, { type: 'police' })).id });
  investigator = await signIn(t.app, u.email);
  caseId = (await post('/justice/cases', { body: 'police', caseNumber: 'AR-1', openedOn: '2023-01-10', articles: ['144-1.1'], forms: ['sexual_exploitation'], places: [PLACE, 'Baku'] })).id;
  const d = (await post(`/justice/cases/${caseId}/defendants`, { legalEntityName: 'AR company', role: 'exploiter' })).id;
  const c = (await post(`/justice/cases/${caseId}/defendants/${d}/charges`, { article: '144-1.1', broughtOn: '2023-01-20' })).id;
  await post(`/justice/cases/${caseId}/events`, { type: 'indicted', occurredOn: '2023-03-01', defendantId: d });
  await post(`/justice/cases/${caseId}/defendants/${d}/verdicts`, { instance: 'first', decidedOn: '2023-06-01', outcomes: [{ chargeId: c, outcome: 'convicted' }] });
  await post(`/justice/cases/${caseId}/defendants/${d}/sentences`, { instance: 'first', imposedOn: '2023-06-01', type: 'imprisonment', termMonths: 24, belowMinimumGround: GROUND });
});
afterAll(() => t.close());

describe('criminal cases at rest', () => {
  it('keeps places and below-minimum grounds out of a dump, and reads them back on the case page', async () => {
    const text = await pgDump(t.url);
    expect(text).toContain('AR-1');
    for (const marker of ['PLANTED-7731', 'PLANTED-5519', 'three children']) expect(text).not.toContain(marker);
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/justice/cases/${caseId}`, headers: { cookie: investigator.cookie } });
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json();
    expect(body.places).toEqual([PLACE, 'Baku']);
    expect(body.defendantList[0].sentences[0].belowMinimumGround).toBe(GROUND);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/justice/cases/${caseId}`, headers: investigator.headers, payload: { version: body.version, places: ['Sumqayıt-PLANTED-1'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await pgDump(t.url)).not.toContain('PLANTED-1');
  });

  it('a corrected sentence keeps its ground sealed: a correction of another field keeps it, a new ground is sealed too', async () => {
    const page = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/justice/cases/${caseId}`, headers: { cookie: investigator.cookie } })).json();
    const before = await page();
    const d = before.defendantList[0];
    const url = `/api/v1/justice/cases/${caseId}/defendants/${d.id}/sentences/${d.sentences[0].id}`;
    const term = await t.app.inject({ method: 'PATCH', url, headers: investigator.headers, payload: { termMonths: 20 } });
    expect(term.statusCode, term.body).toBe(200);
    expect((await page()).defendantList[0].sentences[0].belowMinimumGround).toBe(GROUND);
    const ground = await t.app.inject({ method: 'PATCH', url, headers: investigator.headers, payload: { belowMinimumGround: 'Corrected ground PLANTED-8842' } });
    expect(ground.statusCode, ground.body).toBe(200);
    expect((await page()).defendantList[0].sentences[0].belowMinimumGround).toBe('Corrected ground PLANTED-8842');
    expect(await pgDump(t.url)).not.toContain('PLANTED-8842');
  });

  it('the data step seals rows written plain before migration 0114 and empties the plain columns', async () => {
    await t.db.updateTable('criminalCases').set({ places: ['Plain-PLANTED-2'], placesEnc: null }).where('id', '=', caseId).execute();
    await t.db.updateTable('criminalSentences').set({ belowMinimumGround: 'Plain ground PLANTED-3', belowMinimumGroundEnc: null }).execute();
    await sealJusticeFreeTextAtRest(t.db, deriveKeys(TEST_SECRET_KEY));
    const c = await t.db.selectFrom('criminalCases').select(['id', 'places', 'placesEnc']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(c.places).toEqual([]);
    expect(openPlaces(c)).toEqual(['Plain-PLANTED-2']);
    const s = await t.db.selectFrom('criminalSentences').select(['id', 'belowMinimumGround', 'belowMinimumGroundEnc']).executeTakeFirstOrThrow();
    expect(s.belowMinimumGround).toBeNull();
    expect(openBelowMinimumGround(s)).toBe('Plain ground PLANTED-3');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM criminal_cases WHERE places <> '{}'`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });
});
