import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveKeys } from '../crypto/keys.ts';
import { diff } from './audit.ts';
import { REASON_GIVEN, searchedName, withheldPurpose, withheldValues } from './withhold.ts';

const ID = '8d1f4a52-3c2b-4e8f-9a61-0b7c5d2e9f10';
const keys = deriveKeys(Buffer.alloc(32, 3));

describe('withheldValues: the log names the fields, never what identifies or tells', () => {
  it('keeps codes, ids, counts, booleans and dates of procedure under the fields that hold them', () => {
    expect(
      withheldValues({
        status: { old: 'new', new: 'in_progress' },
        caseId: ID,
        results: [ID],
        messages: 3,
        presumedVictim: true,
        dueAt: '2026-05-01T10:00:00.000Z',
        givenOn: '2026-05-01',
        sections: ['identity', 'contact'],
        victimStatus: { old: 'potential', new: 'presumed' },
        method: 'POST',
      }),
    ).toEqual({
      status: { old: 'new', new: 'in_progress' },
      caseId: ID,
      results: [ID],
      messages: 3,
      presumedVictim: true,
      dueAt: '2026-05-01T10:00:00.000Z',
      givenOn: '2026-05-01',
      sections: ['identity', 'contact'],
      victimStatus: { old: 'potential', new: 'presumed' },
      method: 'POST',
    });
  });

  it.each([
    ['a name', { name: { old: 'Leyla Əliyeva', new: 'Leyla Məmmədova' } }, { name: { changed: true } }],
    ['a searched query', { q: 'Leyla', results: 2 }, { q: { changed: true }, results: 2 }],
    ['a file name', { fileName: 'passport-aliyeva.pdf' }, { fileName: { changed: true } }],
    ['a birth date, though a date', { birthDate: { old: null, new: '1990-04-02' } }, { birthDate: { changed: true } }],
    ['a birth year, though a number', { birthYear: 1990 }, { birthYear: { changed: true } }],
    ['a place', { placeExact: 'Nizami st. 5' }, { placeExact: { changed: true } }],
    ['free text in a code field', { status: 'Leyla Aliyeva', type: 'Aliyeva' }, { status: { changed: true }, type: { changed: true } }],
    ['names in a list', { namesCopied: ['Кёнуль Гаджиева'] }, { namesCopied: [{ changed: true }] }],
    ['nested free text', { names: [{ kind: 'alias', asEntered: 'Konul' }] }, { names: [{ kind: 'alias', asEntered: { changed: true } }] }],
    ['a pair with one side withheld', { status: { old: 'new', new: 'Leyla' } }, { status: { changed: true } }],
  ])('withholds %s', (_what, changes, stored) => {
    expect(withheldValues(changes)).toEqual(stored);
  });

  it('a diff of identifying fields keeps only which fields changed', () => {
    const changes = diff({ name: 'Rəşid Quliyev', citizenship: null, status: 'open' }, { name: 'Rəşid Vüqar oğlu Quliyev', citizenship: 'AZE', status: 'closed' });
    expect(withheldValues(changes)).toEqual({ name: { changed: true }, citizenship: { changed: true }, status: { old: 'open', new: 'closed' } });
  });

  it('no text typed by a person survives, under any field name, at any depth', () => {
    // Text with a space or a letter outside ASCII lower case is never a code: whatever field it comes in, it is withheld.
    const text = fc.string({ minLength: 1, maxLength: 30 }).map((s) => `${s} Ə${s}`);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), tree, { maxKeys: 5 }), (changes) => {
        const stored = JSON.stringify(withheldValues(changes));
        expect(stored).not.toContain(' Ə');
      }),
      { numRuns: 300 },
    );
  });

  it('stops at a depth no entry needs, and takes a circular value without failing', () => {
    const circular: Record<string, unknown> = { status: 'open' };
    circular.self = circular;
    expect(JSON.stringify(withheldValues(circular))).toContain('"changed":true');
  });
});

describe('withheldPurpose', () => {
  it('records that a reason was given, never its words', () => {
    expect(withheldPurpose('Victim in hospital, Leyla Aliyeva unreachable')).toBe(REASON_GIVEN);
    expect(withheldPurpose('  ')).toBeNull();
    expect(withheldPurpose(undefined)).toBeNull();
  });
});

describe('searchedName', () => {
  it('the same name in either script gives the same keyed hashes, and none of the name', () => {
    const latin = searchedName(keys, 'Leyla Əliyeva');
    const cyrillic = searchedName(keys, 'Лейла Алиева');
    expect(latin.nameKeyHashes).toHaveLength(2);
    expect(cyrillic).toEqual(latin);
    expect(JSON.stringify(latin)).not.toMatch(/leyla|aliyev|liyev/i);
    expect(withheldValues(latin)).toEqual(latin);
    expect(searchedName(deriveKeys(Buffer.alloc(32, 4)), 'Leyla Əliyeva')).not.toEqual(latin);
  });
});
