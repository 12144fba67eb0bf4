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
    throw new DeliveryError(`network: ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}`, false);
  }
  const json: unknown = await res.json().catch(() => null);
  return { status: res.status, json };
}

const withPrefix = (channel: 'sms' | 'whatsapp', n: string) => (channel === 'whatsapp' && !/^whatsapp:/i.test(n) && !n.startsWith('MG') ? `whatsapp:${n}` : n);

/**
 * Twilio's Messages REST API (SMS and WhatsApp) and Telegram's Bot API `sendMessage`, at the base
 * URLs of the configuration (`PATHWAY_TWILIO_API_URL`, `PATHWAY_TELEGRAM_API_URL`).
 */
export function httpTransport(config: Config, fetchFn: typeof fetch = fetch): ReplyTransport {
  return {
    async send(d) {
      switch (d.channel) {
        case 'sms':
        case 'whatsapp': {
          const sid = config.twilioAccountSid;
          const token = config.twilioAuthToken;
          if (!sid || !token) throw new DeliveryError('Twilio is not configured (PATHWAY_TWILIO_ACCOUNT_SID, PATHWAY_TWILIO_AUTH_TOKEN)', true);
          const from = d.from ?? config.twilioFrom;
          if (!from) throw new DeliveryError('No sender number: set PATHWAY_TWILIO_FROM', true);
          const form = new URLSearchParams({ To: withPrefix(d.channel, d.to), Body: d.body });
          form.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', withPrefix(d.channel, from));
          const { status, json } = await post(`${config.twilioApiUrl}/2010-04-01/Accounts/${sid}/Messages.json`, {
            headers: { authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: form.toString(),
          }, fetchFn);
          const j = (json ?? {}) as { sid?: unknown; code?: number | string; message?: unknown };
          if (status >= 200 && status < 300) return { providerMessageId: typeof j.sid === 'string' ? j.sid : null };
          throw new DeliveryError(`Twilio ${status}${j.code ? ` (${String(j.code)})` : ''}: ${typeof j.message === 'string' ? j.message.slice(0, 300) : 'no message'}`, permanentStatus(status));
        }
        case 'telegram': {
          const token = config.telegramBotToken;
          if (!token) throw new DeliveryError('Telegram is not configured (PATHWAY_TELEGRAM_BOT_TOKEN)', true);
          const { status, json } = await post(`${config.telegramApiUrl}/bot${token}/sendMessage`, {
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ chat_id: d.to, text: d.body }),
          }, fetchFn);
          const j = (json ?? {}) as { ok?: unknown; result?: { message_id?: number }; description?: unknown };
          if (status >= 200 && status < 300 && j.ok === true) return { providerMessageId: j.result?.message_id !== undefined ? String(j.result.message_id) : null };
          throw new DeliveryError(`Telegram ${status}: ${typeof j.description === 'string' ? j.description.slice(0, 300) : 'no description'}`, permanentStatus(status));
        }
      }
    },
  };
}
