import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { dumpAllTables } from '../../../test/helpers/tables.ts';
import { userCreateCommand } from '../../cli/commands/user.ts';
import { dayIn, addDays } from '../../domain/deadlines.ts';
import { assertDemoDatabase, DEMO_AGENCIES, DEMO_PASSWORD, DemoRefused, demoEmail, seedDemo } from './seed.ts';
import { DEMO_FOLLOW_UP_CODE } from './hotline-seed.ts';
import { DEMO_PROVIDERS } from './providers-seed.ts';

let t: TestApp;
let firstDump: Record<string, string[]>;
beforeAll(async () => {
  t = await createTestApp({ demo: true });
  await seedDemo(t.db);
  firstDump = await dumpAllTables(t.db);
  await seedDemo(t.db);
  // The whole demo twice, the press incidents most of it: slow on a loaded machine.
}, 180_000);
afterAll(() => t.close());

const as = (email: string) => signIn(t.app, email, DEMO_PASSWORD);
const get = async (s: Session, url: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { cookie: s.cookie } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
};
const today = () => dayIn('Asia/Baku', new Date());

describe('the demo story', () => {
  it('is seeded once: a second seed changes nothing (no row, no audit entry)', async () => {
    expect(await dumpAllTables(t.db)).toEqual(firstDump);
  });

  it('publishes two statistical releases, prepared by the analyst and approved by the coordinator', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/public/statistics?lang=az' });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ id: string; period: { from: string; to: string } }>;
    expect(items).toHaveLength(2);
    expect(items.map((i) => i.period.to).sort()).toEqual([`${Number(today().slice(0, 4)) - 1}-12-31`, today()]);
    for (const i of items) {
      const r = await t.app.inject({ method: 'GET', url: `/api/public/statistics/${i.id}` });
      expect(r.statusCode).toBe(200);
      expect(r.json().tables.length).toBeGreaterThan(10);
    }
  });

  it('keeps victims\' names and narratives sealed: no plain name in any table, the audit log among them', () => {
    for (const [table, rows] of Object.entries(firstDump)) {
      const text = rows.join('\n');
      // Aysel Nəbiyeva's guardian too (sealed since migration 0102).
      for (const name of ['Okafor', 'Петрова', 'Nəbiyeva', 'Cəfərli', 'Rzayeva', 'Иванов', 'Məmmədli', 'Lagos through Istanbul', 'Gülnarə Əliyeva']) expect(text.includes(name), `${name} in ${table}`).toBe(false);
    }
  });

  it('gives the hotline supervisor the agency\'s contacts in every state and an open escalation', async () => {
    const sup = await as(demoEmail('supervisor'));
    const list = await get(sup, '/contacts?limit=100');
    const statuses = new Set(list.items.map((c: { status: string }) => c.status));
    for (const s of ['new', 'in_progress', 'wrap_up', 'completed', 'abandoned']) expect(statuses, s).toContain(s);
    const outcomes = new Set(list.items.flatMap((c: { outcomes: string[] }) => c.outcomes));
    for (const o of ['information_given', 'referred_to_provider', 'reported_to_police', 'new_case', 'linked_to_case', 'follow_up_task', 'no_action']) expect(outcomes, o).toContain(o);
    const overview = await get(sup, '/supervisor/overview');
    expect(overview.escalations.some((e: { acknowledgedAt: string | null }) => e.acknowledgedAt === null)).toBe(true);
    expect(overview.waiting.length + overview.active.length).toBeGreaterThanOrEqual(3);
    const open = await get(sup, '/escalations?open=true');
    expect(open.items.length).toBeGreaterThanOrEqual(1);
  });

  it('answers the README\'s follow-up code with the report and the hotline\'s reply', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/public/hotline/follow-up', payload: { code: DEMO_FOLLOW_UP_CODE.toLowerCase() } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'out']);
  });

  it('gives the identification officer a queue: one accepted and due in a day or two, one waiting to be accepted', async () => {
    const officer = await as(demoEmail('identification_officer'));
    const q = (await get(officer, '/identification/queue')).items;
    expect(q.length).toBeGreaterThanOrEqual(2);
    const accepted = q.find((i: { referralStatus: string }) => i.referralStatus === 'accepted');
    expect(accepted.overdue).toBe(false);
    expect(accepted.rgDueOn > today() && accepted.rgDueOn <= addDays(today(), 5)).toBe(true);
    expect(q.some((i: { referralStatus: string; victims: { ageBand: string }[] }) => i.referralStatus === 'pending' && i.victims[0]?.ageBand === 'child')).toBe(true);
  });

  it('gives the case worker cases at every stage, referrals in every state and overdue tasks', async () => {
    const worker = await as(demoEmail('case_worker'));
    const cases = (await get(worker, '/cases?mine=true&limit=100')).items;
    expect(cases.length).toBe(8);
    const statuses = cases.map((c: { status: string; victimStatus: string }) => `${c.status}/${c.victimStatus}`).sort();
    expect(statuses).toEqual(['active/not_identified', 'active/potential', 'active/potential', 'active/potential', 'active/potential', 'active/potential', 'closed/identified', 'follow_up/identified'].sort());
    const referrals = (await get(worker, '/referrals?limit=100')).items;
    const states = new Set(referrals.map((r: { status: string }) => r.status));
    for (const s of ['pending', 'accepted', 'declined', 'completed']) expect(states, s).toContain(s);
    expect(referrals.find((r: { status: string }) => r.status === 'declined').declineReason).toMatch(/Russian-speaking/);
    const overdue = (await get(worker, '/tasks?overdue=true')).items;
    expect(overdue.length).toBeGreaterThanOrEqual(3);
    // The identified case: both decisions, the assistance plan with its services.
    const identified = cases.find((c: { status: string }) => c.status === 'follow_up');
    const page = await get(worker, `/cases/${identified.id}`);
    expect(page.identification[0].decisions.map((d: { stage: string; outcome: string }) => `${d.stage}:${d.outcome}`)).toEqual(['reasonable_grounds:positive', 'conclusive:identified_trafficking']);
    const plan = await get(worker, `/cases/${identified.id}/assistance-plan`);
    expect(plan.services.map((s: { status: string }) => s.status).sort()).toEqual(['delivered', 'in_progress', 'in_progress', 'planned']);
    expect(page.people[0].person.names.map((n: { asEntered: string }) => n.asEntered)).toEqual(expect.arrayContaining(['Grace Okafor', 'Грейс Окафор']));
  });

  it('finds the victims by name in any script, within what the case worker may see', async () => {
    const worker = await as(demoEmail('case_worker'));
    const hits = (await get(worker, `/people/search?q=${encodeURIComponent('Anna Petrova')}`)).items;
    expect(hits.length).toBeGreaterThanOrEqual(1);
    const child = (await get(worker, `/people/search?q=${encodeURIComponent('Айсель Набиева')}`)).items;
    expect(child.length).toBeGreaterThanOrEqual(1);
  });

  it('shows the NGO supervisor what is overdue across the agency', async () => {
    const sup = await as('ngo-supervisor@demo.pathway.local');
    const view = await get(sup, '/oversight/overdue');
    expect(view.counts.task).toBeGreaterThanOrEqual(3);
    expect(view.counts.referral).toBeGreaterThanOrEqual(1);
  });

  it('lists the providers with their capacity, some of them full', async () => {
    const worker = await as(demoEmail('case_worker'));
    const providers = (await get(worker, '/providers?limit=100')).items as { name: string; capacityTotal: number | null; capacityFree: number | null }[];
    expect(providers.map((p) => p.name).sort()).toEqual(DEMO_PROVIDERS.map((p) => p.name).sort());
    expect(providers.every((p) => p.capacityTotal !== null && p.capacityFree !== null)).toBe(true);
    expect(providers.filter((p) => p.capacityFree === 0).length).toBeGreaterThanOrEqual(2);
  });
});

describe('starting the demo again', () => {
  it('is not refused after users were made during the demo, through the API or the command line', async () => {
    const admin = await as(demoEmail('administrator'));
    const ngo = (await t.db.selectFrom('agencies').select('id').where('name', '=', DEMO_AGENCIES.find((a) => a.key === 'ngo1')!.name).executeTakeFirstOrThrow()).id;
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email: 'new.worker@example.org', name: 'New worker', language: 'az', agencyId: ngo, roles: ['case_worker'], isServiceAccount: false },
    });
    expect(made.statusCode, made.body).toBe(201);
    await userCreateCommand(t.db, { email: 'cli.worker@example.org', name: 'CLI worker', agency: DEMO_AGENCIES.find((a) => a.key === 'shelter')!.name, roles: ['case_worker'] });
    await expect(assertDemoDatabase(t.db)).resolves.toBeUndefined();
    await seedDemo(t.db);
    expect((await t.db.selectFrom('users').select('email').where('email', 'in', ['new.worker@example.org', 'cli.worker@example.org']).execute()).length).toBe(2);
  });

  it('is refused once the database has a real user, outside every demo agency', async () => {
    const real = await makeUser(t.db, { agencyId: (await makeAgency(t.db)).id });
    await expect(assertDemoDatabase(t.db)).rejects.toThrow(DemoRefused);
    await expect(assertDemoDatabase(t.db)).rejects.toThrow(real.email);
  });
});
