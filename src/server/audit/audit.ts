import { sql } from 'kysely';
import type pg from 'pg';
import { inline, withClient } from '../db/batch.ts';
import { timedAppend } from './timing.ts';
import type { Db, DbOrTx, Tx } from '../db/database.ts';
import type { AuditLogTable, AuditRow } from '../db/types.ts';
import { GENESIS_HASH, canonicalJson, entryHash, type HashedFields } from './canonical.ts';
import { withheldPurpose, withheldValues } from './withhold.ts';

/** Who is acting, and through what: every audited call carries one. */
export type AuditActor = {
  userId: string | null;
  agencyId: string | null;
  via: AuditLogTable['via'];
  tokenId?: string | null;
  requestId?: string | null;
  ip?: string | null;
};

export const SYSTEM_ACTOR: AuditActor = { userId: null, agencyId: null, via: 'system' };

export type AuditEntry = {
  action: string;
  recordType?: string;
  recordId?: string;
  /**
   * Field -> { old, new }; for a read, the fields or sections that were shown. The writer keeps a
   * value only where it names no one (`withheldValues` in withhold.ts): every other field is stored
   * as `{ changed: true }`. Pass a searched name as `searchedName(keys, q)`, never as text.
   */
  changes?: Record<string, unknown>;
  /** A free-text reason: the log records only that one was given (`reason_given`), never its words. */
  purpose?: string;
  /** Flagged entries are brought to the auditors' attention (break-glass reads, overrides). */
  flagged?: boolean;
};

/**
 * Keys whose values are secrets, matched case-insensitively and ignoring `_`/`-`, at any depth:
 * `password`, `newPassword`, `password_hash`, `totpSecret`, `totp`, `csrfToken`, `tokenHash`, `apiKey`...
 * Timestamps and ids about secrets (`passwordChangedAt`, `tokenId`) and content hashes are not secrets.
 */
const SECRET_KEY = /(password|passwordhash|passphrase|secret|token|tokenhash|apikey|privatekey|otp)$/;
/** Flags about secrets (`mustChangePassword`, `hasApiKey`) say nothing of the secret itself. */
const FLAG_KEY = /^(must|is|has|can)/;
export const isSecretKey = (key: string): boolean => {
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEY.test(k) && !FLAG_KEY.test(k);
};

/** The value with every secret inside it (at any depth) replaced by a marker. */
function withoutSecrets(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(withoutSecrets);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretKey(k) ? '[secret]' : withoutSecrets(v)]));
}

/** Old and new values of the fields that changed; secrets are recorded as changed, never by value. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after)])) {
    const a = before?.[key];
    const b = after[key];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    out[key] = isSecretKey(key) ? { changed: true } : { old: withoutSecrets(a ?? null), new: withoutSecrets(b ?? null) };
  }
  return out;
}

/**
 * Appends one entry in the caller's transaction, so the entry exists exactly when the change does.
 * A transaction-scoped advisory lock orders writers, so the chain has no forks and no gaps.
 */
export async function appendAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await appendAuditEntries(tx, [{ actor, entry }]);
}

/**
 * Appends several entries, each with its own actor, in the caller's transaction: one lock and one
 * read of the chain's end for all of them, one insert. The chain is exactly what as many
 * `appendAudit` calls in this order would make; it exists so that a batch of webhook deliveries
 * committed together does not pay the serialised append once per delivery.
 */
export async function appendAuditEntries(tx: Tx, entries: readonly { actor: AuditActor; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  await timedAppend(async () => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK)})`.execute(tx);
    const last = await tx.selectFrom('auditLog').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    await tx.insertInto('auditLog').values(chainRows(last, entries)).execute();
  });
}

/**
 * The same append as `appendAuditEntries`, in a transaction of its own on a client borrowed with
 * `withClient`, in two round trips instead of five: `BEGIN`, the lock and the read of the chain's
 * end go in one message (each statement of a message takes its own snapshot under READ COMMITTED,
 * so the end is read after the lock is held), the insert and `COMMIT` in another. For reads that
 * are audited on every page opened (the case page, `auditRead`).
 */
export async function appendAuditOnClient(db: Db, client: pg.PoolClient, entries: readonly { actor: AuditActor; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  await timedAppend(async () => {
    const results = (await client.query(
      `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${AUDIT_LOCK}); SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
    )) as unknown as pg.QueryResult<{ seq: string; hash: string }>[];
    const insert = db.insertInto('auditLog').values(chainRows(results[2]!.rows[0], entries)).compile();
    await client.query(`${inline(insert.sql, insert.parameters)};\nCOMMIT`);
  });
}

/** The lock that orders every append, so the chain has no forks and no gaps. */
const AUDIT_LOCK = 7231001;

/** The rows that continue the chain from `last` (its end, none for an empty log) with these entries. */
function chainRows(last: { seq: string; hash: string } | undefined, entries: readonly { actor: AuditActor; entry: AuditEntry }[]) {
  let seq = last ? BigInt(last.seq) : 0n;
  let prevHash = last?.hash ?? GENESIS_HASH;
  return entries.map(({ actor, entry }) => {
    seq += 1n;
    const fields: HashedFields = {
      seq: String(seq),
      // Microseconds are lost on the way through JS, so the time is fixed here and hashed as stored.
      at: new Date(),
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      via: actor.via,
      tokenId: actor.tokenId ?? null,
      action: entry.action,
      recordType: entry.recordType ?? null,
      recordId: entry.recordId ?? null,
      // Values that could name or place a person never reach the log, whoever the caller is.
      changes: withheldValues(entry.changes),
      purpose: withheldPurpose(entry.purpose),
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      flagged: entry.flagged ?? false,
    };
    const hash = entryHash(prevHash, fields);
    const row = { ...fields, changes: fields.changes === null ? null : canonicalJson(fields.changes), prevHash, hash };
    prevHash = hash;
    return row;
  });
}

/** Runs `work` in a transaction and audits it there: the change and its entry commit together or not at all. */
export async function auditedTransaction<T>(
  db: Db,
  actor: AuditActor,
  work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const { result, audit } = await work(tx);
    for (const entry of Array.isArray(audit) ? audit : [audit]) await appendAudit(tx, actor, entry);
    return result;
  });
}

/** Records a read of sensitive data in its own short transaction. */
export async function auditRead(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await withClient(db, (client) => appendAuditOnClient(db, client, [{ actor, entry }]));
}

export type ChainReport =
  | { ok: true; checked: number; lastSeq: string | null; lastHash: string | null }
  | { ok: false; checked: number; firstBroken: { seq: string; reason: string } };

/**
 * An entry's seq and hash noted down outside the database at an earlier check. The chain alone cannot
 * show that its newest entries were cut off, or that everything from some entry on was rewritten and
 * re-hashed; checking that the noted entry is still there, unchanged, can.
 */
export type ChainAnchor = { seq: string; hash: string };

/** Exactly the hashed columns, named one by one so a column added later cannot silently change every hash. */
function hashedFieldsOf(row: AuditRow): HashedFields {
  return {
    seq: row.seq,
    at: row.at,
    actorUserId: row.actorUserId,
    actorAgencyId: row.actorAgencyId,
    via: row.via,
    tokenId: row.tokenId,
    action: row.action,
    recordType: row.recordType,
    recordId: row.recordId,
    changes: row.changes,
    purpose: row.purpose,
    requestId: row.requestId,
    ip: row.ip,
    flagged: row.flagged,
  };
}

/** Walks the whole log in order and names the first entry whose hash, link or sequence is wrong. */
export async function verifyAuditChain(db: DbOrTx, batchSize = 5000, anchor?: ChainAnchor): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let checked = 0;
  let lastSeq: string | null = null;
  for (;;) {
    const rows = await db
      .selectFrom('auditLog')
      .selectAll()
      .where('seq', '>=', String(expectedSeq))
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const broken = (reason: string): ChainReport => ({ ok: false, checked, firstBroken: { seq: row.seq, reason } });
      if (seq !== expectedSeq) return { ok: false, checked, firstBroken: { seq: String(expectedSeq), reason: 'entry missing' } };
      if (row.prevHash !== prevHash) return broken('link to the previous entry does not match');
      if (entryHash(prevHash, hashedFieldsOf(row)) !== row.hash) return broken('entry content does not match its hash');
      if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash) return broken('entry does not match the anchor noted earlier: rewritten');
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      lastSeq = row.seq;
      checked++;
    }
    if (rows.length < batchSize) {
      if (anchor && BigInt(anchor.seq) >= expectedSeq)
        return { ok: false, checked, firstBroken: { seq: anchor.seq, reason: 'the anchored entry is gone: the log was cut short' } };
      return { ok: true, checked, lastSeq, lastHash: lastSeq === null ? null : prevHash };
    }
  }
}
