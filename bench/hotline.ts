/**
 * What the hotline scenarios share: Twilio messaging webhooks signed the way Twilio signs them
 * (computed here, independently of the server's code), and a console's live stream.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { BenchContext, BenchRequest, BenchSession } from './scenario.ts';

export const MESSAGING_PATH = '/api/v1/telephony/twilio/messaging';

/** Base64 HMAC-SHA1 of the URL and every parameter's name and value sorted by name (Twilio "Webhooks security"). */
export function twilioSignature(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return crypto.createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** A MessageSid no other run uses: SM, 16 hex digits of the run, 16 of the message number. */
export const messageSid = (run: string, n: number) => `SM${run}${n.toString(16).padStart(16, '0')}`;
export const newRun = () => crypto.randomBytes(8).toString('hex');

/**
 * The `n`th sender of a run: a mobile number whose operator code and seven-digit start follow from
 * the run's random id, so that every message of a run, and (but for a chance of about one in a
 * thousand) of any earlier run on the same database, comes from a number never seen before and makes
 * a new contact rather than joining an earlier run's conversation, which stays open (nobody answers).
 */
const OPERATOR_CODES = ['10', '50', '51', '55', '60', '70', '77', '99'];
export const senderNumber = (run: string, n: number) => {
  const seed = parseInt(run.slice(0, 8), 16);
  return `+994${OPERATOR_CODES[seed % OPERATOR_CODES.length]}${String((Math.floor(seed / OPERATOR_CODES.length) + n) % 10_000_000).padStart(7, '0')}`;
};

/** A signed, form-encoded inbound SMS, as Twilio posts it. */
export function inboundSms(ctx: BenchContext, sid: string, from: string, body: string): BenchRequest {
  const params: Record<string, string> = {
    AccountSid: `AC${'0'.repeat(32)}`,
    Body: body,
    From: from,
    MessageSid: sid,
    NumMedia: '0',
    To: '+994123456789',
  };
  const raw = new URLSearchParams(params).toString();
  return {
    method: 'POST',
    path: MESSAGING_PATH,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(ctx.hotline.twilioAuthToken, `${ctx.baseUrl}${MESSAGING_PATH}`, params) },
    rawBody: raw,
    expect: 200,
  };
}

/** A console's connection to the live queue: when each contact's first event arrived (performance.now()). */
export type LiveStream = { firstSeen: Map<string, number>; events: number; close: () => void };

export async function openStream(ctx: BenchContext, session: BenchSession): Promise<LiveStream> {
  const base = new URL(ctx.baseUrl);
  const firstSeen = new Map<string, number>();
  const stream: LiveStream = { firstSeen, events: 0, close: () => undefined };
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: base.hostname, port: base.port, path: '/api/v1/contacts/stream', headers: { cookie: session.cookie, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`the live stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'ready') resolve();
          if (event === 'contact' && data) {
            stream.events++;
            const id = (JSON.parse(data) as { id: string }).id;
            if (!firstSeen.has(id)) firstSeen.set(id, now);
          }
        }
      });
    });
    req.on('error', reject);
    stream.close = () => req.destroy();
  });
  return stream;
}
