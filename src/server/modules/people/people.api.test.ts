import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import type { Role } from '../../../shared/roles.ts';

let t: TestApp;
let ngo: string;
let worker: Session & { id: string };

async function user(roles: Role[], agencyId?: string) {
  const u = await makeUser(t.db, { roles, ...(agencyId ? { agencyId } : {}) });
  return { ...(await signIn(t.app, u.email)), id: u.id };
}

beforeAll(async () => {
  t = await createTestApp();
  ngo = (await makeAgency(t.db)).id;
  worker = await user(['case_worker'], ngo);
});
afterAll(() => t.close());

const call = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: method === 'GET' ? { cookie: s.cookie } : s.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('people', () => {
  it('creates a person with a primary name and an alias, audited', async () => {
    const res = await call(worker, 'POST', '/people', {
      name: { givenName: 'Hüseyn', familyName: 'Məmmədov', patronymic: 'Əli oğlu' },
      aliases: [{ givenName: 'Гусейн', familyName: 'Мамедов' }],
      sex: 'male',
      birthYear: 1990,
      birthYearEstimated: true,
      citizenship: 'AZE',
      languages: ['az', 'ru'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.ownerAgencyId).toBe(ngo);
    expect(body.names).toHaveLength(2);
    expect(body.names[0]).toMatchObject({ kind: 'primary', script: 'latn', asEntered: 'Hüseyn Əli oğlu Məmmədov' });
    expect(body.names[1]).toMatchObject({ kind: 'alias', script: 'cyrl' });
    const audit = await t.db.selectFrom('auditLog').select(['action']).where('recordId', '=', body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['person.created']);
  });
});
