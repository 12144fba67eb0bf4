import type { BenchSession, Scenario } from '../scenario.ts';
import { BENCH_CASES, generateCases } from '../cases-data.ts';
import { BENCH_JUSTICE_CASES, justiceUsers } from '../justice-data.ts';

const LANGS = ['az', 'ru', 'en'] as const;

/** Issue 13's target: the annual national report as a PDF in under 10 s, one at a time. */
const scenario: Scenario = {
  name: 'annual-report-pdf',
  description: `GET /api/v1/reports/annual?year=&lang=&format=pdf (the current and the previous year, az/ru/en in turn) as an analyst, over up to ${BENCH_CASES} NRM cases and ${BENCH_JUSTICE_CASES} criminal cases`,
  connections: 1,
  setup: async (ctx) => {
    await generateCases(ctx.db, ctx.admin.id, undefined, (line) => process.stderr.write(`${line}\n`));
    ctx.state.session = await ctx.signIn((await justiceUsers(ctx)).analyst);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: `/api/v1/reports/annual?year=${new Date().getFullYear() - (n % 2)}&lang=${LANGS[n % LANGS.length]}&format=pdf`,
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
