import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../../test/helpers/db.ts';
import { withheldValues } from './withhold.ts';
import { createDb, type Db, type Tx } from '../db/database.ts';
import {
  SYSTEM_ACTOR,
  anchorAuditChains,
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
    // One transaction's entries are consecutive in one chain.
    expect(rows[1]!.chain).toBe(rows[0]!.chain);
    expect(rows[0]!.chain).toBeGreaterThan(0);
    expect(BigInt(rows[1]!.pos!)).toBe(BigInt(rows[0]!.pos!) + 1n);
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

  it('auditRead stores, from its arrays, text that array and SQL literals must escape, exactly and hashed as stored', async () => {
    // Inserted from one array a column (a prepared statement): quotes, backslashes, braces, commas,
    // the word NULL and letters outside ASCII must reach each column as they were, not as nulls or
    // split elements, and the chain must verify over what is stored.
    const odd = `probe.odd'"\\{a,b} NULL \u0259`;
    const actor = { ...ACTOR, requestId: 'NULL', ip: `::1'"\\` };
    // Field names are kept whatever their values (withheld as { changed: true }): the odd text goes in a name.
    const field = `a"b\\c,{d} NULL '\u0259`;
    await auditRead(db, actor, { action: odd, recordType: 'case', recordId: '{"x":1}', changes: { [field]: 'Name', kind: 'x,y' } });
    const row = await db.selectFrom('auditLog').select(['action', 'recordType', 'recordId', 'requestId', 'ip', 'changes', 'tokenId', 'purpose', 'flagged'])
      .where('action', '=', odd).executeTakeFirstOrThrow();
    expect(row).toEqual({ action: odd, recordType: 'case', recordId: '{"x":1}', requestId: 'NULL', ip: actor.ip, changes: { [field]: { changed: true }, kind: { changed: true } }, tokenId: null, purpose: null, flagged: false });
    expect((await verifyAuditChain(db)).ok).toBe(true);
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
  const count = async (where = sql`true`) =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE ${where}`.execute(db)).rows[0]!.n);
  /** An entry by its place in seq order among those `where` picks, and how many entries verification checks before it. */
  const entryAt = async (where: ReturnType<typeof sql>, offset: number) => {
    const row = (
      await sql<{ seq: string; chain: number; pos: string }>`SELECT seq, chain, pos::text AS pos FROM audit_log WHERE ${where} ORDER BY seq OFFSET ${offset} LIMIT 1`.execute(db)
    ).rows[0]!;
    const before = await count(sql`chain < ${row.chain} OR (chain = ${row.chain} AND pos < ${row.pos})`);
    return { ...row, before };
  };

  it('passes clean chains of many entries, whatever the changes hold', async () => {
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
    const total = await count();
    const chains = Number((await sql<{ n: string }>`SELECT count(DISTINCT chain) AS n FROM audit_log`.execute(db)).rows[0]!.n);
    expect(report).toEqual({ ok: true, checked: total, chains, anchor: null });
    // Small batches walk the same chains across batch edges.
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

  /** `at`: the entry that many places into the probe.chain entries past the first of their chain (seq order), or the first probe.chain entry whose changes hold `nested`. */
  type Tamper = {
    name: string;
    at: number | 'nested' | 'first';
    statement: (seq: string) => ReturnType<typeof sql>;
    reason: RegExp;
    missing?: boolean;
    reportedSeq?: (seq: string) => string;
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
      name: 'seq renumbered',
      at: 35,
      statement: (s) => sql`UPDATE audit_log SET seq = seq + 1000000 WHERE seq = ${s}`,
      reason: /content/,
      reportedSeq: (s) => String(BigInt(s) + 1000000n),
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
      missing: true,
    },
    {
      name: 'first entry of a chain deleted',
      at: 'first',
      statement: (s) => sql`DELETE FROM audit_log WHERE seq = ${s}`,
      reason: /missing/,
      missing: true,
    },
  ];

  it.each(tampers)(
    'names the first broken entry, with its chain and position, when $name ($at)',
    async ({ at: where, statement, reason, missing, reportedSeq }) => {
      const at =
        where === 'nested'
          ? await entryAt(sql`changes ? 'nested' AND pos > 1`, 2)
          : where === 'first'
            ? await entryAt(sql`pos = 1`, 0)
            : await entryAt(sql`action LIKE 'probe.chain.%' AND pos > 1`, where);
      const report = await inRolledBack(async (tx) => {
        await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
        const { numAffectedRows } = await statement(at.seq).execute(tx);
        expect(numAffectedRows).toBe(1n);
        await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(tx);
        return verifyAuditChain(tx, 16);
      });
      expect(report).toMatchObject({ ok: false, checked: at.before, firstBroken: { seq: missing ? null : (reportedSeq?.(at.seq) ?? at.seq), chain: at.chain, pos: at.pos } });
      expect(report.ok === false && report.firstBroken.reason).toMatch(reason);
      // Rolled back: the real chains are whole again.
      expect((await verifyAuditChain(db)).ok).toBe(true);
    },
  );

  it('names the first of several tampered entries, in chain order', async () => {
    const picks = await Promise.all([60, 25, 90].map((n) => entryAt(sql`action LIKE 'probe.chain.%' AND pos > 1`, n)));
    const first = picks.sort((a, b) => a.before - b.before)[0]!;
    const report = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit_log SET action = 'x' WHERE seq IN (${sql.join(picks.map((p) => p.seq))})`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(report).toMatchObject({ ok: false, checked: first.before, firstBroken: { seq: first.seq, chain: first.chain } });
  });

  it('notices a forged entry appended at the end of a chain', async () => {
    await auditRead(db, ACTOR, { action: 'probe.before.forged' });
    const report = await inRolledBack(async (tx) => {
      const head = (
        await sql<{ chain: number; pos: string; hash: string }>`SELECT chain, pos::text AS pos, hash FROM audit_log WHERE chain > 0 ORDER BY audit_log.pos DESC LIMIT 1`.execute(tx)
      ).rows[0]!;
      const seq = (await sql<{ seq: string }>`SELECT nextval('audit_log_seq')::text AS seq`.execute(tx)).rows[0]!.seq;
      await sql`INSERT INTO audit_log (seq, chain, pos, at, via, action, prev_hash, hash) VALUES (${seq}, ${head.chain}, ${String(BigInt(head.pos) + 1n)}, now(), 'system', 'forged', ${head.hash}, ${'f'.repeat(64)})`.execute(tx);
      return { report: await verifyAuditChain(tx), seq, chain: head.chain };
    });
    expect(report.report).toMatchObject({
      ok: false,
      firstBroken: { seq: report.seq, chain: report.chain, reason: expect.stringMatching(/content/) as unknown },
    });
  });

  it('notices an entry in a chain the installation does not list', async () => {
    const report = await inRolledBack(async (tx) => {
      const seq = (await sql<{ seq: string }>`SELECT nextval('audit_log_seq')::text AS seq`.execute(tx)).rows[0]!.seq;
      await sql`INSERT INTO audit_log (seq, chain, pos, at, via, action, prev_hash, hash) VALUES (${seq}, 99, 1, now(), 'system', 'forged', repeat('0', 64), ${'f'.repeat(64)})`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(report).toMatchObject({ ok: false, firstBroken: { chain: 99, pos: '1', reason: expect.stringMatching(/does not list/) as unknown } });
  });
});

/** Holds `n` transactions open at once, each with an entry appended, so that they hold `n` different chains; commits them all. */
async function spreadOverChains(n: number, action: string): Promise<void> {
  const wide = createDb(url, n + 1);
  try {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let appended = 0;
    let allAppended!: () => void;
    const all = new Promise<void>((r) => (allAppended = r));
    const writers = Array.from({ length: n }, (_, i) =>
      wide.transaction().execute(async (tx) => {
        await appendAudit(tx, ACTOR, { action, recordId: String(i) });
        await appendAudit(tx, ACTOR, { action, recordId: `${i}.second` });
        if (++appended === n) allAppended();
        await released;
      }),
    );
    await all;
    release();
    await Promise.all(writers);
  } finally {
    await wide.destroy();
  }
}

describe('several chains', () => {
  it('two transactions appending at once do not wait on each other: one holds its entry uncommitted while the other commits', async () => {
    const first = createDb(url, 1);
    const second = createDb(url, 2);
    let stop = false;
    try {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let appended!: () => void;
      const firstAppended = new Promise<void>((r) => (appended = r));
      const holder = first.transaction().execute(async (tx) => {
        await appendAudit(tx, ACTOR, { action: 'probe.holder' });
        appended();
        await released;
      });
      await firstAppended;
      // A second writer, and an audited read, on other connections: each must finish while the first is still open.
      // Had they to wait for its lock, PostgreSQL would show them waiting for an advisory lock.
      const waiting = (async () => {
        while (!stop) {
          const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(db);
          if (Number(rows[0]!.n) > 0) return 'waited for a lock';
          await new Promise((r) => setTimeout(r, 10));
        }
        return 'never waited';
      })();
      const others = Promise.all([
        auditedTransaction(second, ACTOR, async () => ({ result: null, audit: { action: 'probe.other.write' } })),
        auditRead(second, ACTOR, { action: 'probe.other.read' }),
      ]).then(() => 'done' as const);
      expect(await Promise.race([others, waiting])).toBe('done');
      // The first is still uncommitted: its entry is not there yet, the others' are.
      expect(await entriesFor('probe.holder')).toBe(0);
      expect(await entriesFor('probe.other.write')).toBe(1);
      expect(await entriesFor('probe.other.read')).toBe(1);
      stop = true;
      expect(await waiting).toBe('never waited');
      release();
      await holder;
      expect(await entriesFor('probe.holder')).toBe(1);
      const chains = await db.selectFrom('auditLog').select(['action', 'chain']).where('action', 'in', ['probe.holder', 'probe.other.write']).execute();
      expect(new Set(chains.map((c) => c.chain)).size).toBe(2);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      stop = true;
      await first.destroy();
      await second.destroy();
    }
  });

  it('names tampering in any chain', async () => {
    await spreadOverChains(4, 'probe.spread');
    const rows = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos']).where('action', '=', 'probe.spread').where('recordId', 'like', '%.second').execute();
    const chains = [...new Set(rows.map((r) => r.chain))];
    expect(chains.length).toBe(4);
    for (const row of rows) {
      const report = await inRolledBack(async (tx) => {
        await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
        await sql`UPDATE audit_log SET record_id = 'elsewhere' WHERE seq = ${row.seq}`.execute(tx);
        return verifyAuditChain(tx);
      });
      expect(report).toMatchObject({ ok: false, firstBroken: { seq: row.seq, chain: row.chain, pos: row.pos, reason: 'entry content does not match its hash' } });
    }
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('a rolled-back transaction leaves nothing verification calls broken: its seq is skipped, its chain position taken by the next entry', async () => {
    const one = createDb(url, 1); // one connection: the same backend, so the same chain when it is free
    try {
      const rollback = new Error('rollback');
      let claimed: { seq: string; chain: number; pos: string } | undefined;
      await one
        .transaction()
        .execute(async (tx) => {
          await appendAudit(tx, ACTOR, { action: 'probe.rolled.back' });
          claimed = await tx.selectFrom('auditLog').select(['seq', 'chain', 'pos']).where('action', '=', 'probe.rolled.back').executeTakeFirstOrThrow() as typeof claimed;
          throw rollback;
        })
        .catch((e: unknown) => {
          if (e !== rollback) throw e;
        });
      await auditedTransaction(one, ACTOR, async () => ({ result: null, audit: { action: 'probe.after.rollback' } }));
      const next = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos']).where('action', '=', 'probe.after.rollback').executeTakeFirstOrThrow();
      expect(await entriesFor('probe.rolled.back')).toBe(0);
      expect(next.chain).toBe(claimed!.chain);
      expect(next.pos).toBe(claimed!.pos);
      expect(BigInt(next.seq)).toBeGreaterThan(BigInt(claimed!.seq));
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      await one.destroy();
    }
  });
});

describe('anchors', () => {
  it('record every chain head; cutting a chain\'s tail behind the newest anchor is detected', async () => {
    await spreadOverChains(3, 'probe.anchored');
    const anchor = await anchorAuditChains(db);
    expect(anchor.written).toBe(true);
    // Nothing moved: no new anchor.
    expect(await anchorAuditChains(db)).toEqual({ ...anchor, written: false });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, anchor: { id: anchor.id, hash: anchor.hash } });
    const heads = (await db.selectFrom('auditAnchors').select('heads').where('id', '=', anchor.id).executeTakeFirstOrThrow()).heads as { chain: number; pos: string; hash: string }[];
    expect(heads.length).toBeGreaterThanOrEqual(3);
    const tail = await db.selectFrom('auditLog').select(['seq', 'chain', 'pos']).where('action', '=', 'probe.anchored').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(heads).toContainEqual({ chain: tail.chain, pos: tail.pos, hash: expect.any(String) as unknown });

    const cut = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`DELETE FROM audit_log WHERE chain = ${tail.chain} AND pos = ${tail.pos}`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(cut).toMatchObject({ ok: false, firstBroken: { seq: null, chain: tail.chain, pos: tail.pos, reason: expect.stringMatching(/cut short/) as unknown } });

    // The tail and every anchor that recorded it removed: the anchor noted outside still shows it.
    const withNote = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(tx);
      await sql`ALTER TABLE audit_anchors DISABLE TRIGGER USER`.execute(tx);
      await sql`DELETE FROM audit_log WHERE chain = ${tail.chain} AND pos = ${tail.pos}`.execute(tx);
      await sql`DELETE FROM audit_anchors WHERE id >= ${anchor.id}`.execute(tx);
      return { bare: await verifyAuditChain(tx), noted: await verifyAuditChain(tx, undefined, { kind: 'anchor', id: anchor.id, hash: anchor.hash }) };
    });
    // Without the note this is the residual window (docs/operations.md): nothing newer recorded the cut entry.
    expect(withNote.bare).toMatchObject({ ok: true });
    expect(withNote.noted).toMatchObject({ ok: false, firstBroken: { anchor: anchor.id, reason: expect.stringMatching(/gone/) as unknown } });

    // A rewritten anchor, or a note that does not match it.
    const rewritten = await inRolledBack(async (tx) => {
      await sql`ALTER TABLE audit_anchors DISABLE TRIGGER USER`.execute(tx);
      await sql`UPDATE audit_anchors SET heads = '[]' WHERE id = ${anchor.id}`.execute(tx);
      return verifyAuditChain(tx);
    });
    expect(rewritten).toMatchObject({ ok: false, firstBroken: { anchor: anchor.id, reason: expect.stringMatching(/anchor content/) as unknown } });
    expect(await verifyAuditChain(db, undefined, { kind: 'anchor', id: anchor.id, hash: '0'.repeat(64) })).toMatchObject({ ok: false, firstBroken: { anchor: anchor.id, reason: expect.stringMatching(/rewritten/) as unknown } });

    // Later entries and anchors: the noted anchor still holds.
    await spreadOverChains(2, 'probe.later');
    expect((await anchorAuditChains(db)).written).toBe(true);
    expect(await verifyAuditChain(db, undefined, { kind: 'anchor', id: anchor.id, hash: anchor.hash })).toMatchObject({ ok: true });
  });

  it('are append-only', async () => {
    await expect(sql`DELETE FROM audit_anchors`.execute(db)).rejects.toThrow('audit_anchors is append-only: DELETE refused');
    await expect(sql`UPDATE audit_anchors SET heads = '[]'`.execute(db)).rejects.toThrow('audit_anchors is append-only: UPDATE refused');
  });
});

describe('concurrent writers', () => {
  it('leave every chain gap-free and fork-free, each transaction\'s entries consecutive in one chain', async () => {
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
        .select(['seq', 'chain', 'pos', 'prevHash', 'hash', 'recordId'])
        .where('action', '=', 'probe.concurrent')
        .orderBy('chain')
        .orderBy('pos')
        .execute();
      expect(rows).toHaveLength(expected);
      expect(rows.every((r) => BigInt(r.seq) > before)).toBe(true);
      // Each writer's entries: one chain, consecutive positions, in order.
      for (let i = 0; i < 20; i++) {
        const mine = rows.filter((r) => r.recordId!.split('.')[0] === String(i));
        expect(new Set(mine.map((r) => r.chain)).size).toBe(1);
        expect(mine.map((r) => r.recordId)).toEqual(mine.map((_, k) => `${i}.${k}`));
        expect(mine.map((r) => BigInt(r.pos!) - BigInt(mine[0]!.pos!))).toEqual(mine.map((_, k) => BigInt(k)));
      }
      // Every chain: positions 1..n with no gap, and no two entries on one link.
      const all = await db.selectFrom('auditLog').select(['chain', 'pos', 'prevHash']).where('chain', '>', 0).orderBy('chain').orderBy('pos').execute();
      for (const chain of new Set(all.map((r) => r.chain))) {
        const of = all.filter((r) => r.chain === chain);
        expect(of.map((r) => r.pos)).toEqual(of.map((_, k) => String(k + 1)));
        expect(new Set(of.map((r) => r.prevHash)).size).toBe(of.length);
      }
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      await wide.destroy();
    }
  });
});
