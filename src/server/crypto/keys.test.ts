import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { deriveKeys, fieldAad, resolveSecretKey } from './keys.ts';

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
    const aad = fieldAad('contacts', 'callback_number', 'c1');
    const a = keys.encrypt('+994 55 999 88 77', aad);
    expect(a).not.toEqual(keys.encrypt('+994 55 999 88 77', aad));
    expect(keys.decrypt(a, aad)).toBe('+994 55 999 88 77');
    a[a.length - 1]! ^= 1;
    expect(() => keys.decrypt(a, aad)).toThrow();
  });

  it('bind a field to its record and field by associated data: moved to another record or field, it does not decrypt', () => {
    const a = keys.encrypt('Leyla Məmmədova', fieldAad('person_names', 'name', 'p1'));
    expect(a[0]).toBe(2);
    expect(keys.decrypt(a, fieldAad('person_names', 'name', 'p1'))).toBe('Leyla Məmmədova');
    expect(() => keys.decrypt(a, fieldAad('person_names', 'name', 'p2'))).toThrow();
    expect(() => keys.decrypt(a, fieldAad('people', 'birth_date', 'p1'))).toThrow();
    expect(() => keys.decryptLegacy(a)).toThrow();
  });

  it('read a field sealed before associated data only through decryptLegacy (the data step that re-seals it)', () => {
    const encKey = Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'pathway/field-encryption/v1', 32));
    const iv = crypto.randomBytes(12);
    iv[0] = 7;
    const cipher = crypto.createCipheriv('aes-256-gcm', encKey, iv);
    const body = Buffer.concat([cipher.update('+994 50 111 22 33', 'utf8'), cipher.final()]);
    const legacy = Buffer.concat([iv, cipher.getAuthTag(), body]);
    expect(keys.decryptLegacy(legacy)).toBe('+994 50 111 22 33');
    expect(() => keys.decrypt(legacy, fieldAad('contacts', 'callback_number', 'c1'))).toThrow();
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
