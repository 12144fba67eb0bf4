import { describe, expect, it } from 'vitest';
import { diff, isSecretKey } from './audit.ts';

const SECRET = 'hunter2-correct-horse';

describe('diff', () => {
  it('records old and new values of changed fields only', () => {
    expect(
      diff({ name: 'A', region: 'Baku', roles: ['x'] }, { name: 'B', region: 'Baku', roles: ['x'] }),
    ).toEqual({ name: { old: 'A', new: 'B' } });
    expect(diff(null, { name: 'A', note: undefined })).toEqual({ name: { old: null, new: 'A' } });
    expect(diff({ name: 'A', gone: 1 }, { name: 'A' })).toEqual({ gone: { old: 1, new: null } });
    expect(diff({ d: new Date('2025-01-01T00:00:00Z') }, { d: new Date('2025-01-01T00:00:00Z') })).toEqual(
      {},
    );
    expect(diff({ o: { b: 1, a: 2 } }, { o: { a: 2, b: 1 } })).toEqual({});
  });

  it.each([
    'password',
    'passwordHash',
    'password_hash',
    'newPassword',
    'currentPassword',
    'totpSecret',
    'totp',
    'token',
    'tokenHash',
    'csrfToken',
    'accessToken',
    'API_KEY',
    'apiKey',
    'privateKey',
    'clientSecret',
  ])('never records %s by value, at the top or nested in any depth', (key) => {
    const changes = [
      diff({ [key]: 'old-' + SECRET }, { [key]: SECRET }),
      diff(null, { [key]: SECRET }),
      diff({ [key]: SECRET }, {}),
      diff({ settings: { smtp: { [key]: 'x' } } }, { settings: { smtp: { [key]: SECRET, host: 'mail' } } }),
      diff(null, { accounts: [{ name: 'a', [key]: SECRET }] }),
    ];
    for (const c of changes) {
      expect(JSON.stringify(c)).not.toContain(SECRET);
      expect(Object.keys(c).length).toBe(1);
    }
    expect(changes[0]).toEqual({ [key]: { changed: true } });
    expect(changes[3]).toEqual({
      settings: { old: { smtp: { [key]: '[secret]' } }, new: { smtp: { [key]: '[secret]', host: 'mail' } } },
    });
  });

  it('does not report an unchanged secret at all', () => {
    expect(diff({ passwordHash: SECRET, name: 'A' }, { passwordHash: SECRET, name: 'B' })).toEqual({
      name: { old: 'A', new: 'B' },
    });
  });

  it.each([
    'tokenId',
    'passwordChangedAt',
    'mustChangePassword',
    'hasApiKey',
    'contentHash',
    'tokens_count',
    'name',
    'description',
  ])('keeps %s by value', (key) => {
    expect(isSecretKey(key)).toBe(false);
    expect(diff({ [key]: 1 }, { [key]: 2 })).toEqual({ [key]: { old: 1, new: 2 } });
  });
});
