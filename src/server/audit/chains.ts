import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/database.ts';
import type { AuditRow } from '../db/types.ts';
import { GENESIS_HASH, canonicalJson, entryHash, type HashedFields } from './canonical.ts';

/**
 * The audit log is several hash chains (migration 0138): chain 0, the single chain written before,
 * closed, and the chains listed in `audit_chains`, each appended to under its own lock. Anchors, a
 * hash chain of their own, record every chain's head now and then (housekeeping each minute, and
 * every `audit verify`), so that cutting a chain's newest entries off behind an anchor shows.
 */

/** A chain's head as an anchor records it: chain 0's position is its seq. */
export type Head = { chain: number; pos: string; hash: string };

/**
 * Noted down outside the database at an earlier check: an anchor (`a<id>:<hash>`, what `audit
 * verify` prints) or, from before the log had chains, an entry (`<seq>:<hash>`). The chains alone
 * cannot show that their newest entries were cut off, or that everything from some entry on was
 * rewritten and re-hashed; checking that the noted anchor or entry is still there, unchanged, can.
 */
export type AnchorNote = { kind: 'anchor'; id: string; hash: string } | { kind: 'entry'; seq: string; hash: string };

/** Where verification stopped: an entry (`seq`, with its chain and position), a position with no entry (`seq` null), or an anchor. */
export type BrokenAt = { seq: string | null; chain: number | null; pos: string | null; anchor: string | null; reason: string };

export type ChainReport =
  | { ok: true; checked: number; chains: number; anchor: { id: string; hash: string } | null }
  | { ok: false; checked: number; firstBroken: BrokenAt };

/** Orders anchor writers (two-key advisory lock; the chains use key 7231001 with their number). */
const ANCHOR_LOCK = [7231002, 0] as const;

/** sha256 over the previous anchor's hash and this anchor's number, time and heads. */
export function anchorHash(prevHash: string, a: { id: string; at: Date; heads: readonly Head[] }): string {
  const body = canonicalJson({ id: String(a.id), at: a.at.toISOString(), heads: a.heads });
  return crypto.createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * Records every chain's committed head as the next anchor, unless no chain moved since the last one.
 * A chain's entries commit in position order (its lock is held until commit), so the heads read in
 * one snapshot are each a prefix of their chain. Answers the newest anchor.
 */
export async function anchorAuditChains(db: Db): Promise<{ id: string; hash: string; written: boolean }> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(ANCHOR_LOCK[0])}, ${sql.lit(ANCHOR_LOCK[1])})`.execute(tx);
    const last = await tx.selectFrom('auditAnchors').select(['id', 'heads', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const { rows } = await sql<Head>`
      SELECT c.chain, coalesce(l.pos, l.seq)::text AS pos, l.hash
      FROM audit_chains c
      CROSS JOIN LATERAL (SELECT a.pos, a.seq, a.hash FROM audit_log a WHERE a.chain = c.chain ORDER BY coalesce(a.pos, a.seq) DESC LIMIT 1) l
      ORDER BY c.chain`.execute(tx);
    const heads = rows.map((r) => ({ chain: Number(r.chain), pos: String(r.pos), hash: r.hash }));
    if (last && canonicalJson(last.heads) === canonicalJson(heads)) return { id: last.id, hash: last.hash, written: false };
    if (!last && heads.length === 0) return { id: '0', hash: GENESIS_HASH, written: false };
    const id = String(last ? BigInt(last.id) + 1n : 1n);
    const at = new Date();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = anchorHash(prevHash, { id, at, heads });
    await tx.insertInto('auditAnchors').values({ id, at, heads: JSON.stringify(heads), prevHash, hash }).execute();
    return { id, hash, written: true };
  });
}

/** Exactly the hashed columns, named one by one so a column added later cannot silently change every hash. */
function hashedFieldsOf(row: AuditRow): HashedFields {
  const fields: HashedFields = {
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
  // Chain 0 was hashed before entries had a chain and a position.
  return row.chain === 0 ? fields : { ...fields, chain: row.chain, pos: row.pos ?? undefined };
}

type Expected = { pos: bigint; hash: string; anchor: string };

/**
 * Walks the anchors, then every chain in order, in keyset batches (one index range scan each),
 * hashing in Node, and names the first broken entry: in chain order, the first whose hash, link or
 * position is wrong, or the first position an anchor recorded that is gone or different. A broken
 * anchor is named when no entry is. With `note`, the anchor or entry noted at an earlier check must
 * still be there, unchanged. Reads only: the caller writes an anchor first when it wants one
 * (`anchorAuditChains`).
 */
export async function verifyAuditChain(db: DbOrTx, batchSize = 10_000, note?: AnchorNote): Promise<ChainReport> {
  // The anchors: one hash chain, numbered from 1, each chain's head never moving back.
  let anchorProblem: BrokenAt | null = null;
  let latest: { id: string; hash: string; heads: Head[] } | null = null;
  let noted: Head[] | null = null;
  {
    let prevHash = GENESIS_HASH;
    let expectedId = 1n;
    let prevHeads = new Map<number, bigint>();
    walk: for (;;) {
      const rows = await db.selectFrom('auditAnchors').selectAll().where('id', '>=', String(expectedId)).orderBy('id').limit(batchSize).execute();
      for (const row of rows) {
        const problem = (reason: string): BrokenAt => ({ seq: null, chain: null, pos: null, anchor: String(row.id), reason });
        if (BigInt(row.id) !== expectedId) {
          anchorProblem = { seq: null, chain: null, pos: null, anchor: String(expectedId), reason: 'anchor missing' };
          break walk;
        }
        const heads = row.heads as Head[];
        if (row.prevHash !== prevHash) anchorProblem = problem('link to the previous anchor does not match');
        else if (anchorHash(prevHash, { id: row.id, at: row.at, heads }) !== row.hash) anchorProblem = problem('anchor content does not match its hash');
        else {
          const now = new Map(heads.map((h) => [h.chain, BigInt(h.pos)]));
          const back = [...prevHeads].find(([chain, pos]) => (now.get(chain) ?? -1n) < pos);
          if (back) anchorProblem = problem(`anchor records chain ${back[0]} shorter than the anchor before it`);
          prevHeads = now;
        }
        if (anchorProblem) break walk;
        if (note?.kind === 'anchor' && row.id === note.id) {
          if (row.hash !== note.hash) {
            anchorProblem = problem('anchor does not match the one noted earlier: rewritten');
            break walk;
          }
          noted = heads;
        }
        latest = { id: row.id, hash: row.hash, heads };
        prevHash = row.hash;
        expectedId += 1n;
      }
      if (rows.length < batchSize) break;
    }
    if (!anchorProblem && note?.kind === 'anchor' && !noted)
      anchorProblem = { seq: null, chain: null, pos: null, anchor: note.id, reason: 'the anchor noted earlier is gone: the log was cut short' };
  }

  // What the chains must still hold: the heads the newest anchor and the noted one recorded.
  const expected = new Map<number, Expected[]>();
  for (const [anchor, heads] of [
    [latest?.id, latest?.heads],
    [note?.kind === 'anchor' ? note.id : undefined, noted],
  ] as const) {
    for (const h of heads ?? []) {
      const list = expected.get(h.chain) ?? [];
      list.push({ pos: BigInt(h.pos), hash: h.hash, anchor: anchor! });
      expected.set(h.chain, list);
    }
  }

  // The chains: those the installation lists, those that hold entries, those an anchor names.
  const listed = await db.selectFrom('auditChains').select('chain').execute();
  const present = await sql<{ chain: number }>`
    WITH RECURSIVE c(chain) AS (
      (SELECT chain FROM audit_log ORDER BY chain LIMIT 1)
      UNION ALL
      SELECT (SELECT a.chain FROM audit_log a WHERE a.chain > c.chain ORDER BY a.chain LIMIT 1) FROM c WHERE c.chain IS NOT NULL
    )
    SELECT chain FROM c WHERE chain IS NOT NULL`.execute(db);
  const chains = [...new Set([...listed.map((r) => Number(r.chain)), ...present.rows.map((r) => Number(r.chain)), ...expected.keys()])].sort((a, b) => a - b);
  const listedSet = new Set(listed.map((r) => Number(r.chain)));

  let checked = 0;
  let nonEmpty = 0;
  for (const chain of chains) {
    const legacy = chain === 0;
    const checks = expected.get(chain) ?? [];
    let prevHash = GENESIS_HASH;
    let last = 0n;
    for (;;) {
      const rows = await db
        .selectFrom('auditLog')
        .selectAll()
        .where('chain', '=', chain)
        .where(sql`coalesce(pos, seq)`, '>', String(last))
        .orderBy(sql`coalesce(pos, seq)`)
        .limit(batchSize)
        .execute();
      for (const row of rows) {
        const pos = BigInt(legacy ? row.seq : (row.pos ?? row.seq));
        const at = { seq: row.seq, chain, pos: String(pos), anchor: null };
        const broken = (reason: string): ChainReport => ({ ok: false, checked, firstBroken: { ...at, reason } });
        if (!listedSet.has(chain)) return broken('entry in a chain the installation does not list');
        if (legacy !== (row.pos === null)) return broken(legacy ? 'entry in the closed chain 0 has a position' : 'entry has no position in its chain');
        if (pos !== last + 1n)
          return { ok: false, checked, firstBroken: { seq: legacy ? String(last + 1n) : null, chain, pos: String(last + 1n), anchor: null, reason: 'entry missing' } };
        if (row.prevHash !== prevHash) return broken('link to the previous entry does not match');
        if (entryHash(prevHash, hashedFieldsOf(row)) !== row.hash) return broken('entry content does not match its hash');
        const differs = checks.find((c) => c.pos === pos && c.hash !== row.hash);
        if (differs) return broken(`entry does not match anchor a${differs.anchor} noted earlier: rewritten`);
        prevHash = row.hash;
        last = pos;
        checked++;
      }
      if (rows.length < batchSize) break;
    }
    if (last > 0n) nonEmpty++;
    const cut = checks.filter((c) => c.pos > last).sort((a, b) => (a.pos < b.pos ? -1 : 1))[0];
    if (cut)
      return {
        ok: false,
        checked,
        firstBroken: { seq: legacy ? String(last + 1n) : null, chain, pos: String(last + 1n), anchor: null, reason: `entry missing: anchor a${cut.anchor} recorded the chain up to position ${cut.pos}, the log was cut short` },
      };
  }

  // An entry noted before the log had chains (`seq:hash`): still there, unchanged.
  if (note?.kind === 'entry') {
    const row = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos', 'hash']).where('seq', '=', note.seq).executeTakeFirst();
    const at = { seq: note.seq, chain: row ? row.chain : null, pos: row ? (row.pos ?? row.seq) : null, anchor: null };
    if (!row) return { ok: false, checked, firstBroken: { ...at, reason: 'the anchored entry is gone: the log was cut short' } };
    if (row.hash !== note.hash) return { ok: false, checked, firstBroken: { ...at, reason: 'entry does not match the anchor noted earlier: rewritten' } };
  }
  if (anchorProblem) return { ok: false, checked, firstBroken: anchorProblem };
  const newest = latest as { id: string; hash: string } | null;
  return { ok: true, checked, chains: nonEmpty, anchor: newest ? { id: newest.id, hash: newest.hash } : null };
}
