import type { BenchContext, BenchUser } from './scenario.ts';
import { generateCases } from './cases-data.ts';
import { generateContacts } from './contacts-data.ts';
import { benchUser } from './justice-data.ts';
import { loadUserWithAccess } from '../src/server/auth/principal-repository.ts';
import { toPrincipal } from '../src/server/auth/authenticate.ts';
import { approveRelease, prepareRelease } from '../src/server/modules/statistics/service.ts';

/** The NRM cases of the case scenarios (`BENCH_CASES`), the hotline's history (`BENCH_CONTACTS`), an analyst and a coordinator of one office. */
export async function statisticsUsers(ctx: BenchContext): Promise<{ analyst: BenchUser; coordinator: BenchUser }> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await generateCases(ctx.db, ctx.admin.id, undefined, log);
  await generateContacts(ctx.db, undefined, log);
  const office = (await ctx.db.selectFrom('agencies').select('id').where('name', '=', 'BENCH statistics office').executeTakeFirst())?.id
    ?? (await ctx.db.insertInto('agencies').values({ name: 'BENCH statistics office', type: 'coordinator' }).returning('id').executeTakeFirstOrThrow()).id;
  return {
    analyst: await benchUser(ctx.db, 'statistics-analyst@bench.pathway.local', office, 'analyst'),
    coordinator: await benchUser(ctx.db, 'statistics-coordinator@bench.pathway.local', office, 'coordinator'),
  };
}

/** One approved release over the last twelve months (the generated cases are recent), prepared and approved through the service. */
export async function approvedRelease(ctx: BenchContext): Promise<string> {
  const { analyst, coordinator } = await statisticsUsers(ctx);
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const as = async (u: BenchUser) => {
    const p = toPrincipal((await loadUserWithAccess(ctx.db, u.id))!, 'session', null, null);
    return { p, actor: { userId: u.id, agencyId: u.agencyId, via: 'system' as const } };
  };
  const a = await as(analyst);
  const c = await as(coordinator);
  const { id } = await prepareRelease(ctx.db, a.actor, a.p, { title: `Bench statistics ${from} to ${to}`, from, to });
  await approveRelease(ctx.db, c.actor, c.p, id);
  return id;
}
