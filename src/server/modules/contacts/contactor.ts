import type { Keys } from '../../crypto/keys.ts';

/** How a contactor is reached: a phone number (voice, SMS, WhatsApp), a Telegram user, an e-mail address. */
export type ContactorAddress = { kind: 'phone' | 'telegram' | 'email'; value: string };

/**
 * One spelling per contactor, so that the keyed hash matches across channels: a number that calls
 * and later writes on WhatsApp is the same contactor. Null when nothing usable is left.
 */
export function normaliseContactor(a: ContactorAddress): string | null {
  switch (a.kind) {
    case 'phone': {
      const raw = a.value.trim().replace(/^(whatsapp|sms|tel):/i, '');
      const digits = raw.replace(/\D/g, '');
      // Twilio sends withheld numbers as "anonymous", "Restricted" and the like.
      if (digits.length < 3) return null;
      return `phone:+${digits.replace(/^00/, '')}`;
    }
    case 'telegram':
      return /^\d+$/.test(a.value.trim()) ? `telegram:${a.value.trim()}` : null;
    case 'email': {
      const e = a.value.trim().toLowerCase();
      return e.includes('@') ? `email:${e}` : null;
    }
  }
}

/** What is stored about a contactor's address: the keyed hash and, for numbers, the last three digits. */
export function contactorFingerprint(keys: Keys, a: ContactorAddress | null): { contactorHash: Buffer | null; contactorLast3: string | null } {
  const normal = a ? normaliseContactor(a) : null;
  if (!normal) return { contactorHash: null, contactorLast3: null };
  return {
    contactorHash: keys.contactorHash(normal),
    contactorLast3: a!.kind === 'phone' ? normal.replace(/\D/g, '').slice(-3) : null,
  };
}
