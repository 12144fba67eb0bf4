import { describe, expect, it } from 'vitest';
import { inline, literal } from './batch.ts';

describe('literal', () => {
  it.each([
    [null, 'NULL'],
    [undefined, 'NULL'],
    [true, "'true'"],
    [false, "'false'"],
    [42, "'42'"],
    [-1.5, "'-1.5'"],
    ['plain', "'plain'"],
    ["O'Brien", "'O''Brien'"],
    ['back\\slash', " E'back\\\\slash'"],
    ['Hüseynov Гусейнов', "'Hüseynov Гусейнов'"],
    [['a', 'b"c', null], ` E'{"a","b\\\\"c",NULL}'`],
    [new Date('2026-11-28T04:00:00.123Z'), "'2026-11-28T04:00:00.123+00:00'"],
  ])('%j is %s', (value, expected) => {
    // TZ=UTC is not assumed: a Date is written with its offset, so only the instant matters.
    if (value instanceof Date) expect(new Date(literal(value).slice(1, -1)).getTime()).toBe(value.getTime());
    else expect(literal(value)).toBe(expected);
  });

  it('refuses what it cannot write as text', () => {
    expect(() => literal(Number.NaN)).toThrow(/finite/);
    expect(() => literal(Buffer.from('x'))).toThrow(/literal/);
  });
});

describe('inline', () => {
  it('replaces parameters and leaves quoted text and identifiers alone', () => {
    expect(inline(`select $1, '$2', "col$3", 'it''s $1', $2 from t where a = $10`, ['x', 2, 3, 4, 5, 6, 7, 8, 9, 'ten'])).toBe(
      `select 'x', '$2', "col$3", 'it''s $1', '2' from t where a = 'ten'`,
    );
  });

  it('refuses a parameter that is not given and an unterminated quote', () => {
    expect(() => inline('select $2', ['a'])).toThrow(/\$2/);
    expect(() => inline("select 'open", [])).toThrow(/unterminated/);
  });

  it('refuses SQL where a $n could hide inside other text', () => {
    expect(() => inline("select 1 -- it's\n, $1", ['x'])).toThrow(/comment/);
    expect(() => inline('select /* $1 */ 1', ['x'])).toThrow(/comment/);
    expect(() => inline('select $$ $1 $$', ['x'])).toThrow(/not a parameter/);
    expect(() => inline("select E'\\' $1'", ['x'])).toThrow(/prefixed/);
    expect(() => inline('select a$1 from t', ['x'])).toThrow(/not a parameter/);
  });

  it('writes a negative number so that it cannot start a comment', () => {
    expect(inline('select $1-$2', [5, -1])).toBe("select '5'-'-1'");
  });

  it('cannot be broken out of by a parameter', () => {
    const text = inline('select * from t where name = $1', ["x'; DROP TABLE t; --"]);
    expect(text).toBe("select * from t where name = 'x''; DROP TABLE t; --'");
  });
});
