import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { createDb, type Db } from '../db/database.ts';
import { sql } from 'kysely';
import { readBatch, withClient } from '../db/batch.ts';
import { appendAudit, auditRead, auditedTransaction, SYSTEM_ACTOR, verifyAuditChain } from './audit.ts';

let t: { db: Db; url: string; drop: () => Promise<void> };
beforeAll(async () => {
  t = await cloneTestDatabase();
});
afterAll(() => t.drop());

describe('verifyAuditChain', () => {
  it('verifies entries whose changes have snake_case and nested keys, as stored', async () => {
    await t.db.transaction().execute((tx) =>
      appendAudit(tx, SYSTEM_ACTOR, { action: 'test.snake', changes: { audit_log: 1, nested: { some_key: [{ inner_key: 'x' }] } } }),
    );
    const row = await t.db.selectFrom('auditLog').select('changes').where('action', '=', 'test.snake').executeTakeFirstOrThrow();
    expect(row.changes).toEqual({ audit_log: { changed: true }, nested: { some_key: [{ inner_key: { changed: true } }] } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 1, chains: 1 });
  });
});

describe('reads audited in two round trips', () => {
  it('keep one chain with writers appending at the same time', async () => {
    const before = Number((await t.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const work = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? auditRead(t.db, SYSTEM_ACTOR, { action: 'probe.read', recordId: String(i), changes: { i } })
        : auditedTransaction(t.db, SYSTEM_ACTOR, async () => ({ result: null, audit: { action: 'probe.write', recordId: String(i) } })),
    );
    await Promise.all(work);
    const rows = await t.db.selectFrom('auditLog').select(['seq', 'action']).where('action', 'in', ['probe.read', 'probe.write']).execute();
    expect(rows).toHaveLength(40);
    expect(Number((await t.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(before + 40);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: before + 40 });
  });
});

describe('readBatch', () => {
  it('gives the rows Kysely gives, with the same types and names, for several queries in one message', async () => {
    const q1 = t.db.selectFrom('auditLog').select(['seq', 'at', 'actorUserId', 'changes', 'flagged']).orderBy('seq').limit(3);
    const q2 = t.db.selectFrom('auditLog').select('action').where('action', 'in', ['probe.read', "it's"]).where(sql<boolean>`${'$1'} = '$1'`).limit(1);
    const expected = [await q1.execute(), await q2.execute()];
    const got = await withClient(t.db, (c) => readBatch(c, [q1, q2] as const, { begin: true, commit: true }));
    expect(got).toEqual(expected);
    expect(got[0][0]!.at).toBeInstanceOf(Date);
  });

  it('rolls back and keeps the client usable when the work throws mid-transaction', async () => {
    const one = createDb(t.url, 1); // one client, so the second call gets the same one
    try {
      await expect(
        withClient(one, async (c) => {
          await readBatch(c, [one.selectFrom('auditLog').select('seq').limit(1)] as const, { begin: true, commit: false });
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      // Outside any transaction a statement's transaction starts with it; inside a leftover one it would not.
      const fresh = await withClient(one, async (c) => (await c.query<{ fresh: boolean }>('SELECT xact_start = query_start AS fresh FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows[0]!.fresh);
      expect(fresh).toBe(true);
    } finally {
      await one.destroy();
    }
  });

  it('prepares each query once per connection and recovers after a batch that failed', async () => {
    const one = createDb(t.url, 1);
    try {
      const ok = one.selectFrom('auditLog').select('seq').orderBy('seq').limit(1);
      const failing = (n: number) => one.selectNoFrom(sql<number>`1 / ${n}`.as('x'));
      const run = <Q extends readonly Parameters<typeof readBatch>[1][number][]>(qs: Q) => withClient(one, (c) => readBatch(c, qs, { begin: true, commit: true }));
      expect(await run([ok] as const)).toEqual([[{ seq: '1' }]]);
      // The new statement is prepared, then its execution fails and the transaction with it.
      await expect(run([ok, failing(0)] as const)).rejects.toThrow(/division by zero/);
      // The same text again (prepared or not before the error) and the earlier one both work.
      expect(await run([failing(2), ok] as const)).toEqual([[{ x: 0 }], [{ seq: '1' }]]);
      const names = await withClient(one, async (c) => (await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'pw\\_%'")).rows[0]!.n);
      expect(Number(names)).toBe(2);
    } finally {
      await one.destroy();
    }
  });
});
