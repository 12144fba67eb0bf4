import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { pipeline, Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { z } from 'zod';

/**
 * A Pathway backup is one gzip'd file of JSON lines:
 *   line 1            the header (format, schema version, tables with their row counts, sequences)
 *   per table         a marker {"table": name, "rows": n}, then n lines, each one row as PostgreSQL's
 *                     to_jsonb(row) text, copied byte for byte and never parsed by JavaScript (so
 *                     bigint and numeric keep every digit)
 *   last line         {"end": true, "sha256": hex} over every byte before it, so a truncated or
 *                     altered file is refused.
 */
export const BACKUP_FORMAT = 'pathway-backup';

/**
 * The encrypted form `pathway backup` writes: one plain JSON line saying how the key is made (scrypt of
 * a passphrase, or a key file) with a salt, the nonce and a key check, then the gzip'd file above
 * encrypted with AES-256-GCM, then GCM's 16-byte tag. The key check (an HMAC under a key derived apart
 * from the content key) lets restore refuse a wrong passphrase or key file at once, by name; the tag
 * refuses any change to the encrypted bytes.
 */
export const ENCRYPTED_BACKUP_FORMAT = 'pathway-backup-encrypted';

/** What opens an encrypted backup: a passphrase, or the bytes of a key file. */
export type BackupSecret = { passphrase: string } | { keyFile: Buffer };

const EncryptedHeader = z.strictObject({
  format: z.literal(ENCRYPTED_BACKUP_FORMAT),
  formatVersion: z.literal(1),
  kdf: z.union([
    z.strictObject({ name: z.literal('scrypt'), N: z.number().int().min(1024).max(2 ** 20), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16) }),
    z.strictObject({ name: z.literal('key-file') }),
  ]),
  salt: z.string().min(16),
  iv: z.string().min(16),
  check: z.string().min(16),
});
type EncryptedHeader = z.infer<typeof EncryptedHeader>;

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };

function backupKeys(secret: BackupSecret, kdf: EncryptedHeader['kdf'], salt: Buffer): { content: Buffer; check: string } {
  let master: Buffer;
  if ('passphrase' in secret) {
    if (kdf.name !== 'scrypt') throw new BackupFileError('it was encrypted with a key file, not a passphrase: give its key file');
    master = crypto.scryptSync(secret.passphrase.normalize('NFC'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 });
  } else {
    if (kdf.name !== 'key-file') throw new BackupFileError('it was encrypted with a passphrase, not a key file: give its passphrase');
    master = Buffer.from(crypto.hkdfSync('sha256', secret.keyFile, salt, 'pathway/backup-key-file/v1', 32));
  }
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, salt, info, 32));
  return { content: sub('pathway/backup-content/v1'), check: crypto.createHmac('sha256', sub('pathway/backup-check/v1')).update('pathway-backup').digest('base64') };
}

/** The first line of an encrypted backup, or null for a plain (gzip) one. */
function encryptedHeaderOf(file: string): { header: EncryptedHeader; length: number } | null {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString('latin1');
    if (!text.startsWith(`{"format":"${ENCRYPTED_BACKUP_FORMAT}"`)) return null;
    const end = text.indexOf('\n');
    if (end < 0) throw new BackupFileError('its encryption header is damaged');
    const header = parseLine(EncryptedHeader, text.slice(0, end), 'its encryption header');
    return { header, length: end + 1 };
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether a backup file is in the encrypted form. */
export const isEncryptedBackup = (file: string): boolean => fs.existsSync(file) && encryptedHeaderOf(file) !== null;
export const BACKUP_FORMAT_VERSION = 1;

export const BackupHeader = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  schemaVersion: z.string().min(1),
  createdAt: z.string(),
  tables: z.array(z.object({ name: z.string().min(1), rows: z.number().int().min(0) })),
  sequences: z.array(z.object({ name: z.string().min(1), lastValue: z.string(), isCalled: z.boolean() })),
});
export type BackupHeader = z.infer<typeof BackupHeader>;

const TableMarker = z.strictObject({ table: z.string().min(1), rows: z.number().int().min(0) });
const Trailer = z.strictObject({ end: z.literal(true), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export class BackupFileError extends Error {}

/** Writes lines through gzip to `<file>.partial` and renames it into place only when complete. */
export class BackupWriter {
  private readonly hash = crypto.createHash('sha256');
  private readonly gzip = zlib.createGzip();
  private readonly done: Promise<void>;
  private readonly partial: string;

  /** With `secret`, the file is written in the encrypted form (ENCRYPTED_BACKUP_FORMAT). */
  constructor(
    private readonly file: string,
    secret?: BackupSecret,
  ) {
    this.partial = `${file}.partial`;
    const out = fs.createWriteStream(this.partial, { mode: 0o600 });
    if (!secret) {
      this.done = new Promise((resolve, reject) => pipeline(this.gzip, out, (e) => (e ? reject(e) : resolve())));
    } else {
      const salt = crypto.randomBytes(16);
      const iv = crypto.randomBytes(12);
      const kdf = 'passphrase' in secret ? { name: 'scrypt' as const, ...SCRYPT } : { name: 'key-file' as const };
      const keys = backupKeys(secret, kdf, salt);
      const header: EncryptedHeader = { format: ENCRYPTED_BACKUP_FORMAT, formatVersion: 1, kdf, salt: salt.toString('base64'), iv: iv.toString('base64'), check: keys.check };
      out.write(`${JSON.stringify(header)}\n`);
      const cipher = crypto.createCipheriv('aes-256-gcm', keys.content, iv);
      const seal = new Transform({
        transform(chunk: Buffer, _enc, next) {
          next(null, cipher.update(chunk));
        },
        flush(next) {
          this.push(cipher.final());
          next(null, cipher.getAuthTag());
        },
      });
      this.done = new Promise((resolve, reject) => pipeline(this.gzip, seal, out, (e) => (e ? reject(e) : resolve())));
    }
    // A failed write is reported by `finish`; until then keep the stream from throwing unhandled.
    this.done.catch(() => {});
  }

  async line(text: string): Promise<void> {
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    this.hash.update(bytes);
    if (!this.gzip.write(bytes)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  /** Appends the trailer and moves the file into place; returns the content's sha256. */
  async finish(): Promise<string> {
    const sha256 = this.hash.digest('hex');
    this.gzip.end(`${JSON.stringify({ end: true, sha256 })}\n`);
    await this.done;
    fs.renameSync(this.partial, this.file);
    return sha256;
  }

  async abandon(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => {});
    fs.rmSync(this.partial, { force: true });
  }
}

/**
 * The file's lines, decrypted (an encrypted backup needs its `secret`) and decompressed; gzip's own
 * damage (a cut-off file, a bad CRC) and a failed decryption surface as BackupFileError.
 */
async function* lines(file: string, secret?: BackupSecret): AsyncGenerator<string> {
  if (!fs.existsSync(file)) throw new BackupFileError(`There is no file ${file}`);
  const gunzip = zlib.createGunzip();
  const encrypted = encryptedHeaderOf(file);
  if (!encrypted) {
    pipeline(fs.createReadStream(file), gunzip, () => {});
  } else {
    if (!secret) throw new BackupFileError('it is encrypted: give its passphrase (PATHWAY_BACKUP_PASSPHRASE) or its key file (--key-file)');
    const { header, length } = encrypted;
    const keys = backupKeys(secret, header.kdf, Buffer.from(header.salt, 'base64'));
    if (keys.check.length !== header.check.length || !crypto.timingSafeEqual(Buffer.from(keys.check), Buffer.from(header.check)))
      throw new BackupFileError('the passphrase or key file is wrong: it does not open this backup');
    const size = fs.statSync(file).size;
    if (size < length + 16) throw new BackupFileError('it is incomplete (cut off after its header)');
    const tag = Buffer.alloc(16);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, tag, 0, 16, size - 16);
    fs.closeSync(fd);
    const decipher = crypto.createDecipheriv('aes-256-gcm', keys.content, Buffer.from(header.iv, 'base64'));
    decipher.setAuthTag(tag);
    const open = new Transform({
      transform(chunk: Buffer, _enc, next) {
        next(null, decipher.update(chunk));
      },
      flush(next) {
        try {
          next(null, decipher.final());
        } catch {
          next(new Error('its encrypted content was changed or cut off (the authentication tag does not match)'));
        }
      },
    });
    pipeline(size === length + 16 ? Readable.from([]) : fs.createReadStream(file, { start: length, end: size - 17 }), open, gunzip, (e) => {
      if (e) gunzip.destroy(e);
    });
  }
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
  } catch (e) {
    throw new BackupFileError(`it cannot be decompressed (${e instanceof Error ? e.message : String(e)})`);
  }
  rest += decoder.end();
  if (rest !== '') throw new BackupFileError('it ends in the middle of a line');
}

function parseLine<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupFileError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new BackupFileError(`${what} is not what a Pathway backup holds`);
  return parsed.data;
}

export type BackupRows = { table: string; rows: string[] };

/** Just the header: enough to refuse a backup from a newer Pathway before reading the rest. */
export async function readBackupHeader(file: string, secret?: BackupSecret): Promise<BackupHeader> {
  for await (const text of lines(file, secret)) return parseHeader(text);
  throw new BackupFileError('it is empty');
}

function parseHeader(text: string): BackupHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupFileError('its first line is not JSON');
  }
  const format = (json as { format?: unknown } | null)?.format;
  const formatVersion = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (format !== BACKUP_FORMAT) throw new BackupFileError('it is not a Pathway backup');
  if (formatVersion !== BACKUP_FORMAT_VERSION)
    throw new BackupFileError(`it has backup format version ${String(formatVersion)}, and this Pathway reads version ${BACKUP_FORMAT_VERSION} only`);
  return parseLine(BackupHeader, text, 'the header');
}

/**
 * Reads the whole file, checking as it goes that every table has the rows the header promises and
 * that the trailer's sha256 matches; `onRows` gets the rows in batches. Any damage throws, and
 * because the trailer is checked last, a caller loading rows inside a transaction must roll back
 * on a throw.
 */
export async function readBackup(
  file: string,
  onRows: (batch: BackupRows) => Promise<void> = async () => {},
  batchBytes = 4 * 1024 * 1024,
  secret?: BackupSecret,
): Promise<BackupHeader> {
  const hash = crypto.createHash('sha256');
  let header: BackupHeader | null = null;
  let tableIndex = 0;
  let current: { table: string; left: number } | null = null;
  let batch: string[] = [];
  let size = 0;
  let ended = false;
  const flush = async () => {
    if (current && batch.length > 0) await onRows({ table: current.table, rows: batch });
    batch = [];
    size = 0;
  };
  for await (const text of lines(file, secret)) {
    if (ended) throw new BackupFileError('there is data after its end');
    if (!header) {
      header = parseHeader(text);
      hash.update(`${text}\n`, 'utf8');
      continue;
    }
    if (current && current.left > 0) {
      hash.update(`${text}\n`, 'utf8');
      batch.push(text);
      size += text.length;
      current.left--;
      if (size >= batchBytes) await flush();
      continue;
    }
    await flush();
    const expected = header.tables[tableIndex];
    if (!expected) {
      const trailer = parseLine(Trailer, text, 'its last line');
      if (trailer.sha256 !== hash.digest('hex')) throw new BackupFileError('its content does not match its checksum (the file was changed or damaged)');
      ended = true;
      continue;
    }
    hash.update(`${text}\n`, 'utf8');
    const marker = parseLine(TableMarker, text, `the start of table ${expected.name}`);
    if (marker.table !== expected.name || marker.rows !== expected.rows)
      throw new BackupFileError(`table ${marker.table} is not where the header says table ${expected.name} with ${expected.rows} rows is`);
    current = { table: marker.table, left: marker.rows };
    tableIndex++;
  }
  if (!header) throw new BackupFileError('it is empty');
  if (!ended) throw new BackupFileError('it is incomplete (no end line): the file was cut off');
  return header;
}
