import { sql } from 'kysely';
import type pg from 'pg';
import { runStatements, withClient, type Statement } from '../db/batch.ts';
import { timedAppend } from './timing.ts';
import type { Db, Tx } from '../db/database.ts';
import type { AuditLogTable } from '../db/types.ts';
import { canonicalJson, entryHash, type HashedFields } from './canonical.ts';
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
 * The entry goes to one of the log's chains, whose transaction-scoped advisory lock orders that
 * chain's writers, so no chain has forks or gaps; other chains' writers do not wait (chains.ts).
 */
export async function appendAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await appendAuditEntries(tx, [{ actor, entry }]);
}

/**
 * Appends several entries, each with its own actor, in the caller's transaction: one claim of a
 * chain (its lock and its head) for all of them, one insert. The entries are consecutive in their
 * chain, in this order; it exists so that a batch of webhook deliveries committed together does not
 * pay the append once per delivery. Later appends in the same transaction go to the same chain.
 */
export async function appendAuditEntries(tx: Tx, entries: readonly { actor: AuditActor; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  await timedAppend(async () => {
    const { rows } = await sql<ClaimedHead>`SELECT chain, pos, hash, seqs FROM audit_claim_chain(${sql.lit(entries.length)})`.execute(tx);
    await tx.insertInto('auditLog').values(chainRows(rows[0]!, entries)).execute();
  });
}

/**
 * The same append as `appendAuditEntries`, in a transaction of its own on a client borrowed with
 * `withClient`, in two round trips: `BEGIN` and the claim of a chain in one message (the claim's
 * read of the chain's head takes its snapshot after the chain's lock is held, under READ
 * COMMITTED), the insert (from arrays, prepared: `chainInsert`) and `COMMIT` in another. For reads that are audited on every page opened
 * (the case page, `auditRead`).
 */
export async function appendAuditOnClient(client: pg.PoolClient, entries: readonly { actor: AuditActor; entry: AuditEntry }[]): Promise<void> {
  if (entries.length === 0) return;
  await timedAppend(async () => {
    const results = (await client.query(
      `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT chain, pos, hash, seqs FROM audit_claim_chain(${entries.length})`,
    )) as unknown as pg.QueryResult<ClaimedHead>[];
    await runStatements(client, [chainInsert(chainRows(results[1]!.rows[0]!, entries)), { sql: 'COMMIT', parameters: [] }]);
  });
}

/**
 * The same append for a caller that sends its own round trips (the hotline's batched intake,
 * `runStatements`): `claim` is the statement that locks a chain for the entries and reads its head,
 * sent last in a round trip of the caller's transaction; `insert` the entries after that head (its
 * one row), sent with the commit.
 */
export const auditAppendStatements = {
  claim: (entries: number): Statement => ({ sql: 'SELECT chain, pos, hash, seqs FROM audit_claim_chain($1::int)', parameters: [entries], prepare: true }),
  insert: (head: Record<string, unknown>, entries: readonly { actor: AuditActor; entry: AuditEntry }[]): Statement =>
    chainInsert(chainRows(head as ClaimedHead, entries)),
};

type ChainRow = ReturnType<typeof chainRows>[number];

/**
 * The columns of `chainInsert`, each with its SQL array type and its value in a row. The statement's
 * text is the same for any number of entries, so `runStatements` prepares it once per connection:
 * PostgreSQL then neither parses nor plans a VALUES list of some twenty literals an entry.
 */
const CHAIN_COLUMNS: [column: string, type: string, value: (r: ChainRow) => unknown][] = [
  ['seq', 'bigint', (r) => r.seq],
  ['at', 'timestamptz', (r) => r.at],
  ['actor_user_id', 'uuid', (r) => r.actorUserId],
  ['actor_agency_id', 'uuid', (r) => r.actorAgencyId],
  ['via', 'text', (r) => r.via],
  ['token_id', 'uuid', (r) => r.tokenId],
  ['action', 'text', (r) => r.action],
  ['record_type', 'text', (r) => r.recordType],
  ['record_id', 'text', (r) => r.recordId],
  ['changes', 'jsonb', (r) => r.changes],
  ['purpose', 'text', (r) => r.purpose],
  ['request_id', 'text', (r) => r.requestId],
  ['ip', 'text', (r) => r.ip],
  ['flagged', 'boolean', (r) => r.flagged],
  ['chain', 'smallint', (r) => r.chain],
  ['pos', 'bigint', (r) => r.pos],
  ['prev_hash', 'text', (r) => r.prevHash],
  ['hash', 'text', (r) => r.hash],
];
const CHAIN_INSERT = `INSERT INTO audit_log (${CHAIN_COLUMNS.map(([c]) => c).join(', ')}) SELECT * FROM unnest(${CHAIN_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})`;

/** The rows inserted from one array a column, a prepared statement (see CHAIN_COLUMNS). */
function chainInsert(rows: readonly ChainRow[]): Statement {
  return { sql: CHAIN_INSERT, parameters: CHAIN_COLUMNS.map(([, , value]) => rows.map(value)), prepare: true };
}

/** What `audit_claim_chain` (migration 0138) answers: the chain now locked, its head (0 and the genesis hash when empty), new seqs. */
type ClaimedHead = { chain: number; pos: string; hash: string; seqs: (string | number)[] };

/** The rows that continue the claimed chain from its head with these entries. */
function chainRows(head: ClaimedHead, entries: readonly { actor: AuditActor; entry: AuditEntry }[]) {
  let pos = BigInt(head.pos);
  let prevHash = head.hash;
  return entries.map(({ actor, entry }, i) => {
    pos += 1n;
    const fields: HashedFields = {
      seq: String(head.seqs[i]),
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
      chain: head.chain,
      pos: String(pos),
    };
    const hash = entryHash(prevHash, fields);
    const row = { ...fields, chain: head.chain, pos: String(pos), changes: fields.changes === null ? null : canonicalJson(fields.changes), prevHash, hash };
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
    await appendAuditEntries(tx, (Array.isArray(audit) ? audit : [audit]).map((entry) => ({ actor, entry })));
    return result;
  });
}

/** Records a read of sensitive data in its own short transaction. */
export async function auditRead(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await withClient(db, (client) => appendAuditOnClient(client, [{ actor, entry }]));
}

export { anchorAuditChains, verifyAuditChain, type AnchorNote, type ChainReport } from './chains.ts';
