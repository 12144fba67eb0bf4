import crypto from 'node:crypto';

/** A secret for a cookie, a setup link or an API token; only its sha256 is ever stored. */
export const randomSecret = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): Buffer => crypto.createHash('sha256').update(value).digest();

/** API tokens read `pw_<8 hex digits>_<secret>`: the prefix names the token in lists without revealing it. */
export function newApiToken(): { token: string; prefix: string } {
  const prefix = crypto.randomBytes(4).toString('hex');
  return { token: `pw_${prefix}_${randomSecret(32)}`, prefix };
}

export function generatePassword(): string {
  // 18 random bytes -> 24 characters, well above the 12-character minimum.
  return crypto.randomBytes(18).toString('base64url');
}
