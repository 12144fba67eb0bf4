import type { Config } from '../../config.ts';

/** One reply on its way out: where to (a number or a Telegram chat) and from which hotline number. */
export type OutboundDelivery = { channel: 'sms' | 'whatsapp' | 'telegram'; to: string; from: string | null; body: string };

/** A delivery that did not happen. `permanent`: trying again cannot help (a refused number, no configuration). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** What sends replies: the providers' HTTP APIs in production, a local fake server in tests. */
export interface ReplyTransport {
  send(d: OutboundDelivery): Promise<{ providerMessageId: string | null }>;
}

const TIMEOUT_MS = 15_000;

/** Provider answers: 4xx other than 408/429 will not change on a retry; 5xx, 408, 429 and network errors may. */
const permanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

async function post(url: string, init: RequestInit, fetchFn: typeof fetch): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, method: 'POST', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    // Only the kind of failure: an error's own text may quote the request (and so the contactor's number).
    throw new DeliveryError(`network: ${(e as Error).name === 'TimeoutError' ? 'timed out' : 'no answer from the provider'}`, false);
  }
  const json: unknown = await res.json().catch(() => null);
  return { status: res.status, json };
}

/**
 * Fixed texts for the provider error codes seen most. The provider's own message is never kept: it
 * may quote the contactor's number ("The 'To' number +994… is not a valid phone number.") or name,
 * and what is kept here reaches `contact_messages.delivery_error`, the console and the audit log.
 */
const TWILIO_CODES: Record<number, string> = {
  20003: 'authentication failed',
  20404: 'resource not found',
  20429: 'too many requests',
  20500: 'internal error at Twilio',
  21211: 'the recipient number is not valid',
  21408: 'sending to this region is not enabled',
  21606: 'the sender number cannot send this message',
  21608: 'trial account: the recipient is not verified',
  21610: 'the recipient has unsubscribed (STOP)',
  21612: 'the message cannot be routed to this recipient',
  21614: 'the recipient number is not a mobile number',
  21617: 'the message is too long',
  63016: 'WhatsApp: outside the 24-hour reply window',
};
const HTTP_TEXTS: Record<number, string> = {
  400: 'request refused',
  401: 'not authorised',
  403: 'forbidden (for Telegram: the bot was blocked or cannot write to this chat)',
  404: 'not found',
  408: 'timed out',
  429: 'too many requests',
};
const numericCode = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 1_000_000 ? n : null;
};
const statusText = (status: number) => HTTP_TEXTS[status] ?? (status >= 500 ? 'provider error' : 'unexpected answer');

/** `Twilio 400 (21211): the recipient number is not valid`: the HTTP status, the numeric code, a fixed text. */
export function twilioErrorText(status: number, code: unknown): string {
  const c = numericCode(code);
  return `Twilio ${status}${c !== null ? ` (${c})` : ''}: ${(c !== null ? TWILIO_CODES[c] : undefined) ?? statusText(status)}`;
}

/** `Telegram 403 (403): forbidden …`: Telegram's `description` is never kept. */
export function telegramErrorText(status: number, code: unknown): string {
  const c = numericCode(code);
  return `Telegram ${status}${c !== null && c !== status ? ` (${c})` : ''}: ${statusText(c ?? status)}`;
}

const withPrefix = (channel: 'sms' | 'whatsapp', n: string) => (channel === 'whatsapp' && !/^whatsapp:/i.test(n) && !n.startsWith('MG') ? `whatsapp:${n}` : n);

/** The credentials replies are sent with: the environment's, else those set on the Channels screen. */
export type ReplyCredentials = { twilioAccountSid: string | undefined; twilioAuthToken: string | undefined; twilioFrom: string | undefined; telegramBotToken: string | undefined };

/**
 * Twilio's Messages REST API (SMS and WhatsApp) and Telegram's Bot API `sendMessage`, at the base
 * URLs of the configuration (`PATHWAY_TWILIO_API_URL`, `PATHWAY_TELEGRAM_API_URL`), with the
 * credentials `credentials` gives at the time of each send (unset: the configuration's).
 */
export function httpTransport(config: Config, credentials: () => Promise<ReplyCredentials> = async () => config, fetchFn: typeof fetch = fetch): ReplyTransport {
  return {
    async send(d) {
      const creds = await credentials();
      switch (d.channel) {
        case 'sms':
        case 'whatsapp': {
          const sid = creds.twilioAccountSid;
          const token = creds.twilioAuthToken;
          if (!sid || !token) throw new DeliveryError('Twilio is not configured (Administration -> Channels, or PATHWAY_TWILIO_ACCOUNT_SID and PATHWAY_TWILIO_AUTH_TOKEN)', true);
          const from = d.from ?? creds.twilioFrom;
          if (!from) throw new DeliveryError('No sender number: set the Twilio sender in Administration -> Channels or PATHWAY_TWILIO_FROM', true);
          const form = new URLSearchParams({ To: withPrefix(d.channel, d.to), Body: d.body });
          form.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', withPrefix(d.channel, from));
          const { status, json } = await post(`${config.twilioApiUrl}/2010-04-01/Accounts/${sid}/Messages.json`, {
            headers: { authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          }, fetchFn);
          const j = (json ?? {}) as { sid?: unknown; code?: unknown };
          if (status >= 200 && status < 300) return { providerMessageId: typeof j.sid === 'string' ? j.sid : null };
          throw new DeliveryError(twilioErrorText(status, j.code), permanentStatus(status));
        }
        case 'telegram': {
          const token = creds.telegramBotToken;
          if (!token) throw new DeliveryError('Telegram is not configured (Administration -> Channels, or PATHWAY_TELEGRAM_BOT_TOKEN)', true);
          const { status, json } = await post(`${config.telegramApiUrl}/bot${token}/sendMessage`, {
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ chat_id: d.to, text: d.body }),
          }, fetchFn);
          const j = (json ?? {}) as { ok?: unknown; result?: { message_id?: number }; error_code?: unknown };
          if (status >= 200 && status < 300 && j.ok === true) return { providerMessageId: j.result?.message_id !== undefined ? String(j.result.message_id) : null };
          throw new DeliveryError(telegramErrorText(status, j.error_code), permanentStatus(status));
        }
      }
    },
  };
}
