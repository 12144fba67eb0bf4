import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

let t: TestApp;
let s: Session;
beforeAll(async () => {
  t = await createTestApp();
  s = await signIn(t.app, (await makeUser(t.db, { roles: ['operator'] })).email);
});
afterAll(() => t.close());

const evaluate = (payload: unknown, headers: Record<string, string> = s.headers) =>
  t.app.inject({ method: 'POST', url: '/api/v1/screenings/evaluate', headers, payload: payload as object });

describe('POST /api/v1/screenings/evaluate', () => {
  it('evaluates an adult labour screening and stores nothing', async () => {
    const before = await t.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const res = await evaluate({
      list: 'adult_labour',
      indicators: ['D1.NATURE_OF_JOB', 'D1.WAGES', 'D4.EXCESSIVE_HOURS', 'D4.LOW_NO_SALARY', 'D5.DOCUMENTS', 'D5.ISOLATION'],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      list: 'adult_labour',
      dimensions: { D1: true, D2: false, D3: false, D4: true, D5: true, D6: false },
      presumedVictim: true,
      catalogueVersion: 'ilo-2009.1',
      ruleVersion: 'ilo-ec-2009/pathway-1',
      provisional: false,
    });
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('presumed_victim');
    const after = await t.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('says when the list is provisional', async () => {
    const res = await evaluate({ list: 'child_sexual', indicators: ['D4.HAZARDOUS', 'D4.LIVING_CONDITIONS'], recruitmentActEstablished: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ presumedVictim: true, provisional: true, verification: 'provisional' });
  });

  it('answers unknown codes with a 400 naming them under indicators', async () => {
    const res = await evaluate({ list: 'adult_labour', indicators: ['D1.NATURE_OF_JOB', 'D7.MADE_UP', 'x'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'unknown_indicators', fields: { indicators: 'unknown indicator codes: D7.MADE_UP, x' } });
    const notInList = await evaluate({ list: 'child_labour', indicators: ['D3.FALSE_INFO_LAW'] });
    expect(notInList.statusCode).toBe(400);
    expect(notInList.json().error.fields.indicators).toBe('not in the child_labour list: D3.FALSE_INFO_LAW');
  });

  it('refuses malformed bodies, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ list: 'adult_other', indicators: [] }, 'list'],
      [{ list: 'adult_labour' }, 'indicators'],
      [{ list: 'adult_labour', indicators: 'D1.NATURE_OF_JOB' }, 'indicators'],
      [{ list: 'adult_labour', indicators: [5] }, 'indicators.0'],
      [{ list: 'adult_labour', indicators: [], extra: 1 }, 'extra'],
      [{ list: 'adult_labour', indicators: ['D4.EXCESSIVE_HOURS'], recruitmentActEstablished: true }, 'recruitmentActEstablished'],
      [{ list: 'adult_labour', indicators: Array.from({ length: 101 }, () => 'D1.WAGES') }, 'indicators'],
    ];
    for (const [payload, field] of cases) {
      const res = await evaluate(payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(Object.keys(res.json().error.fields ?? {}), JSON.stringify(payload).slice(0, 80)).toContain(field);
    }
  });

  it('needs a signed-in user', async () => {
    expect((await evaluate({ list: 'adult_labour', indicators: [] }, {})).statusCode).toBe(401);
  });
});

describe('GET /api/v1/screenings/catalogue', () => {
  it('gives the catalogue with each list\'s provisional flag and the rules', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/screenings/catalogue', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.catalogueVersion).toBe('ilo-2009.1');
    expect(c.indicators).toHaveLength(67);
    expect(c.lists.map((l: { list: string; provisional: boolean }) => [l.list, l.provisional])).toEqual([
      ['adult_labour', false],
      ['child_labour', false],
      ['adult_sexual', true],
      ['child_sexual', true],
    ]);
    expect(c.rules.presumedVictimAdult).toBe('(D1 or D2 or D3) and D4 and (D5 or D6)');
    expect(c.indicators.find((i: { code: string }) => i.code === 'D3.FALSE_INFO_LAW').strength.child_labour).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/screenings/catalogue' })).statusCode).toBe(401);
  });
});
