import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The master key: `PATHWAY_SECRET_KEY`, or else `<dataDir>/secret.key`, made (mode 600) on the first
 * start and reused after. It never enters the database, so a copy of the database alone cannot turn
 * a keyed hash back into a phone number by trying every number.
 */
export function resolveSecretKey(config: Config): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  try {
    return parseKeyFile(fs.readFileSync(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    // 'wx': if another process made it first, use theirs.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return parseKeyFile(fs.readFileSync(file, 'utf8'), file);
  }
}

function parseKeyFile(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key; restore it from backup or set PATHWAY_SECRET_KEY`);
  return key;
}

/** Keys for separate purposes, derived from the master key so that one never serves two uses. */
export type Keys = {
  /** HMAC-SHA256 of a normalised phone number or handle: the same contactor gives the same hash. */
  contactorHash: (identifier: string) => Buffer;
  /**
   * AES-256-GCM for a field of a record: a version byte (2), nonce, tag and ciphertext in one buffer.
   * `aad` (associated data) names the field and its record (`fieldAad`): a ciphertext copied onto
   * another record or into another field does not decrypt there.
   */
  encrypt: (plain: string, aad: string) => Buffer;
  decrypt: (sealed: Buffer, aad: string) => string;
  /**
   * A field sealed before associated data (nonce, tag, ciphertext, no version byte): read only by the
   * data step that re-encrypts such fields (src/server/db/data-steps.ts), never by a request.
   */
  decryptLegacy: (sealed: Buffer) => string;
  /**
   * AES-256-GCM for files (case documents), under its own derived key: nonce, tag and ciphertext in
   * one buffer. `aad` (associated data, such as the document's id) must be the same to decrypt.
   */
  encryptBytes: (plain: Buffer, aad?: Buffer) => Buffer;
  decryptBytes: (sealed: Buffer, aad?: Buffer) => Buffer;
  /** A stable pseudonym for a record in de-identified exports (HMAC under its own key): the same record, the same pseudonym. */
  pseudonym: (kind: string, id: string) => string;
  /**
   * A keyed blind index of one name key (`nameKeys` in src/domain/names.ts): the same key, the same
   * token, under its own derived key. People search and the audit log's searched names compare these,
   * so neither needs the name itself, and a copy of the database cannot try names without the key.
   */
  nameKeyHash: (nameKey: string) => string;
};

const FIELD_V2 = Buffer.from([2]);

/** The associated data of one field of one record: the table, the field and the record's id. */
export const fieldAad = (table: string, field: string, id: string): string => `${table}.${field}:${id}`;

export function deriveKeys(master: Buffer): Keys {
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  const hashKey = sub('pathway/contactor-hash/v1');
  const encKey = sub('pathway/field-encryption/v1');
  const fileKey = sub('pathway/file-encryption/v1');
  const pseudonymKey = sub('pathway/export-pseudonym/v1');
  const nameIndexKey = sub('pathway/name-blind-index/v1');
  const seal = (key: Buffer, plain: Buffer, aad?: Buffer) => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    if (aad) cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  };
  const open = (key: Buffer, sealed: Buffer, aad?: Buffer) => {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    if (aad) decipher.setAAD(aad);
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  };
  return {
    contactorHash: (identifier) => crypto.createHmac('sha256', hashKey).update(identifier, 'utf8').digest(),
    encrypt: (plain, aad) => Buffer.concat([FIELD_V2, seal(encKey, Buffer.from(plain, 'utf8'), Buffer.from(aad, 'utf8'))]),
    decrypt: (sealed, aad) => {
      if (sealed.length < 29 || sealed[0] !== FIELD_V2[0]) throw new Error('not a sealed field (version 2)');
      return open(encKey, sealed.subarray(1), Buffer.from(aad, 'utf8')).toString('utf8');
    },
    decryptLegacy: (sealed) => open(encKey, sealed).toString('utf8'),
    encryptBytes: (plain, aad) => seal(fileKey, plain, aad),
    pseudonym: (kind, id) => crypto.createHmac('sha256', pseudonymKey).update(`${kind}:${id}`, 'utf8').digest('hex').slice(0, 20),
    decryptBytes: (sealed, aad) => open(fileKey, sealed, aad),
    nameKeyHash: (nameKey) => crypto.createHmac('sha256', nameIndexKey).update(nameKey, 'utf8').digest('base64url').slice(0, 22),
  };
}
