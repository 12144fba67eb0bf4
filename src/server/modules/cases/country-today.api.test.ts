import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';
import { dayIn } from '../../../domain/deadlines.ts';
import { COUNTRY_PROFILE_SETTING, countryToday } from '../../nrm-profile.ts';

// "Not in the future" means after today in the country's time zone, not in UTC's: a date typed as
// today must be taken whatever the hour. The zone is chosen so that its date differs from UTC's now:
// UTC+14 is a day ahead from 10:00 UTC, UTC-11 a day behind until 11:00 UTC.
let t: TestApp;
let worker: Session;
const now = new Date();
const utcToday = now.toISOString().slice(0, 10);
const zone = dayIn('Pacific/Kiritimati', now) > utcToday ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';

beforeAll(async () => {
  t = await createTestApp();
  const ngo = (await makeAgency(t.db, { type: 'ngo' })).id;
  worker = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'], agencyId: ngo })).email);
  await sql`INSERT INTO settings (key, value) VALUES (${COUNTRY_PROFILE_SETTING}, ${JSON.stringify({ timeZone: zone })}::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`.execute(t.db);
});
afterAll(() => t.close());

const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: worker.headers, payload });

describe("today in the country's time zone", () => {
  it('is the date in the profile zone, not UTC', async () => {
    expect(await countryToday(t.db, new Date('2026-12-06T21:00:00Z'))).toBe(zone === 'Pacific/Kiritimati' ? '2026-12-07' : '2026-12-06');
    expect(await countryToday(t.db, now)).toBe(dayIn(zone, now));
    expect(await countryToday(t.db, now)).not.toBe(utcToday);
  });

  it("takes a consent, a trafficking event's date and an assessment dated the country's today, and refuses the day after", async () => {
    const today = dayIn(zone, now);
    const tomorrow = dayIn(zone, new Date(now.getTime() + 86_400_000));
    const id = (await post('/cases', {})).json().id as string;
    const victim = await post(`/cases/${id}/people`, { role: 'victim', person: { name: { givenName: 'Nigar', familyName: 'Əliyeva' }, birthYear: 1990 } });
    const personId = victim.json().personId as string;
    const consent = await post(`/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: today, form: 'written' });
    expect(consent.statusCode, consent.body).toBe(201);
    const late = await post(`/cases/${id}/consents`, { personId, kind: 'assistance', givenOn: tomorrow, form: 'written' });
    expect(late.json().error.fields).toEqual({ givenOn: 'in the future' });
    const event = await post(`/cases/${id}/events`, { type: 'exploitation', date: today });
    expect(event.statusCode, event.body).toBe(201);
    expect((await post(`/cases/${id}/events`, { type: 'exploitation', date: tomorrow })).json().error.fields).toEqual({ date: 'in the future' });
  });
});
