/**
 * Synthetic audit entries for the verification benchmark: `n` entries spread round-robin over the
 * installation's chains, each hashed in Node by `entryHash`, the writer's own function, over the same
 * fields the writer hashes (chain and position included), and inserted in batches through `unnest`.
 * What verification then reads is exactly what `appendAudit` would have written, faster than a
 * million appends (no lock, no round trip per entry).
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../src/server/db/database.ts';
import { GENESIS_HASH, canonicalJson, entryHash, type HashedFields } from '../src/server/audit/canonical.ts';

const ACTIONS = ['case.read', 'person.searched', 'case.updated', 'contact.created', 'referral.created'] as const;
const SECTIONS = ['summary', 'people', 'referrals', 'tasks', 'identification'];

export async function generateAuditEntries(db: Db, n: number, say: (line: string) => void, batch = 5000): Promise<void> {
  const chains = (await db.selectFrom('auditChains').select('chain').where('legacy', '=', false).orderBy('chain').execute()).map((r) => Number(r.chain));
  const heads = new Map(chains.map((c) => [c, { pos: 0n, hash: GENESIS_HASH }]));
  const actors = Array.from({ length: 200 }, () => crypto.randomUUID());
  const agencies = Array.from({ length: 20 }, () => crypto.randomUUID());
  const start = performance.now();
  const base = Date.now() - n; // a millisecond apart
  for (let done = 0; done < n; done += batch) {
    const cols = { seq: [] as string[], chain: [] as number[], pos: [] as string[], at: [] as string[], actor: [] as string[], agency: [] as string[], via: [] as string[], action: [] as string[], recordType: [] as string[], recordId: [] as string[], changes: [] as string[], requestId: [] as string[], ip: [] as string[], flagged: [] as boolean[], prevHash: [] as string[], hash: [] as string[] };
    for (let i = done; i < Math.min(n, done + batch); i++) {
      const chain = chains[i % chains.length]!;
      const head = heads.get(chain)!;
      const pos = head.pos + 1n;
      const action = ACTIONS[i % ACTIONS.length]!;
      const fields: HashedFields = {
        seq: String(i + 1),
        at: new Date(base + i),
        actorUserId: actors[i % actors.length]!,
        actorAgencyId: agencies[i % agencies.length]!,
        via: 'session',
        tokenId: null,
        action,
        recordType: action.split('.')[0]!,
        recordId: crypto.randomUUID(),
        changes: action === 'case.read' ? { sections: SECTIONS.slice(0, 1 + (i % SECTIONS.length)) } : { status: { old: 'open', new: 'in_progress' }, results: i % 17 },
        purpose: null,
        requestId: `req-${i.toString(36)}`,
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        flagged: i % 997 === 0,
        chain,
        pos: String(pos),
      };
      const hash = entryHash(head.hash, fields);
      cols.seq.push(fields.seq);
      cols.chain.push(chain);
      cols.pos.push(String(pos));
      cols.at.push(fields.at.toISOString());
      cols.actor.push(fields.actorUserId!);
      cols.agency.push(fields.actorAgencyId!);
      cols.via.push(fields.via);
      cols.action.push(action);
      cols.recordType.push(fields.recordType!);
      cols.recordId.push(fields.recordId!);
      cols.changes.push(canonicalJson(fields.changes));
      cols.requestId.push(fields.requestId!);
      cols.ip.push(fields.ip!);
      cols.flagged.push(fields.flagged);
      cols.prevHash.push(head.hash);
      cols.hash.push(hash);
      heads.set(chain, { pos, hash });
    }
    await sql`
      INSERT INTO audit_log (seq, chain, pos, at, actor_user_id, actor_agency_id, via, action, record_type, record_id, changes, request_id, ip, flagged, prev_hash, hash)
      SELECT * FROM unnest(${cols.seq}::bigint[], ${cols.chain}::smallint[], ${cols.pos}::bigint[], ${cols.at}::timestamptz[], ${cols.actor}::uuid[], ${cols.agency}::uuid[],
        ${cols.via}::text[], ${cols.action}::text[], ${cols.recordType}::text[], ${cols.recordId}::text[], ${cols.changes}::jsonb[], ${cols.requestId}::text[], ${cols.ip}::text[],
        ${cols.flagged}::boolean[], ${cols.prevHash}::text[], ${cols.hash}::text[])`.execute(db);
    const now = done + batch;
    if (now % 100_000 === 0 || now >= n) say(`audit data: ${Math.min(now, n)} entries, ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  await sql`SELECT setval('audit_log_seq', ${n + 1}, false)`.execute(db);
  await sql`ANALYZE audit_log`.execute(db);
}
