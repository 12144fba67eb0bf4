import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, entryHash, type HashedFields } from './canonical.ts';

describe('canonicalJson', () => {
  it.each([
    [null, 'null'],
    [undefined, 'null'],
    [0, '0'],
    [-0, '0'],
    [1.5, '1.5'],
    [1e21, '1e+21'],
    ['a"b\\c\n', '"a\\"b\\\\c\\n"'],
    ['Məmmədova', '"Məmmədova"'],
    [true, 'true'],
    [[], '[]'],
    [{}, '{}'],
    [[1, [2, [3]]], '[1,[2,[3]]]'],
    [{ b: 1, a: [{ d: 1, c: 2 }] }, '{"a":[{"c":2,"d":1}],"b":1}'],
    [new Date('2025-03-01T08:09:10.123Z'), '"2025-03-01T08:09:10.123Z"'],
    [{ at: new Date(0) }, '{"at":"1970-01-01T00:00:00.000Z"}'],
    [{ a: undefined, b: 1 }, '{"b":1}'],
    [[undefined, 1], '[null,1]'],
    [{ a: null }, '{"a":null}'],
  ] as [unknown, string][])('%j -> %s', (value, want) => {
    expect(canonicalJson(value)).toBe(want);
  });

  it('does not depend on key order at any depth', () => {
    const a = { z: 1, a: { y: [1, { q: 1, p: 2 }], b: 2 }, m: null };
    const b = { m: null, a: { b: 2, y: [1, { p: 2, q: 1 }] }, z: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('keeps array order, which carries meaning', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('is the same value after a JSON round trip (what jsonb gives back)', () => {
    const v = {
      when: new Date('2025-01-02T03:04:05.678Z'),
      list: [1, 'two', { three: 3, drop: undefined }],
      ключ: 'значение',
    };
    expect(canonicalJson(JSON.parse(canonicalJson(v)))).toBe(canonicalJson(v));
  });

  it('tells apart values that only look alike', () => {
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson(['a,b'])).not.toBe(canonicalJson(['a', 'b']));
    expect(canonicalJson({ 'a":1,"b': 2 })).not.toBe(canonicalJson({ a: 1, b: 2 }));
  });
});

describe('entryHash', () => {
  const entry: HashedFields = {
    seq: '7',
    at: new Date('2025-01-01T00:00:00.000Z'),
    actorUserId: null,
    actorAgencyId: null,
    via: 'system',
    tokenId: null,
    action: 'x',
    recordType: null,
    recordId: null,
    changes: { b: 1, a: 2 },
    purpose: null,
    requestId: null,
    ip: null,
    flagged: false,
  };

  it('is a sha256 hex digest that depends on the previous hash and every field', () => {
    const h = entryHash(GENESIS_HASH, entry);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...entry, changes: { a: 2, b: 1 } })).toBe(h);
    expect(entryHash('1'.repeat(64), entry)).not.toBe(h);
    const variants: Partial<HashedFields>[] = [
      { seq: '8' },
      { at: new Date('2025-01-01T00:00:00.001Z') },
      { actorUserId: 'u' },
      { actorAgencyId: 'a' },
      { via: 'cli' },
      { tokenId: 't' },
      { action: 'y' },
      { recordType: 'case' },
      { recordId: '1' },
      { changes: { b: 1, a: 3 } },
      { purpose: 'p' },
      { requestId: 'r' },
      { ip: '::1' },
      { flagged: true },
    ];
    for (const v of variants)
      expect(entryHash(GENESIS_HASH, { ...entry, ...v }), JSON.stringify(v)).not.toBe(h);
  });
});
