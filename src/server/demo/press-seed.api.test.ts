import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { seedDemo } from './seed.ts';
import { SYNTHETIC_COUNT } from './press-seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const pub = (url: string) => t.app.inject({ method: 'GET', url: `/api/public/press${url}` });

describe('press demo data', () => {
  it('loads the five cases and the synthetic set, all published, once', async () => {
    const started = Date.now();
    await seedDemo(t.db);
    // The whole demo (the NRM and hotline story too); the press incidents take most of it.
    expect(Date.now() - started).toBeLessThan(60_000);
    await seedDemo(t.db);
    const rows = await t.db.selectFrom('pressIncidents').select(['externalRef', 'isSynthetic', 'publishedAt']).execute();
    expect(rows.filter((r) => !r.isSynthetic).map((r) => r.externalRef).sort()).toEqual([
      'DEMO-AZ-2005-HUSEYNOV',
      'DEMO-AZ-2006-HAZIYEV',
      'DEMO-AZ-2006-HUSEYNLI',
      'DEMO-AZ-2006-NHUSEYNOV',
      'DEMO-AZ-2007-JAFAROV',
    ]);
    expect(rows.filter((r) => r.isSynthetic)).toHaveLength(SYNTHETIC_COUNT);
    expect(rows.every((r) => r.publishedAt !== null)).toBe(true);
    expect(await t.db.selectFrom('auditLog').select('seq').where('action', '=', 'demo.press_seeded').execute()).toHaveLength(1);
  }, 150_000);

  it('shows the real cases on the public page with their timelines and named sources', async () => {
    const list = (await pub(`/incidents?synthetic=false&q=${encodeURIComponent('Гусейнов')}`)).json();
    expect(list.items.map((i: { title: string }) => i.title).sort()).toEqual(['Killing of Elmar Huseynov', 'Stabbing of Nijat Huseynov']);
    const elmar = list.items.find((i: { title: string }) => i.title === 'Killing of Elmar Huseynov');
    const page = (await pub(`/incidents/${elmar.id}`)).json();
    expect(page.legalCases[0].milestones.map((m: { kind: string }) => m.kind)).toEqual(['case_opened', 're_qualified', 'suspect_named', 'extradition_refused', 'echr_application', 'echr_judgment']);
    // the suspects were named at some time in 2005: the certain inactivity counts from its end
    expect(page.derived).toMatchObject({ impunityStatus: 'complete_impunity', lastInvestigativeActOn: '2005-12-31', unescoStatus: 'ongoing' });
    expect(page.sources.map((s: { title: string }) => s.title)).toContain('Huseynova v. Azerbaijan, no. 10653/10, judgment of 13 April 2017');
    const huseynli = (await pub('/incidents?synthetic=false&q=Huseynli')).json().items[0];
    expect(huseynli.occurred.display).toBe('2006-03-05 / 2006-03-06');
    const jafarov = (await pub(`/incidents?q=${encodeURIComponent('Cəfərov')}`)).json().items;
    expect(jafarov.map((i: { title: string }) => i.title)).toEqual(['Beating of Uzeyir Jafarov']);
  });

  it('gives the charts solved, partly solved and unsolved incidents, the synthetic ones labelled', async () => {
    const s = (await pub('/summary')).json();
    expect(s.total).toBe(SYNTHETIC_COUNT + 5);
    expect(s.synthetic).toBe(SYNTHETIC_COUNT);
    expect(s.justice.full_justice).toBeGreaterThan(10);
    expect(s.justice.partial_justice).toBeGreaterThan(10);
    expect(s.justice.complete_impunity).toBeGreaterThan(50);
    expect(s.byYear.length).toBeGreaterThan(10);
    const synthetic = (await pub('/incidents?synthetic=true&limit=5')).json().items;
    expect(synthetic.every((i: { isSynthetic: boolean; title: string }) => i.isSynthetic && i.title.startsWith('[Synthetic]'))).toBe(true);
  });
});
