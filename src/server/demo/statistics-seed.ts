import type { DemoContext } from './context.ts';
import { approveRelease, prepareRelease } from '../modules/statistics/service.ts';

/**
 * Two approved statistical releases, prepared by the demo analyst and approved by the coordinator
 * through the service: last calendar year (the criminal-justice history) and this year to date (the
 * NRM story, the hotline and the courts). A period with nothing recorded is left out.
 */
export async function seedStatisticsDemo(ctx: DemoContext): Promise<void> {
  const year = Number(ctx.today.slice(0, 4));
  const periods = [
    { key: 'last-year', title: `Trafficking in persons: national statistics ${year - 1}`, from: `${year - 1}-01-01`, to: `${year - 1}-12-31` },
    { key: 'this-year', title: `Trafficking in persons: national statistics ${year} to date`, from: `${year}-01-01`, to: ctx.today },
  ];
  for (const period of periods) {
    await ctx.step(`statistics:${period.key}`, async () => {
      const analyst = await ctx.as('analyst');
      const coordinator = await ctx.as('coordinator');
      let id: string;
      try {
        ({ id } = await prepareRelease(ctx.db, analyst.actor, analyst.p, { title: period.title, from: period.from, to: period.to }));
      } catch (e) {
        if ((e as { code?: string }).code === 'no_data') return;
        throw e;
      }
      await approveRelease(ctx.db, coordinator.actor, coordinator.p, id);
    });
  }
}
