import crypto from 'node:crypto';

export type FormParams = Record<string, string | string[]>;

/**
 * Twilio's request signature: Base64 HMAC-SHA1, keyed by the auth token, of the full URL followed by
 * every POST parameter's name and value, sorted by name (hotline.md; Twilio "Webhooks security").
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const v = params[name]!;
    for (const value of Array.isArray(v) ? v : [v]) data += name + value;
  }
  return crypto.createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The generic webhook's signature header, `X-Pathway-Signature: t=<unix seconds>,v1=<hex>`, where
 * v1 is HMAC-SHA256 with the shared secret over `<t>.<raw body>`. Older (or newer) than five minutes
 * is refused, so a captured request cannot be replayed later.
 */
export function checkWebhookSignature(secret: string, header: string | undefined, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): 'ok' | 'missing' | 'stale' | 'bad' {
  if (!header) return 'missing';
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.trim().split('=', 2) as [string, string]));
  const t = parts.t;
  const v1 = parts.v1;
  if (!t || !/^\d{1,12}$/.test(t) || !v1) return 'bad';
  if (Math.abs(nowSeconds - Number(t)) > WEBHOOK_TOLERANCE_SECONDS) return 'stale';
  const expected = crypto.createHmac('sha256', secret).update(`${t}.${rawBody}`, 'utf8').digest('hex');
  return safeEqual(expected, v1.toLowerCase()) ? 'ok' : 'bad';
}
