import { sql } from 'kysely';
import type { BenchSession, Scenario } from '../scenario.ts';

const CONTACTS = Number(process.env.BENCH_DASHBOARD_CONTACTS ?? 50_000);
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The hotline manager's dashboard over a year of contacts (50,000, about a national hotline's
 * year): every figure in one statement. Setup adds the contacts, spread over the last 365 days with
 * every status, channel, contact type and outcome, and an escalation on one in fifty. Requests ask
 * for the whole year, the last 30 days, and the year for one region.
 */
const scenario: Scenario = {
  name: 'hotline-dashboard',
  description: `GET /api/v1/hotline/dashboard (a year, 30 days, a year in one region) as a supervisor, over ${CONTACTS} contacts of a year`,
  setup: async (ctx) => {
    const agency = ctx.hotline.agencyId;
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contact_type, region, outcomes, received_at, answered_at, ended_at, completed_at, created_at, updated_at)
      SELECT (ARRAY['call','sms','whatsapp','telegram','web_chat','web_form','email','walk_in'])[1 + i % 8],
             CASE WHEN i % 10 = 0 THEN 'abandoned' ELSE 'completed' END, ${agency},
             CASE WHEN i % 10 = 0 THEN NULL ELSE (ARRAY['trafficking_report','information_request','service_request','non_trafficking','silent','prank','wrong_number','abusive'])[1 + i % 8] END,
             (ARRAY['Baku','Ganja','Sheki','Lankaran','Quba'])[1 + i % 5],
             CASE WHEN i % 10 = 0 THEN '{}'::text[] ELSE ARRAY[(ARRAY['information_given','referred_to_provider','reported_to_police','new_case','linked_to_case','follow_up_task','no_action'])[1 + i % 7]] END,
             t, CASE WHEN i % 10 = 0 THEN NULL ELSE t + (i % 120) * interval '1 second' END,
             t + interval '5 minutes', CASE WHEN i % 10 = 0 THEN NULL ELSE t + interval '10 minutes' END, t, t
      FROM generate_series(1, ${CONTACTS}) i, LATERAL (SELECT now() - interval '365 days' + i * (interval '365 days' / ${CONTACTS}) AS t) x`.execute(ctx.db);
    await sql`INSERT INTO contact_escalations (contact_id, created_by, created_at, alerted_at, acknowledged_at, acknowledged_by)
      SELECT id, ${ctx.hotline.operator.id}, received_at, received_at, received_at + interval '90 seconds', ${ctx.hotline.operator.id}
      FROM contacts WHERE owner_agency_id = ${agency} AND contact_type = 'trafficking_report' AND random() < 0.15`.execute(ctx.db);
    await sql`ANALYZE contacts`.execute(ctx.db);
    await sql`ANALYZE contact_escalations`.execute(ctx.db);
    ctx.state.session = await ctx.signIn(ctx.hotline.supervisor);
    const today = new Date();
    ctx.state.queries = [
      `from=${day(new Date(today.getTime() - 365 * 86_400_000))}&to=${day(today)}`,
      `from=${day(new Date(today.getTime() - 29 * 86_400_000))}&to=${day(today)}`,
      `from=${day(new Date(today.getTime() - 365 * 86_400_000))}&to=${day(today)}&region=Ganja`,
    ];
  },
  request: (ctx, n) => {
    const queries = ctx.state.queries as string[];
    return { method: 'GET', path: `/api/v1/hotline/dashboard?${queries[n % queries.length]}`, headers: { cookie: (ctx.state.session as BenchSession).cookie }, expect: 200 };
  },
};
export default scenario;
