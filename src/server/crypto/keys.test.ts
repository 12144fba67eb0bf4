import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { deriveKeys, resolveSecretKey } from './keys.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the master key', () => {
  it('is made once in the data folder with mode 600 and reused after', () => {
    const config = loadConfig({ PATHWAY_DATA_DIR: path.join(dir, 'data') });
    const first = resolveSecretKey(config);
    const file = path.join(dir, 'data', 'secret.key');
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(config)).toEqual(first);
  });

  it('comes from PATHWAY_SECRET_KEY when set, which must be 32 bytes of base64', () => {
    const key = crypto.randomBytes(32);
    const config = loadConfig({ PATHWAY_DATA_DIR: path.join(dir, 'unused'), PATHWAY_SECRET_KEY: key.toString('base64') });
    expect(resolveSecretKey(config)).toEqual(key);
    expect(fs.existsSync(path.join(dir, 'unused'))).toBe(false);
    expect(() => loadConfig({ PATHWAY_SECRET_KEY: crypto.randomBytes(16).toString('base64') })).toThrow(ConfigError);
    expect(() => loadConfig({ PATHWAY_SECRET_KEY: 'not base64 at all!' })).toThrow(/PATHWAY_SECRET_KEY/);
  });

  it('refuses a damaged key file instead of making a new key (old hashes would stop matching)', () => {
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'secret.key'), 'short');
    expect(() => resolveSecretKey(loadConfig({ PATHWAY_DATA_DIR: path.join(dir, 'bad') }))).toThrow(/32-byte/);
  });
});

describe('derived keys', () => {
  const master = crypto.randomBytes(32);
  const keys = deriveKeys(master);

  it('hash with HMAC-SHA256 under a key derived by HKDF, never under the master key itself', () => {
    const hashKey = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'pathway/contactor-hash/v1', 32));
    const expected = crypto.createHmac('sha256', hashKey).update('phone:+994501234567').digest();
    expect(keys.contactorHash('phone:+994501234567')).toEqual(expected);
    expect(keys.contactorHash('phone:+994501234567')).not.toEqual(crypto.createHmac('sha256', master).update('phone:+994501234567').digest());
    expect(deriveKeys(crypto.randomBytes(32)).contactorHash('phone:+994501234567')).not.toEqual(expected);
  });

  it('encrypt with a fresh nonce each time and detect tampering', () => {
    const a = keys.encrypt('+994 55 999 88 77');
    expect(a).not.toEqual(keys.encrypt('+994 55 999 88 77'));
    expect(keys.decrypt(a)).toBe('+994 55 999 88 77');
    a[a.length - 1]! ^= 1;
    expect(() => keys.decrypt(a)).toThrow();
  });
});

describe('name blind index', () => {
  it('is stable for one name key, differs by key and by master key, and holds nothing of the name', () => {
    const keys = deriveKeys(crypto.randomBytes(32));
    const token = keys.nameKeyHash('mamedov');
    expect(keys.nameKeyHash('mamedov')).toBe(token);
    expect(keys.nameKeyHash('mamedova')).not.toBe(token);
    expect(deriveKeys(crypto.randomBytes(32)).nameKeyHash('mamedov')).not.toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(token.toLowerCase()).not.toContain('mamedov');
  });
});
