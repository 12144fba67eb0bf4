import http from 'node:http';
import { sql } from 'kysely';
import { send, summarize } from '../load.ts';
import { inboundSms, messageSid, newRun, openStream, senderNumber, type LiveStream } from '../hotline.ts';
import type { Scenario } from '../scenario.ts';

/**
 * Issue 3's target: a new contact visible in a connected console within 200 ms at p99. A console
 * (an operator's session) holds the live stream open; each sender posts a signed SMS from a new
 * number, and the latency is from sending the webhook to the contact's event arriving on the stream.
 * Which contact a MessageSid made is looked up afterwards, outside the timing.
 */
const scenario: Scenario = {
  name: 'hotline-live',
  description: 'Twilio SMS webhook sent -> the new contact\'s event received on GET /api/v1/contacts/stream (latency per contact)',
  connections: 32,
  setup: async (ctx) => {
    ctx.state.stream = await openStream(ctx, await ctx.signIn(ctx.hotline.operator));
  },
  request: (ctx, n) => {
    const run = newRun();
    return inboundSms(ctx, messageSid(run, n), senderNumber(run, n), 'x');
  },
  measure: async (ctx, opts) => {
    const stream = ctx.state.stream as LiveStream;
    const run = newRun();
    const base = new URL(ctx.baseUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
    const sent: { sid: string; t0: number }[] = [];
    let errors = 0;
    let errorSample: string | null = null;
    let issued = 0;
    const start = performance.now();
    const deadline = start + opts.durationS * 1000;
    const worker = async () => {
      while (performance.now() < deadline && (opts.maxRequests === undefined || issued < opts.maxRequests)) {
        const n = opts.offset + issued++;
        const sid = messageSid(run, n);
        const req = inboundSms(ctx, sid, senderNumber(run, n), `Live ${n}`);
        const t0 = performance.now();
        try {
          const res = await send(agent, base, req);
          if (res.status === 200) sent.push({ sid, t0 });
          else {
            errors++;
            errorSample ??= `${req.path}: ${res.status} ${res.body.slice(0, 200)}`;
          }
        } catch (e) {
          errors++;
          errorSample ??= `${req.path}: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.connections }, worker));
    const elapsedS = (performance.now() - start) / 1000;
    agent.destroy();
    // The events of the last contacts may still be on their way.
    await new Promise((r) => setTimeout(r, 1000));
    const made = new Map<string, string>();
    for (let i = 0; i < sent.length; i += 5000) {
      const sids = sent.slice(i, i + 5000).map((s) => s.sid);
      const rows = await sql<{ externalId: string; contactId: string }>`SELECT external_id, contact_id FROM contact_inbound_events WHERE source = 'twilio_message' AND external_id = ANY(${sids})`.execute(ctx.db);
      for (const r of rows.rows) made.set(r.externalId, r.contactId);
    }
    const latencies: number[] = [];
    for (const s of sent) {
      const seen = stream.firstSeen.get(made.get(s.sid) ?? '');
      if (seen === undefined) {
        errors++;
        errorSample ??= `no live event for ${s.sid} within a second of the run's end`;
      } else latencies.push(seen - s.t0);
    }
    return summarize(Float64Array.from(latencies), errors, errorSample, elapsedS);
  },
  teardown: async (ctx) => {
    (ctx.state.stream as LiveStream).close();
  },
};
export default scenario;
