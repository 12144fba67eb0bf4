import { sql } from 'kysely';
import type { BenchSession, Scenario } from '../scenario.ts';

export const OPEN_CONTACTS = Number(process.env.BENCH_OPEN_CONTACTS ?? 10_000);
const CLOSED_CONTACTS = Number(process.env.BENCH_CLOSED_CONTACTS ?? 40_000);

/**
 * Issue 3's target: the operator's queue (the open contacts, newest first, a page of 50) in under
 * 20 ms at p95 with 10,000 open contacts. Setup closes whatever earlier scenarios left open, then adds
 * 10,000 open contacts over the last days (and 40,000 closed ones, so that the open ones are a
 * minority of the table, as they are on a real hotline).
 */
const scenario: Scenario = {
  name: 'hotline-queue',
  description: `GET /api/v1/contacts?status=new,ringing,in_progress,wrap_up (first page of 50) as an operator, ${OPEN_CONTACTS} open contacts`,
  setup: async (ctx) => {
    const agency = ctx.hotline.agencyId;
    await sql`UPDATE contacts SET status = 'completed', completed_at = now() WHERE status IN ('new','ringing','in_progress','wrap_up')`.execute(ctx.db);
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contactor_hash, contactor_last3, contact_type, region, received_at, created_at, updated_at, answered_at, completed_at)
      SELECT (ARRAY['call','sms','whatsapp','telegram','web_form'])[1 + i % 5], 'completed', ${agency},
             sha256(('closed' || i)::text::bytea), lpad((i % 1000)::text, 3, '0'), 'information_request', (ARRAY['Baku','Ganja','Sheki','Lankaran'])[1 + i % 4],
             t, t, t, t + interval '30 seconds', t + interval '10 minutes'
      FROM generate_series(1, ${CLOSED_CONTACTS}) i, LATERAL (SELECT now() - interval '90 days' + i * interval '150 seconds' AS t) x`.execute(ctx.db);
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contactor_hash, contactor_last3, region, received_at, created_at, updated_at)
      SELECT (ARRAY['call','sms','whatsapp','telegram','web_form'])[1 + i % 5], (ARRAY['new','ringing','in_progress','wrap_up'])[1 + i % 4], ${agency},
             sha256(('open' || i)::text::bytea), lpad((i % 1000)::text, 3, '0'), (ARRAY['Baku','Ganja','Sheki','Lankaran'])[1 + i % 4],
             t, t, t
      FROM generate_series(1, ${OPEN_CONTACTS}) i, LATERAL (SELECT now() - interval '3 days' + i * interval '20 seconds' AS t) x`.execute(ctx.db);
    await sql`ANALYZE contacts`.execute(ctx.db);
    ctx.state.session = await ctx.signIn(ctx.hotline.operator);
  },
  request: (ctx, n) => ({
    method: 'GET',
    path: n % 4 === 3 ? '/api/v1/contacts?status=new,ringing&limit=50' : '/api/v1/contacts?status=new,ringing,in_progress,wrap_up&limit=50',
    headers: { cookie: (ctx.state.session as BenchSession).cookie },
    expect: 200,
  }),
};
export default scenario;
