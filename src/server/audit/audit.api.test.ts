import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { withheldValues } from './withhold.ts';
import { createDb, type Db, type Tx } from '../db/database.ts';
import {
  SYSTEM_ACTOR,
  appendAudit,
  auditRead,
  auditedTransaction,
  verifyAuditChain,
  type AuditActor,
} from './audit.ts';

let db: Db;
let url: string;
let drop: () => Promise<void>;

const ACTOR: AuditActor = { userId: null, agencyId: null, via: 'cli', requestId: 'req-1', ip: '10.0.0.1' };

const probeRows = async (v: string) =>
  (await sql<{ v: string }>`SELECT v FROM audit_probe WHERE v = ${v}`.execute(db)).rows.length;
const entriesFor = async (action: string) =>
  (await db.selectFrom('auditLog').select('seq').where('action', '=', action).execute()).length;
const lastSeq = async () =>
  (await db.selectFrom('auditLog').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.seq ??
  '0';

/** Runs `work` in a transaction that is always rolled back, and answers what it returned. */
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

/** Values that must hash the same before and after the jsonb round trip. */
const awkward = [
  { nested: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } }, empty: {}, none: [] },
  {
    name: 'Günel Məmmədova',
    ru: 'Гюнель Мамедова',
    emoji: '🧭👩🏽‍⚕️',
    rtl: 'مرحبا',
    combining: 'e\u0301',
    zwj: 'a\u200db',
    lineSep: 'x\u2028y',
  },
  {
    quotes: 'she said "no" \\ then left',
    newline: 'a\nb\r\nc\t',
    html: '<script>alert(1)</script>',
    sql: "'; DROP TABLE audit_log; --",
  },
  {
    n: [
      0,
      -0,
      1,
      -1,
      0.1 + 0.2,
      1e21,
      1e-7,
      123456789.123456,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** -1074,
    ],
  },
  {
    when: new Date('2025-03-01T08:09:10.123Z'),
    dates: [new Date(0), { at: new Date('1999-12-31T23:59:59.999Z') }],
  },
  { bool: [true, false, null], dropped: undefined, arrayWithHole: [1, undefined, 3] },
  { 'key with spaces': 1, ключ: 2, ə: 3, '': 4, Z: 5, a: 6, aa: 7, b: { z: 1, a: 2, m: { y: 1, b: 2 } } },
  {
    diff: {
      status: { old: 'open', new: 'closed' },
      sections: { old: ['summary'], new: ['summary', 'health'] },
    },
  },
];

beforeAll(async () => {
  ({ db, url, drop } = await cloneTestDatabase());
  await sql`CREATE TABLE audit_probe (id serial PRIMARY KEY, v text NOT NULL)`.execute(db);
});
afterAll(() => drop());

describe('auditedTransaction', () => {
  it('commits the change and its entries together', async () => {
    const result = await auditedTransaction(db, ACTOR, async (tx) => {
      await sql`INSERT INTO audit_probe (v) VALUES ('committed')`.execute(tx);
      return {
        result: 42,
        audit: [
          { action: 'probe.one' },
          { action: 'probe.two', recordType: 'probe', recordId: 'x', purpose: 'why', flagged: true },
        ],
      };
    });
    expect(result).toBe(42);
    expect(await probeRows('committed')).toBe(1);
    const rows = await db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', 'in', ['probe.one', 'probe.two'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['probe.one', 'probe.two']);
    expect(rows[1]).toMatchObject({
      via: 'cli',
      requestId: 'req-1',
      ip: '10.0.0.1',
      recordType: 'probe',
      recordId: 'x',
      purpose: 'reason_given',
      flagged: true,
    });
    expect(BigInt(rows[1]!.seq)).toBe(BigInt(rows[0]!.seq) + 1n);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
  });

  it('leaves neither the change nor an entry when the work throws', async () => {
    const before = await lastSeq();
    await expect(
      auditedTransaction(db, ACTOR, async (tx) => {
        await sql`INSERT INTO audit_probe (v) VALUES ('thrown')`.execute(tx);
        await appendAudit(tx, ACTOR, { action: 'probe.thrown.early' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await probeRows('thrown')).toBe(0);
    expect(await entriesFor('probe.thrown.early')).toBe(0);
    expect(await lastSeq()).toBe(before);
  });

  it('leaves no change when its entry cannot be written', async () => {
    // A `via` the log's CHECK refuses: the entry cannot be written.
    const bad = { ...ACTOR, via: 'nowhere' as unknown as typeof ACTOR.via };
    await expect(
      auditedTransaction(db, bad, async (tx) => {
        await sql`INSERT INTO audit_probe (v) VALUES ('unauditable')`.execute(tx);
        return { result: null, audit: { action: 'probe.unauditable' } };
      }),
    ).rejects.toThrow();
    expect(await probeRows('unauditable')).toBe(0);
  });

  it('auditRead writes its entry on its own', async () => {
    await auditRead(db, SYSTEM_ACTOR, {
      action: 'probe.read',
      recordType: 'case',
      recordId: 'c1',
      changes: { sections: ['summary'] },
    });
    expect(await entriesFor('probe.read')).toBe(1);
  });
});

describe('audit_log is append-only', () => {
  beforeAll(async () => {
    await auditRead(db, ACTOR, { action: 'probe.immutable', changes: { a: 1 } });
  });

  it('runs as the table owner and a superuser, so the refusals below are not privileges', async () => {
    const { rows } = await sql<{ owner: boolean; superuser: boolean }>`
      SELECT pg_get_userbyid(c.relowner) = current_user AS owner, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
      FROM pg_class c WHERE c.relname = 'audit_log'`.execute(db);
    expect(rows[0]).toEqual({ owner: true, superuser: true });
  });

  it.each([
    ['UPDATE', sql`UPDATE audit_log SET action = 'forged' WHERE action = 'probe.immutable'`],
    ['UPDATE', sql`UPDATE audit_log SET flagged = NOT flagged`],
    ['DELETE', sql`DELETE FROM audit_log WHERE action = 'probe.immutable'`],
    ['DELETE', sql`DELETE FROM audit_log`],
    ['TRUNCATE', sql`TRUNCATE audit_log`],
  ])('refuses %s', async (op, statement) => {
    const before = await db.selectFrom('auditLog').selectAll().orderBy('seq').execute();
    await expect(statement.execute(db)).rejects.toThrow(`audit_log is append-only: ${op} refused`);
    expect(await db.selectFrom('auditLog').selectAll().orderBy('seq').execute()).toEqual(before);
  });
});

describe('verifyAuditChain', () => {
  it('passes a clean chain of many entries, whatever the changes hold', async () => {
    for (let i = 0; i < 120; i++) {
      await auditedTransaction(
        db,
        {
          ...ACTOR,
          userId: crypto.randomUUID(),
          via: 'session',
          tokenId: i % 3 === 0 ? crypto.randomUUID() : null,
        },
        async () => ({
          result: null,
          audit: {
            action: `probe.chain.${i % 7}`,
            recordType: 'case',
            recordId: String(i),
            changes: awkward[i % awkward.length],
            purpose: i % 5 === 0 ? 'Prüfung – проверка' : undefined,
            flagged: i % 11 === 0,
          },
        }),
      );
    }
    const report = await verifyAuditChain(db);
    const total = Number(await lastSeq());
    expect(report).toEqual({ ok: true, checked: total, lastSeq: String(total), lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Small batches walk the same chain across batch edges.
    expect(await verifyAuditChain(db, 7)).toEqual(report);
  });

  it('keeps the jsonb round trip honest: stored changes read back as the same canonical value', async () => {
    const { rows } = await sql<{
      changes: unknown;
    }>`SELECT changes FROM audit_log WHERE action LIKE 'probe.chain.%' ORDER BY seq LIMIT ${awkward.length}`.execute(
      db,
    );
    expect(rows.map((r) => r.changes)).toEqual(awkward.map((a) => JSON.parse(JSON.stringify(withheldValues(a))) as unknown));
  });

  /** `at`: a seq, or the first probe.chain entry with that many entries before it whose changes hold `nested`. */
  type Tamper = {
    name: string;
    at: number | 'nested';
    statement: (seq: string) => ReturnType<typeof sql>;
    reason: RegExp;
  };
  const tampers: Tamper[] = [
    {
      name: 'changes edited',
      at: 17,
      statement: (s) =>
        sql`UPDATE audit_log SET changes = '{"status":{"old":"open","new":"closed"}}' WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'changes edited inside a nested value',
      at: 'nested',
      statement: (s) =>
        sql`UPDATE audit_log SET changes = jsonb_set(changes, '{nested,deeper,deepest,0}', '2') WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'action edited',
      at: 23,
      statement: (s) => sql`UPDATE audit_log SET action = 'probe.innocent' WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'flag removed',
      at: 12,
      statement: (s) => sql`UPDATE audit_log SET flagged = NOT flagged WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'actor replaced',
      at: 30,
      statement: (s) => sql`UPDATE audit_log SET actor_user_id = gen_random_uuid() WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'time moved by a millisecond',
      at: 31,
      statement: (s) => sql`UPDATE audit_log SET at = at + interval '1 millisecond' WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'purpose added',
      at: 33,
      statement: (s) => sql`UPDATE audit_log SET purpose = 'routine' WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'hash recomputed by hand',
      at: 40,
      statement: (s) => sql`UPDATE audit_log SET hash = encode(sha256('forged'), 'hex') WHERE seq = ${s}`,
      reason: /content/,
    },
    {
      name: 'link rewritten',
      at: 41,
      statement: (s) => sql`UPDATE audit_log SET prev_hash = repeat('0', 64) WHERE seq = ${s}`,
      reason: /link/,
    },
    {
      name: 'middle entry deleted',
      at: 50,
      statement: (s) => sql`DELETE FROM audit_log WHERE seq = ${s}`,
      reason: /missing/,
    },
    {
      name: 'first entry deleted',
      at: 1,
      statement: (s) => sql`DELETE FROM audit_log WHERE seq = ${s}`,
      reason: /missing/,
    },
  ];

  it.each(tampers)(
    'names the first broken entry when $name (seq $at)',
    async ({ at: where, statement, reason }) => {
      const at =
        where === 'nested'
          ? Number(
              (
                await sql<{
                  seq: string;
                }>`SELECT seq FROM audit_log WHERE changes ? 'nested' ORDER BY seq OFFSET 2 LIMIT 1`.execute(
                  db,
                )
              ).rows[0]!.seq,
            )
          : where;
      const report = await inRolledBack(async (tx) => {
        await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
        const { numAffectedRows } = await statement(String(at)).execute(tx);
        expect(numAffectedRows).toBe(1n);
        await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(tx);
        return verifyAuditChain(tx, 16);
      });
      expect(report).toMatchObject({ ok: false, checked: at - 1, firstBroken: { seq: String(at) } });
      expect(report.ok === false && report.firstBroken.reason).toMatch(reason);
      // Rolled back: the real chain is whole again.
      expect((await verifyAuditChain(db)).ok).toBe(true);
    },
  );

  it('names the first of several tampered entries', async () => {
    const report = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit_log SET action = 'x' WHERE seq IN (60, 25, 90)`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(report).toMatchObject({ ok: false, firstBroken: { seq: '25' } });
  });

  it('notices a forged entry appended at the end', async () => {
    const report = await inRolledBack(async (tx) => {
      const last = await tx
        .selectFrom('auditLog')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      await sql`INSERT INTO audit_log (seq, at, via, action, prev_hash, hash) VALUES (${String(BigInt(last.seq) + 1n)}, now(), 'system', 'forged', ${last.hash}, ${'f'.repeat(64)})`.execute(
        tx,
      );
      return { report: await verifyAuditChain(tx), seq: String(BigInt(last.seq) + 1n) };
    });
    expect(report.report).toMatchObject({
      ok: false,
      firstBroken: { seq: report.seq, reason: expect.stringMatching(/content/) as unknown },
    });
  });
});

describe('concurrent writers', () => {
  it('produce one gap-free, fork-free chain', async () => {
    const wide = createDb(url, 25);
    try {
      const before = BigInt(await lastSeq());
      const writers = Array.from({ length: 20 }, (_, i) =>
        auditedTransaction(wide, ACTOR, async (tx) => {
          await sql`INSERT INTO audit_probe (v) VALUES (${`writer-${i}`})`.execute(tx);
          await sql`SELECT pg_sleep(${Math.random() * 0.02})`.execute(tx);
          return {
            result: i,
            audit: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
              action: 'probe.concurrent',
              recordId: `${i}.${k}`,
            })),
          };
        }),
      );
      expect((await Promise.all(writers)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
      const expected = Array.from({ length: 20 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);

      const rows = await db
        .selectFrom('auditLog')
        .select(['seq', 'prevHash', 'hash', 'recordId'])
        .where('seq', '>', String(before))
        .orderBy('seq')
        .execute();
      expect(rows).toHaveLength(expected);
      expect(rows.map((r) => BigInt(r.seq))).toEqual(rows.map((_, i) => before + 1n + BigInt(i)));
      expect(new Set(rows.map((r) => r.prevHash)).size).toBe(rows.length);
      // One transaction's entries are consecutive: the lock is held until it commits.
      const writerOf = rows.map((r) => r.recordId!.split('.')[0]);
      const runs = writerOf.filter((w, i) => i === 0 || writerOf[i - 1] !== w);
      expect(new Set(runs).size).toBe(runs.length);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      await wide.destroy();
    }
  });
});
