import crypto from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 20; // 100 bits

/** A new follow-up code, `XXXX-XXXX-XXXX-XXXX-XXXX`: 100 random bits, unguessable at any rate the limits allow. */
export function newFollowUpCode(): string {
  const bytes = crypto.randomBytes(LENGTH);
  let s = '';
  // 256 is a multiple of 32: every symbol is equally likely.
  for (const b of bytes) s += ALPHABET[b % 32];
  return s.match(/.{4}/g)!.join('-');
}

/** The code as typed, in its one spelling: case, spaces and dashes ignored, I and L read as 1, O as 0. */
export function normaliseFollowUpCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export const isWellFormedCode = (normal: string) => normal.length === LENGTH && [...normal].every((c) => ALPHABET.includes(c));

/** What is stored: the SHA-256 of the normal spelling (the code has 100 bits; no key is needed against guessing). */
export const followUpCodeHash = (typed: string): Buffer => crypto.createHash('sha256').update(normaliseFollowUpCode(typed)).digest();
