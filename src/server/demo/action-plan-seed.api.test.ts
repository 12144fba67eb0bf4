import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../../test/helpers/app.ts';
import { DEMO_PASSWORD, demoEmail, seedDemo } from './seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: true });
  await seedDemo(t.db);
  await seedDemo(t.db);
}, 240_000);
afterAll(() => t.close());

type Plan = { id: string; title: string; startYear: number; status: string; statusCounts: Record<string, number> };
type Detail = { measures: { number: string; status: string; responsibleAgency: { id: string }; reports: { review: string }[]; indicators: { definition: string; computed: { value: number; period: number } | null }[] }[] };

describe('action plan demo', () => {
  it('has the 2009–2013 and 2020–2024 plans, once, with measures of nine bodies in every state', async () => {
    const s = await signIn(t.app, demoEmail('coordinator'), DEMO_PASSWORD);
    const get = async <T>(url: string) => (await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { cookie: s.cookie } })).json() as T;
    const plans = (await get<{ items: Plan[] }>('/action-plan/plans')).items;
    expect(plans.map((p) => p.startYear)).toEqual([2020, 2009]);
    const details = await Promise.all(plans.map((p) => get<Detail>(`/action-plan/plans/${p.id}`)));
    const measures = details.flatMap((d) => d.measures);
    expect(new Set(measures.map((m) => m.responsibleAgency.id)).size).toBe(9);
    const statuses = new Set(measures.map((m) => m.status));
    for (const s of ['late', 'done', 'on_track', 'dropped']) expect(statuses).toContain(s);
    const recent = details[0]!.measures;
    expect(recent.find((m) => m.number === '4.1.9')).toMatchObject({ status: 'done' });
    expect(recent.find((m) => m.number === '2.2')!.reports.map((r) => r.review)).toContain('returned');
    expect(recent.find((m) => m.number === '1.3')!.reports.map((r) => r.review)).toContain('submitted');
    // An indicator from the criminal-justice figures of the demo's synthetic cases: a figure to show.
    const investigated = recent.find((m) => m.number === '1.1')!.indicators.find((i) => i.definition === 'Trafficking cases investigated')!;
    expect(investigated.computed).toMatchObject({ period: 2023 });
    expect(investigated.computed!.value).toBeGreaterThan(0);
    // Late first for the coordinator.
    expect(recent[0]!.status).toBe('late');
    const meetings = (await get<{ items: { actionItems: number; lateItems: number }[] }>('/action-plan/meetings')).items;
    expect(meetings).toHaveLength(1);
    expect(meetings[0]).toMatchObject({ actionItems: 3, lateItems: 1 });
  });

  it('gives the Ministry of Labour\'s focal point what it owes and what is late', async () => {
    const s = await signIn(t.app, demoEmail('plan_focal_point'), DEMO_PASSWORD);
    const mine = (await t.app.inject({ method: 'GET', url: '/api/v1/action-plan/mine', headers: { cookie: s.cookie } })).json() as { owed: { number: string; period: number }[]; lateMeasures: { number: string }[]; actionItems: unknown[] };
    expect(mine.lateMeasures.map((m) => m.number)).toContain('1.2');
    expect(mine.owed.filter((o) => o.number === '1.2').map((o) => o.period)).toEqual([2022, 2023, 2024]);
    expect(mine.actionItems).toHaveLength(1);
  });
});
