import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { refreshFacts } from '../modules/justice/service.ts';
import { justicePlans, seedJusticeDemo } from './justice-seed.ts';

let t: TestApp;
const TODAY = '2026-12-07';

beforeAll(async () => {
  t = await createTestApp();
  const police = (await t.db.insertInto('agencies').values({ name: 'MIA demo', type: 'police', isDemo: true }).returning('id').executeTakeFirstOrThrow()).id;
  await t.db.insertInto('agencies').values({ name: 'PGO demo', type: 'prosecution', isDemo: true }).execute();
  await t.db.insertInto('agencies').values({ name: 'Court demo', type: 'court', isDemo: true }).execute();
  await makeUser(t.db, { roles: ['investigator'], agencyId: police, email: 'investigator@demo.pathway.local' });
  await t.db.transaction().execute((tx) => seedJusticeDemo(tx, TODAY));
  await t.db.transaction().execute((tx) => seedJusticeDemo(tx, TODAY));
});
afterAll(() => t.close());

describe('the criminal-justice demo', () => {
  it('runs once, from 2005 to today, with the patterns an analyst looks for', async () => {
    const cases = await t.db.selectFrom('criminalCases').select(['id', 'openedOn', 'officialComplicity', 'forms']).execute();
    expect(cases).toHaveLength(justicePlans(TODAY).length);
    expect(cases.map((c) => c.openedOn).sort()[0]!.slice(0, 4)).toBe('2005');
    expect(cases.some((c) => c.officialComplicity)).toBe(true);
    const analyst = await signIn(t.app, (await makeUser(t.db, { roles: ['analyst'], agencyId: (await makeAgency(t.db, { type: 'coordinator' })).id })).email);
    const s = (await t.app.inject({ method: 'GET', url: '/api/v1/justice/statistics?from=2005-01-01&to=2026-12-31', headers: { cookie: analyst.cookie } })).json();
    expect(s.byForm.labour.convictions.defendants).toBeGreaterThan(0);
    expect(s.byForm.labour.convictions.defendants).toBeLessThan(s.byForm.sexual.convictions.defendants);
    expect(s.sentences.suspendedOrDeferred).toBeGreaterThan(0);
    expect(s.sentences.deferralGrounds.child_under_age).toBeGreaterThan(0);
    expect(s.bySex.female.sentences.shares.suspendedOrDeferred).toBeGreaterThan(s.bySex.male.sentences.shares.suspendedOrDeferred);
    expect(s.byComplicity.official.convictions.defendants).toBeGreaterThan(0);
    expect(s.acquittals.defendants).toBeGreaterThan(0);
    const y2023 = (await t.app.inject({ method: 'GET', url: '/api/v1/justice/statistics?year=2023', headers: { cookie: analyst.cookie } })).json();
    expect(y2023.sentences.suspendedOrDeferred).toBe(0);
    const appeal = await t.db.selectFrom('criminalSentences').select(['id', 'supersededBy']).where('supersededBy', 'is not', null).execute();
    expect(appeal.length).toBeGreaterThan(0);
  });

  it('writes the same facts the API would', async () => {
    const before = await t.db.selectFrom('justiceDefendantFacts').selectAll().orderBy('defendantId').execute();
    const defendants = await t.db.selectFrom('criminalDefendants').select('id').execute();
    expect(before).toHaveLength(defendants.length);
    const caseIds = [...new Set(before.map((f) => f.criminalCaseId))];
    await t.db.transaction().execute(async (tx) => {
      for (const id of caseIds) await refreshFacts(tx, id);
    });
    const after = await t.db.selectFrom('justiceDefendantFacts').selectAll().orderBy('defendantId').execute();
    expect(after).toEqual(before);
  });
});
