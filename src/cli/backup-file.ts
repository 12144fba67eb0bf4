import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream';
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

  constructor(private readonly file: string) {
    this.partial = `${file}.partial`;
    const out = fs.createWriteStream(this.partial, { mode: 0o600 });
    this.done = new Promise((resolve, reject) => pipeline(this.gzip, out, (e) => (e ? reject(e) : resolve())));
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

/** The file's lines, decompressed; gzip's own damage (a cut-off file, a bad CRC) surfaces as BackupFileError. */
async function* lines(file: string): AsyncGenerator<string> {
  if (!fs.existsSync(file)) throw new BackupFileError(`There is no file ${file}`);
  const gunzip = zlib.createGunzip();
  pipeline(fs.createReadStream(file), gunzip, () => {});
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
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const text of lines(file)) return parseHeader(text);
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
  for await (const text of lines(file)) {
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
