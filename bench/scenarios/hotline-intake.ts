import { inboundSms, messageSid, newRun, openStream, senderNumber, type LiveStream } from '../hotline.ts';
import type { Scenario } from '../scenario.ts';

/**
 * Issue 3's target: at least 1,500 contacts a second with p99 under 50 ms at 32 concurrent senders.
 * Every request is a signed Twilio SMS from a number never seen before: the signature check, the
 * de-duplication of the MessageSid, the contact, its message, the inbound event and the audit entry in
 * one transaction, and the NOTIFY that reaches the console connected meanwhile. One request in ten
 * is the provider retrying the previous MessageSid, which must change nothing.
 */
const scenario: Scenario = {
  name: 'hotline-intake',
  description: 'POST /api/v1/telephony/twilio/messaging, signed SMS from new numbers (1 in 10 a retry), a console on the live stream',
  connections: 32,
  setup: async (ctx) => {
    ctx.state.run = newRun();
    ctx.state.stream = await openStream(ctx, await ctx.signIn(ctx.hotline.operator));
  },
  request: (ctx, n) => {
    const m = n % 10 === 9 ? n - 1 : n;
    return inboundSms(ctx, messageSid(ctx.state.run as string, m), senderNumber(ctx.state.run as string, m), `Help needed, message ${m}`);
  },
  teardown: async (ctx) => {
    const stream = ctx.state.stream as LiveStream;
    stream.close();
    if (stream.events === 0) throw new Error('hotline-intake: the console heard no contact');
  },
};
export default scenario;
