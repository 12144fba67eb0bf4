import { describe, expect, it } from 'vitest';
import { followUpCodeHash, isWellFormedCode, newFollowUpCode, normaliseFollowUpCode } from './codes.ts';

describe('follow-up codes', () => {
  it('are five groups of four Crockford base32 symbols, all different', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newFollowUpCode()));
    expect(codes.size).toBe(2000);
    for (const c of codes) {
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
      expect(isWellFormedCode(normaliseFollowUpCode(c))).toBe(true);
    }
  });

  it('use every symbol (no bias towards some)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const ch of newFollowUpCode().replaceAll('-', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 40,000 symbols: 1,250 expected each; a biased generator would stray far from it.
    for (const n of counts.values()) expect(n).toBeGreaterThan(1000);
  });

  it('are read the same however they are typed', () => {
    expect(normaliseFollowUpCode(' k7qm-3xrd 9fta-w2hb-n5pe ')).toBe('K7QM3XRD9FTAW2HBN5PE');
    expect(normaliseFollowUpCode('IL0O')).toBe('1100');
    expect(followUpCodeHash('abcd-efgh-jkmn-pqrs-tvwx').equals(followUpCodeHash('ABCDEFGHJKMNPQRSTVWX'))).toBe(true);
    expect(followUpCodeHash('ABCDEFGHJKMNPQRSTVWX').equals(followUpCodeHash('ABCDEFGHJKMNPQRSTVWY'))).toBe(false);
    expect(isWellFormedCode('ABCDEFGHJKMNPQRSTVWU')).toBe(false);
    expect(isWellFormedCode('ABCD')).toBe(false);
  });
});
