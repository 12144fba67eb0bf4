import { Secret, TOTP } from 'otpauth';
import { fieldAad, type Keys } from '../crypto/keys.ts';

const make = (secret: string, label = 'Pathway') =>
  new TOTP({ issuer: 'Pathway', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const totpUri = (secret: string, email: string): string => make(secret, email).toString();

/**
 * The time step a code belongs to (one step of clock drift either way), or null. Callers store the
 * step and refuse a code whose step is not newer, so a code works once.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = make(secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 1000 / 30) + delta;
}

export const totpCode = (secret: string, now = Date.now()): string => make(secret).generate({ timestamp: now });

/** TOTP secrets are stored encrypted with a key outside the database (a database copy must not yield them). */
export const sealTotpSecret = (keys: Keys, secret: string, userId: string): string => `v2:${keys.encrypt(secret, fieldAad('users', 'totp_secret', userId)).toString('base64')}`;

/** `v2:` is bound to the user's id; `v1:` (before associated data) is re-sealed by the data step at start. */
export function openTotpSecret(keys: Keys, stored: string, userId: string): string {
  if (stored.startsWith('v2:')) return keys.decrypt(Buffer.from(stored.slice(3), 'base64'), fieldAad('users', 'totp_secret', userId));
  throw new Error('TOTP secret not in the sealed form');
}
