import { describe, expect, it, vi } from 'vitest';

// The real argon2, wrapped to count the calls in flight.
const inFlight = vi.hoisted(() => ({ now: 0, max: 0 }));
vi.mock('@node-rs/argon2', async (importActual) => {
  const actual = await importActual<typeof import('@node-rs/argon2')>();
  const counted =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      try {
        return await f(...a);
      } finally {
        inFlight.now--;
      }
    };
  return { ...actual, hash: counted(actual.hash), verify: counted(actual.verify) };
});

const { hashPassword, verifyPassword, MAX_CONCURRENT_HASHES } = await import('./passwords.ts');

describe('passwords', () => {
  it('hashes with argon2id at the OWASP parameters and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'wrong')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it(`runs at most ${MAX_CONCURRENT_HASHES} hashes at once; the others wait and all answer`, async () => {
    const stored = await hashPassword('pw');
    inFlight.max = 0;
    // A burst of sign-ins, a malformed stored hash among them (its failure frees its turn too).
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => verifyPassword(stored, i % 2 ? 'pw' : 'nope')),
      verifyPassword('$argon2id$broken', 'pw'),
      hashPassword('another').then((h) => verifyPassword(h, 'another')),
    ]);
    expect(results).toEqual([false, true, false, true, false, false, true]);
    expect(inFlight.max).toBe(MAX_CONCURRENT_HASHES);
    expect(inFlight.now).toBe(0);
    // Nothing is left holding a turn: one more runs at once.
    expect(await verifyPassword(stored, 'pw')).toBe(true);
  });
});
