import { describe, expect, it } from 'vitest';
import { normaliseContactor } from './contactor.ts';

describe('one spelling per contactor', () => {
  const rows: [Parameters<typeof normaliseContactor>[0], string | null][] = [
    [{ kind: 'phone', value: '+994 50 123 45 67' }, 'phone:+994501234567'],
    [{ kind: 'phone', value: 'whatsapp:+994501234567' }, 'phone:+994501234567'],
    [{ kind: 'phone', value: '00994 (50) 123-45-67' }, 'phone:+994501234567'],
    [{ kind: 'phone', value: 'anonymous' }, null],
    [{ kind: 'phone', value: '+12' }, null],
    [{ kind: 'telegram', value: '123456789' }, 'telegram:123456789'],
    [{ kind: 'telegram', value: '@someone' }, null],
    [{ kind: 'email', value: ' Someone@Example.org ' }, 'email:someone@example.org'],
    [{ kind: 'email', value: 'nobody' }, null],
  ];
  it.each(rows)('%j -> %s', (input, expected) => expect(normaliseContactor(input)).toBe(expected));
});
