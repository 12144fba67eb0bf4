import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { addDays, dayIn } from '../../../domain/deadlines.ts';

/** Public press correctness (issue 15): no act means no figure, and no impunity label before its time. */
let t: TestApp;
let monitor: Session;
let reviewer: Session;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  const m = await makeUser(t.db, { roles: ['press_monitor'] });
  monitor = await signIn(t.app, m.email);
  reviewer = await signIn(t.app, (await makeUser(t.db, { roles: ['press_reviewer'], agencyId: m.agencyId })).email);
  admin = await signIn(t.app, (await makeUser(t.db, { roles: ['administrator'] })).email);
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, s: Session = monitor) => t.app.inject({ method, url, headers: s.headers, ...(payload ? { payload } : {}) });
const pub = (url: string) => t.app.inject({ method: 'GET', url: `/api/public/press${url}` });
const today = () => dayIn('UTC', new Date());

async function published(title: string, occurred: string, milestones: { kind: string; occurred: string }[] = []) {
  const pid = (await req('POST', '/api/v1/press/persons', { name: `${title} victim` })).json().id as string;
  const body = {
    title,
    occurred,
    acts: [{ personId: pid, actType: 'assault', outcome: 'injured' }],
    involvements: [{ category: 'unknown', degree: 'direct_perpetrator', attribution: 'alleged_by_victim' }],
    ...(milestones.length ? { legalCases: [{ authority: 'Police', milestones }] } : {}),
  };
  const created = await req('POST', '/api/v1/press/incidents', body);
  expect(created.statusCode).toBe(201);
  const id = created.json().id as string;
  expect((await req('POST', `/api/v1/press/incidents/${id}/publish`, undefined, reviewer)).statusCode).toBe(200);
  return id;
}

type Item = { id: string; derived: { impunityStatus: string; daysSinceLastInvestigativeAct: number | null; impunityTooEarly: boolean; impunityLabelledFrom: string } };
const listed = async (query = '') => ((await pub(`/incidents?limit=200${query}`)).json().items as Item[]);

describe('the public press list and incident', () => {
  it('has no "days since the last investigative act" (null, not 0) when the state never acted', async () => {
    const none = await published('No act at all', '2019-05-01');
    const acted = await published('Case opened', '2019-06-01', [{ kind: 'case_opened', occurred: '2019-06-02' }]);
    const items = await listed();
    expect(items.find((i) => i.id === none)!.derived.daysSinceLastInvestigativeAct).toBeNull();
    expect(items.find((i) => i.id === acted)!.derived.daysSinceLastInvestigativeAct).toBeGreaterThan(365);
    expect((await pub(`/incidents/${none}`)).json().derived.daysSinceLastInvestigativeAct).toBeNull();
  });

  it('labels impunity only once the country profile\'s minimum time has passed since the attack', async () => {
    const eightDaysOld = await published('Beaten last week', addDays(today(), -8));
    const old = await published('Beaten two years ago', addDays(today(), -730));
    const items = await listed();
    const recent = items.find((i) => i.id === eightDaysOld)!;
    expect(recent.derived).toMatchObject({ impunityStatus: 'complete_impunity', impunityTooEarly: true, impunityLabelledFrom: addDays(today(), 365 - 8) });
    expect(items.find((i) => i.id === old)!.derived.impunityTooEarly).toBe(false);
    const doc = (await pub(`/incidents/${eightDaysOld}`)).json();
    expect(doc.derived.impunityTooEarly).toBe(true);

    // The "complete impunity" column lists the old attack, not the recent one, which has its own.
    const impunity = (await listed('&impunityStatus=complete_impunity')).map((i) => i.id);
    expect(impunity).toContain(old);
    expect(impunity).not.toContain(eightDaysOld);
    const early = (await listed('&impunityStatus=too_early')).map((i) => i.id);
    expect(early).toEqual([eightDaysOld]);
    const summary = (await pub('/summary')).json();
    expect(summary).toMatchObject({ impunityMinDays: 365, justice: { too_early: 1 } });
    expect(summary.byYear.reduce((n: number, y: { too_early: number }) => n + y.too_early, 0)).toBe(1);

    // An administrator shortens the minimum time in the country profile: the label follows at once.
    expect((await req('PUT', '/api/v1/nrm/country-profile', { impunityMinDays: 7 }, admin)).statusCode).toBe(200);
    expect((await listed()).find((i) => i.id === eightDaysOld)!.derived.impunityTooEarly).toBe(false);
    expect((await listed('&impunityStatus=complete_impunity')).map((i) => i.id)).toContain(eightDaysOld);
    expect((await pub('/summary')).json().justice.too_early).toBe(0);
    expect((await req('PUT', '/api/v1/nrm/country-profile', { impunityMinDays: -1 }, admin)).json().error.fields).toHaveProperty('impunityMinDays');
    await req('PUT', '/api/v1/nrm/country-profile', { impunityMinDays: 365 }, admin);
  });

  it('refuses an unknown impunity filter by name', async () => {
    const r = await pub('/incidents?impunityStatus=soon');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('impunityStatus');
  });
});
