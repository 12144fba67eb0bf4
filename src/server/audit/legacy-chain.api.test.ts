import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { migrateTo, migrateToLatest, type Db, type Tx } from '../db/database.ts';
import { SYSTEM_ACTOR, anchorAuditChains, auditedTransaction, verifyAuditChain } from './audit.ts';
import { GENESIS_HASH, canonicalJson, entryHash, type HashedFields } from './canonical.ts';

/**
 * A log written before migration 0138 (one chain, the old writer's hashes) stays valid as chain 0,
 * and the log carries on in the new chains after it.
 */
let t: Awaited<ReturnType<typeof cloneTestDatabase>>;
let db: Db;
const legacy: { seq: string; hash: string }[] = [];

beforeAll(async () => {
  t = await cloneTestDatabase();
  db = t.db;
  await sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public`.execute(db);
  await migrateTo(db, '0124_statistics_releases');
  // Five entries as the single-chain writer wrote them: seq 1..5, hashed without chain or position.
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= 5; seq++) {
    const fields: HashedFields = {
      seq: String(seq), at: new Date(Date.UTC(2026, 0, seq)), actorUserId: null, actorAgencyId: null, via: 'system', tokenId: null,
      action: 'legacy.entry', recordType: 'case', recordId: String(seq), changes: { sections: ['summary'] }, purpose: null, requestId: null, ip: null, flagged: false,
    };
    const hash = entryHash(prevHash, fields);
    await sql`INSERT INTO audit_log (seq, at, via, action, record_type, record_id, changes, flagged, prev_hash, hash)
      VALUES (${fields.seq}, ${fields.at}, 'system', ${fields.action}, 'case', ${fields.recordId}, ${canonicalJson(fields.changes)}::jsonb, false, ${prevHash}, ${hash})`.execute(db);
    legacy.push({ seq: fields.seq, hash });
    prevHash = hash;
  }
  await migrateToLatest(db);
});
afterAll(() => t.drop());

async function inRolledBack<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  const rollback = new Error('rollback');
  await db
    .transaction()
    .execute(async (tx) => {
      out = await work(tx);
      throw rollback;
    })
    .catch((e: unknown) => {
      if (e !== rollback) throw e;
    });
  return out!;
}

describe('the log written before chains', () => {
  it('is chain 0, unchanged, and verifies; new entries go to the other chains, their seqs after it', async () => {
    const rows = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos', 'hash']).orderBy('seq').execute();
    expect(rows).toEqual(legacy.map((l) => ({ ...l, chain: 0, pos: null })));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5, chains: 1, anchor: null });

    await auditedTransaction(db, SYSTEM_ACTOR, async () => ({ result: null, audit: { action: 'after.migration' } }));
    const next = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos']).where('action', '=', 'after.migration').executeTakeFirstOrThrow();
    expect(next).toMatchObject({ seq: '6', pos: '1' });
    expect(next.chain).toBeGreaterThan(0);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 6, chains: 2 });
    // An entry noted as seq:hash by a check before the chains still holds.
    expect(await verifyAuditChain(db, undefined, { kind: 'entry', ...legacy[4]! })).toMatchObject({ ok: true });
    expect(await verifyAuditChain(db, undefined, { kind: 'entry', seq: '5', hash: '0'.repeat(64) })).toMatchObject({ ok: false, firstBroken: { seq: '5', reason: expect.stringMatching(/rewritten/) as unknown } });
  });

  it('names tampering in it by seq, and a cut behind an anchor', async () => {
    const edited = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit_log SET record_id = 'other' WHERE seq = 3`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(edited).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: '3', chain: 0, pos: '3', reason: 'entry content does not match its hash' } });

    await anchorAuditChains(db);
    const cut = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`DELETE FROM audit_log WHERE seq = 5`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(cut).toMatchObject({ ok: false, checked: 4, firstBroken: { seq: '5', chain: 0, pos: '5', reason: expect.stringMatching(/cut short/) as unknown } });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('takes no new entry: the claim skips chain 0', async () => {
    const chains = await sql<{ chain: number }>`SELECT DISTINCT chain FROM audit_log WHERE seq > 5`.execute(db);
    expect(chains.rows.every((r) => r.chain > 0)).toBe(true);
    expect(await db.selectFrom('auditChains').select(['chain', 'legacy']).where('legacy', '=', true).execute()).toEqual([{ chain: 0, legacy: true }]);
  });
});
