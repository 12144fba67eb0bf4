import { createProvider, updateCapacity } from '../modules/providers/service.ts';
import { CapacityBody, CreateProviderBody } from '../../shared/schemas/providers.ts';
import type { DemoContext } from './context.ts';

/**
 * The service providers' directory of the demo: shelter beds, legal aid, medical and psychological
 * help, each with its capacity as its own staff report it; some are full. Synthetic names.
 */
export const DEMO_PROVIDERS = [
  {
    name: 'Shelter for Victims of Trafficking, Baku (demo)',
    agency: 'shelter',
    by: 'shelter_worker',
    serviceTypes: ['shelter', 'psychological', 'interpretation'],
    regions: ['Baku', 'Absheron'],
    languages: ['az', 'ru', 'en'],
    minAge: 18,
    sexesServed: ['female', 'male'],
    total: 20,
    free: 4,
  },
  { name: "Women's shelter, Ganja (demo)", agency: 'shelter', by: 'shelter_worker', serviceTypes: ['shelter'], regions: ['Ganja'], languages: ['az', 'ru'], minAge: 18, sexesServed: ['female'], total: 8, free: 0 },
  {
    name: "Children's shelter (demo)",
    agency: 'family',
    by: 'coordinator',
    serviceTypes: ['shelter', 'education', 'psychological'],
    regions: ['Baku', 'Sumqayit'],
    languages: ['az', 'ru'],
    minAge: 6,
    maxAge: 17,
    sexesServed: ['female', 'male'],
    total: 10,
    free: 2,
  },
  { name: 'Legal aid clinic (demo)', agency: 'ngo2', by: 'lawyer', serviceTypes: ['legal_aid', 'interpretation'], regions: ['Baku', 'Ganja', 'Lankaran'], languages: ['az', 'ru', 'en'], sexesServed: ['female', 'male', 'other'], total: 15, free: 6 },
  { name: 'Medical rehabilitation unit (demo)', agency: 'health', by: 'coordinator', serviceTypes: ['medical'], regions: ['Baku'], languages: ['az', 'ru'], sexesServed: ['female', 'male', 'other'], total: 12, free: 5 },
  { name: 'Psychological support centre (demo)', agency: 'ngo1', by: 'case_worker', serviceTypes: ['psychological'], regions: ['Baku', 'Sumqayit'], languages: ['az', 'ru', 'en'], sexesServed: ['female', 'male', 'other'], total: 6, free: 0 },
  { name: 'Vocational training programme (demo)', agency: 'labour', by: 'coordinator', serviceTypes: ['vocational', 'financial'], regions: ['Baku', 'Ganja'], languages: ['az'], minAge: 16, sexesServed: ['female', 'male'], total: 30, free: 11 },
] as const;

export async function seedProvidersDemo(ctx: DemoContext): Promise<void> {
  const keeper = await ctx.as('coordinator');
  for (const v of DEMO_PROVIDERS) {
    await ctx.step(`provider:${v.name}`, async () => {
      const body = CreateProviderBody.parse({
        agencyId: ctx.agency(v.agency),
        name: v.name,
        serviceTypes: v.serviceTypes,
        regions: v.regions,
        languages: v.languages,
        minAge: 'minAge' in v ? v.minAge : 0,
        maxAge: 'maxAge' in v ? v.maxAge : 120,
        sexesServed: v.sexesServed,
        capacityTotal: v.total,
        description: 'Demo provider: synthetic data.',
      });
      const created = await createProvider(ctx.db, keeper.p, keeper.actor, body);
      // The provider's own staff say how many places are free (the coordinator's office for ministries' services).
      const staff = await ctx.as(v.by);
      await updateCapacity(ctx.db, staff.p, staff.actor, created.id, CapacityBody.parse({ capacityFree: v.free }));
    });
  }
}
