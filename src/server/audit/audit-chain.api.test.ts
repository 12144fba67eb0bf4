import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import type { Db } from '../db/database.ts';
import { appendAudit, SYSTEM_ACTOR, verifyAuditChain } from './audit.ts';

let t: { db: Db; drop: () => Promise<void> };
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
    expect(row.changes).toEqual({ audit_log: 1, nested: { some_key: [{ inner_key: 'x' }] } });
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 1, lastSeq: '1' });
  });
});
