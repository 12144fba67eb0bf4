import crypto from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_SECRET_KEY, type TestApp } from '../../../../test/helpers/app.ts';
import { auditAppendStatements, SYSTEM_ACTOR, verifyAuditChain } from '../../audit/audit.ts';
import { deriveKeys, fieldAad } from '../../crypto/keys.ts';
import { poolOf } from '../../db/database.ts';
import { contactorFingerprint } from '../contacts/contactor.ts';
import { FILL, intakeBatched, LINGER_MS, lingerFor } from './intake-batch.ts';
import type { IntakeResult } from './intake.ts';

const TOKEN = 'twilio-test-auth-token-batch-0123';
const PUBLIC = 'https://hotline.example.org';
let t: TestApp;
let agency: string;

beforeAll(async () => {
  agency = crypto.randomUUID();
  t = await createTestApp({ twilioAuthToken: TOKEN, publicUrl: PUBLIC, hotlineAgencyId: agency });
  await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline batch', type: 'government' }).execute();
});
afterAll(() => t.close());

function sms(params: Record<string, string>) {
  const url = `${PUBLIC}/api/v1/telephony/twilio/messaging`;
  const signature = crypto.createHmac('sha1', TOKEN).update(url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('')).digest('base64');
  return t.app.inject({ method: 'POST', url: '/api/v1/telephony/twilio/messaging', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: new URLSearchParams(params).toString() });
}
const sid = () => `SM${crypto.randomBytes(16).toString('hex')}`;

describe('deliveries written together', () => {
  it('a burst of messages, retries among them, gives one conversation per sender and one audit entry per delivery', async () => {
    const senders = Array.from({ length: 12 }, (_, i) => `+99455${String(1000000 + i)}`);
    const first = senders.map(() => sid());
    const second = senders.map(() => sid());
    // Every sender's first message, its retry and a second message, all at once.
    const deliveries = senders.flatMap((from, i) => [
      { MessageSid: first[i]!, From: from, Body: `first ${i}`, NumMedia: '0' },
      { MessageSid: first[i]!, From: from, Body: `first ${i}`, NumMedia: '0' },
      { MessageSid: second[i]!, From: `whatsapp:${from}`, Body: `whatsapp ${i}`, NumMedia: '0' },
      { MessageSid: sid(), From: from, Body: `again ${i}`, NumMedia: '1' },
    ]);
    const answers = await Promise.all(deliveries.map((d) => sms(d)));
    expect(answers.map((a) => a.statusCode)).toEqual(deliveries.map(() => 200));

    const contacts = await t.db.selectFrom('contacts').select(['id', 'channel', 'contactorLast3']).where('ownerAgencyId', '=', agency).execute();
    // One SMS conversation and one WhatsApp conversation per sender.
    expect(contacts).toHaveLength(24);
    expect(contacts.filter((c) => c.channel === 'sms')).toHaveLength(12);
    const messages = await t.db.selectFrom('contactMessages').select(['contactId', 'body', 'mediaCount']).where('contactId', 'in', contacts.map((c) => c.id)).execute();
    expect(messages).toHaveLength(36);
    for (const c of contacts.filter((c) => c.channel === 'sms')) expect(messages.filter((m) => m.contactId === c.id)).toHaveLength(2);
    const events = await t.db.selectFrom('contactInboundEvents').select('externalId').where('contactId', 'in', contacts.map((c) => c.id)).execute();
    expect(events).toHaveLength(36);
    const audit = await t.db.selectFrom('auditLog').select(['action', 'recordId']).where('action', 'in', ['contact.received', 'contact.message_received']).execute();
    expect(audit.filter((a) => a.action === 'contact.received')).toHaveLength(24);
    expect(audit.filter((a) => a.action === 'contact.message_received')).toHaveLength(12);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    // Where replies go, as intake() keeps it: the sender's number (the latest message's, on joining).
    const keys = deriveKeys(TEST_SECRET_KEY);
    const stored = await t.db.selectFrom('contacts').select(['id', 'channel', 'replyAddressEnc']).where('ownerAgencyId', '=', agency).execute();
    const addresses = stored.map((c) => JSON.parse(keys.decrypt(c.replyAddressEnc!, fieldAad('contacts', 'reply_address', c.id))) as { to: string });
    expect(new Set(addresses.map((a) => a.to.replace('whatsapp:', '')))).toEqual(new Set(senders));
  });

  it('a retry of a delivery stored earlier names the same contact and changes nothing', async () => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const ev = { source: 'twilio_message' as const, eventId: sid(), channel: 'sms' as const, kind: 'message' as const, contactor: { kind: 'phone' as const, value: '+994551234567' }, body: 'hello' };
    const one = await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev);
    const [again, other] = await Promise.all([intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev), intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { ...ev, eventId: sid() })]);
    expect(one).toMatchObject({ duplicate: false, joined: false });
    expect(again).toEqual({ contactId: one.contactId, duplicate: true, joined: false });
    expect(other).toEqual({ contactId: one.contactId, duplicate: false, joined: true });
  });

  it('when the batch fails (here: another writer stored the same call meanwhile), each delivery is written on its own', async () => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const callSid = `CA${crypto.randomBytes(16).toString('hex')}`;
    let pending!: Promise<IntakeResult>;
    // A writer that stores the call without the advisory lock: the batch cannot see it and runs into its unique key.
    const theirs = await t.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('contacts').values({ channel: 'call', status: 'ringing', ownerAgencyId: agency, externalId: callSid }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('contactInboundEvents').values({ source: 'twilio_call', externalId: callSid, contactId: row.id }).execute();
      pending = intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { source: 'twilio_call', eventId: callSid, channel: 'call', kind: 'call', contactor: null });
      // Commit only once the batch waits on the unique key (its round trip of prepared statements).
      let waited = false;
      for (let i = 0; i < 100 && !waited; i++) {
        const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query ~* '(^|\n)(prepare|execute) pw_'`.execute(t.db);
        waited = waiting.rows[0]!.n > 0;
        if (!waited) await new Promise((r) => setTimeout(r, 50));
      }
      expect(waited).toBe(true);
      return row.id;
    });
    expect(await pending).toEqual({ contactId: theirs, duplicate: true, joined: false });
    expect(await t.db.selectFrom('contacts').select('id').where('externalId', '=', callSid).execute()).toHaveLength(1);
  });
});

describe('the national statistics', () => {
  // What the statistics keep of the hotline, and the same counted from the contacts themselves (as
  // statistics_rebuild() counts them): equal only if each new contact is counted exactly once.
  const kept = async () => (await sql<{ day: string; contactType: string; n: number }>`SELECT day::text, contact_type, sum(n)::int AS n FROM statistics_contact_days GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2`.execute(t.db)).rows;
  const counted = async () => (await sql<{ day: string; contactType: string; n: number }>`SELECT (received_at AT TIME ZONE statistics_time_zone())::date::text AS day, coalesce(contact_type, '') AS contact_type, count(*)::int AS n FROM contacts WHERE NOT is_test GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.db)).rows;

  it('count each contact a batch writes once (the batch counts them, the trigger is quiet for its insert), and a contact written after it is counted by the trigger', async () => {
    expect(await kept()).toEqual(await counted());
    const before = (await kept()).reduce((s, r) => s + r.n, 0);
    const senders = Array.from({ length: 6 }, (_, i) => `+99470${String(4000000 + i)}`);
    // New conversations, messages joining them in the same batch and retries, all at once.
    const deliveries = senders.flatMap((from, i) => {
      const first = sid();
      return [
        { MessageSid: first, From: from, Body: `one ${i}`, NumMedia: '0' },
        { MessageSid: first, From: from, Body: `one ${i}`, NumMedia: '0' },
        { MessageSid: sid(), From: from, Body: `two ${i}`, NumMedia: '0' },
      ];
    });
    const answers = await Promise.all(deliveries.map((d) => sms(d)));
    expect(answers.map((a) => a.statusCode)).toEqual(deliveries.map(() => 200));
    expect((await kept()).reduce((s, r) => s + r.n, 0)).toBe(before + senders.length);
    expect(await kept()).toEqual(await counted());
    // A contact written on its own afterwards, and a call: the trigger and the batch both count.
    await t.db.insertInto('contacts').values({ channel: 'walk_in', status: 'new', ownerAgencyId: agency, contactType: 'information_request' }).execute();
    const keys = deriveKeys(TEST_SECRET_KEY);
    await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { source: 'twilio_call', eventId: `CA${crypto.randomBytes(16).toString('hex')}`, channel: 'call', kind: 'call', contactor: null });
    expect((await kept()).reduce((s, r) => s + r.n, 0)).toBe(before + senders.length + 2);
    expect(await kept()).toEqual(await counted());
    // And what the database's own recount (the trigger's rule, migration 0142) gives, group by group.
    const hotline = async () => (await sql<Record<string, unknown>>`SELECT day::text, sex, age_group, sum(n)::int AS n FROM statistics_hotline_victim_days GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`.execute(t.db)).rows;
    const keptNow = { contacts: await kept(), hotline: await hotline() };
    await sql`SELECT statistics_rebuild()`.execute(t.db);
    expect({ contacts: await kept(), hotline: await hotline() }).toEqual(keptNow);
  });

  it('the live queue hears of each new contact once, with what was stored', async () => {
    const listener = await poolOf(t.db)!.connect();
    const heard: Record<string, unknown>[] = [];
    listener.on('notification', (n) => {
      const m = JSON.parse(n.payload ?? '{}') as Record<string, unknown>;
      if (m.type === 'contact' && m.ownerAgencyId === agency) heard.push(m);
    });
    try {
      await listener.query('LISTEN pathway_live');
      const from = '+994703000781';
      const settle = async (n: number) => {
        for (let i = 0; i < 100 && heard.length < n; i++) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 100));
      };
      const stored = async () =>
        (await sql<{ id: string; status: string; channel: string; urgency: string; ownerAgencyId: string; assignedUserId: string | null; receivedAt: string }>`
          SELECT id, status, channel, urgency, owner_agency_id, assigned_user_id, to_json(received_at)#>>'{}' AS received_at FROM contacts
          WHERE owner_agency_id = ${agency} AND contactor_last3 IN ('781', '782')`.execute(t.db)).rows.map((r) => ({ type: 'contact', ...r }));
      const results = await Promise.all([
        sms({ MessageSid: sid(), From: from, Body: 'a', NumMedia: '0' }),
        sms({ MessageSid: sid(), From: from, Body: 'b', NumMedia: '0' }),
        sms({ MessageSid: sid(), From: '+994703000782', Body: 'c', NumMedia: '0' }),
      ]);
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      await settle(2);
      const rows = await stored();
      expect(rows).toHaveLength(2);
      // Each contact heard (once per batch that wrote to it), each time with what is stored.
      expect(new Set(heard.map((h) => h.id))).toEqual(new Set(rows.map((r) => r.id)));
      for (const h of heard) expect(h).toEqual(rows.find((r) => r.id === h.id));
      // A message that joins the conversation stored before: heard once more, as it is now.
      const theirs = (await sql<{ id: string }>`SELECT id FROM contacts WHERE owner_agency_id = ${agency} AND contactor_last3 = '781'`.execute(t.db)).rows;
      expect(theirs).toHaveLength(1);
      const before = heard.length;
      const joined = await sms({ MessageSid: sid(), From: from, Body: 'd', NumMedia: '0' });
      expect(joined.statusCode).toBe(200);
      await settle(before + 1);
      expect(heard.slice(before)).toEqual([(await stored()).find((r) => r.id === theirs[0]!.id)]);
    } finally {
      await listener.query('UNLISTEN pathway_live');
      listener.release();
    }
  });
});

describe('a lock held elsewhere', () => {
  it.each(['event id', 'conversation'] as const)('on the delivery\'s %s leaves it out of the batch: it waits alone, the batches go on', async (what) => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const base = what === 'event id' ? 3000000 : 4000000;
    const ev = (n: number, eventId = sid()) => ({ source: 'twilio_message' as const, eventId, channel: 'sms' as const, kind: 'message' as const, contactor: { kind: 'phone' as const, value: `+99450${String(base + n)}` }, body: `held ${n}` });
    const held = ev(1);
    // The lock intake() takes first (the event id), or the one it takes next (the contactor's conversation on the channel).
    const lock = what === 'event id' ? `twilio_message:${held.eventId}` : `conversation:sms:${contactorFingerprint(keys, held.contactor).contactorHash!.toString('hex')}`;
    let pending!: Promise<IntakeResult>;
    let later!: IntakeResult[];
    // Another transaction holds the delivery's event id (as a batch writing the same delivery would).
    await t.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${lock}, 0))`.execute(trx);
      // A first delivery is written at once; the held one and five more arrive meanwhile and are
      // offered to the next batches together: the held one is left out, the others are written.
      const first = intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev(0));
      const others = [2, 3, 4, 5, 6].map((n) => ev(n));
      pending = intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, held);
      const written = await Promise.all([first, ...others.map((e) => intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, e))]);
      expect(written.every((r) => !r.duplicate && !r.joined)).toBe(true);
      // Each answer names the contact its own delivery was stored under.
      const stored = await t.db.selectFrom('contactInboundEvents').select(['externalId', 'contactId']).where('externalId', 'in', others.map((e) => e.eventId)).execute();
      expect(new Map(stored.map((r) => [r.externalId, r.contactId]))).toEqual(new Map(others.map((e, i) => [e.eventId, written[i + 1]!.contactId])));
      // After the next batches left it out too, the held one waits for the lock on its own (intake()), not in a batch.
      let waiting: string[] = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        waiting = (await sql<{ query: string }>`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory' AND pid <> pg_backend_pid()`.execute(t.db)).rows.map((r) => r.query);
        if (waiting.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatch(/^select pg_advisory_xact_lock/i);
      // Meanwhile later deliveries are written by batches.
      later = await Promise.all([7, 8, 9].map((n) => intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev(n))));
    });
    expect(later.every((r) => !r.duplicate && !r.joined)).toBe(true);
    // Once the holder is done, the delivery is written (nothing of it was stored by the batch).
    const r = await pending;
    expect(r).toMatchObject({ duplicate: false, joined: false });
    expect(await t.db.selectFrom('contactInboundEvents').select('contactId').where('externalId', '=', held.eventId).execute()).toEqual([{ contactId: r.contactId }]);
  });
});

describe('round trips', () => {
  it('a delivery takes two round trips to PostgreSQL (locks, reads and the audit claim; writes, audit entries and commit), a retry two', async () => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const pool = poolOf(t.db)!;
    // What each checkout of a pool client sent, from acquire to release (background work of the app
    // may use the pool meanwhile: its checkouts are told apart by what they send).
    const checkouts: string[][] = [];
    const current = new Map<pg.PoolClient, string[]>();
    const watched = new WeakSet<pg.PoolClient>();
    const onAcquire = (c: pg.PoolClient) => {
      const sent: string[] = [];
      checkouts.push(sent);
      current.set(c, sent);
      if (watched.has(c)) return;
      watched.add(c);
      const query = c.query.bind(c) as (...a: unknown[]) => unknown;
      (c as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        current.get(c)?.push(typeof a[0] === 'string' ? a[0] : String((a[0] as { text?: string }).text));
        return query(...a);
      };
    };
    const onRelease = (_e: unknown, c: pg.PoolClient) => current.delete(c);
    pool.on('acquire', onAcquire);
    pool.on('release', onRelease);
    // An intake's first message: BEGIN, then the look-up of seen events, which is planned each time
    // (never a prepared statement, whose generic plan could scan the table in full): its text is there.
    const intakes = () => checkouts.filter((sent) => sent[0]?.startsWith('BEGIN;') && sent[0].includes('FROM contact_inbound_events'));
    try {
      const ev = { source: 'twilio_message' as const, eventId: sid(), channel: 'sms' as const, kind: 'message' as const, contactor: { kind: 'phone' as const, value: '+994557654321' }, body: 'three' };
      const first = await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev);
      expect(first).toMatchObject({ duplicate: false, joined: false });
      expect(intakes()).toHaveLength(1);
      expect(intakes()[0]).toHaveLength(2);
      // The first claims the audit chain; the second ends with the entries, inserted from arrays by a
      // statement prepared on the connection (no VALUES list to parse and plan), and the commit.
      const claim = `EXECUTE pw_${crypto.createHash('sha256').update(auditAppendStatements.claim(1).sql).digest('hex').slice(0, 32)}(`;
      expect(intakes()[0]![0]).toContain(claim);
      const chainInsert = auditAppendStatements.insert({ chain: 1, pos: '0', hash: '0', seqs: [] }, []).sql;
      expect(chainInsert).toMatch(/^INSERT INTO audit_log \([^)]*\) SELECT \* FROM unnest\(/);
      const insert = `pw_${crypto.createHash('sha256').update(chainInsert).digest('hex').slice(0, 32)}`;
      expect(intakes()[0]![1]).toMatch(new RegExp(`;\\n(PREPARE ${insert} AS [^;]*;\\n)?EXECUTE ${insert}\\([^;]*\\);\\nCOMMIT$`));
      expect(intakes()[0]![1]).not.toContain(claim);
      expect(await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, ev)).toEqual({ ...first, duplicate: true });
      expect(intakes()).toHaveLength(2);
      expect(intakes()[1]).toEqual([expect.stringMatching(/^BEGIN;/), 'COMMIT']);
    } finally {
      pool.off('acquire', onAcquire);
      pool.off('release', onRelease);
    }
  });
});

describe('gathering deliveries into batches', () => {
  it('a batch waits for more only while deliveries come more often than the wait, and never past it or a full batch', () => {
    expect(lingerFor(1, 0, 1000)).toBe(0); // a lone delivery after a quiet spell: written at once
    expect(lingerFor(1, 0, LINGER_MS)).toBe(0);
    expect(lingerFor(1, 0, 1)).toBe(LINGER_MS);
    expect(lingerFor(3, 2.5, 1)).toBe(LINGER_MS - 2.5);
    expect(lingerFor(3, LINGER_MS - 0.5, 1)).toBe(0); // less than a millisecond left
    expect(lingerFor(3, LINGER_MS + 5, 1)).toBe(0); // its first has waited long enough (while a batch was written)
    expect(lingerFor(FILL, 0, 1)).toBe(0); // full
    expect(lingerFor(0, 0, 1)).toBe(0);
  });

  it('while deliveries keep coming, batches start at least LINGER_MS apart (each waits for more)', async () => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const pool = poolOf(t.db)!;
    // When each batch's first message was sent.
    const starts: number[] = [];
    const originals = new Map<pg.PoolClient, unknown>();
    const onAcquire = (c: pg.PoolClient) => {
      if (originals.has(c)) return;
      originals.set(c, (c as unknown as { query: unknown }).query);
      const query = c.query.bind(c) as (...a: unknown[]) => unknown;
      (c as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        const text = typeof a[0] === 'string' ? a[0] : '';
        if (text.startsWith('BEGIN;') && text.includes('FROM contact_inbound_events')) starts.push(performance.now());
        return query(...a);
      };
    };
    pool.on('acquire', onAcquire);
    try {
      // One delivery every millisecond or two: fewer than FILL arrive while a batch waits.
      const n = 80;
      const pending: Promise<IntakeResult>[] = [];
      let settled = 0;
      for (let i = 0; i < n; i++) {
        pending.push(intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { source: 'twilio_message', eventId: sid(), channel: 'sms', kind: 'message', contactor: { kind: 'phone', value: `+99470500${String(1000 + i)}` }, body: `steady ${i}` }));
        // The first few after a quiet spell are written at once, until the time between arrivals is known.
        if (i === 9) settled = performance.now();
        await new Promise((r) => setTimeout(r, 1));
      }
      const written = await Promise.all(pending);
      expect(new Set(written.map((w) => w.contactId)).size).toBe(n);
      // Written as they came, a batch would start as soon as the last one ended (a few milliseconds on
      // an idle machine). Gathered, a batch starts LINGER_MS after its first delivery arrived, which
      // was after the batch before it started (or later, when the one before took longer).
      // On a machine so busy that the deliveries themselves come more than LINGER_MS apart, batches
      // do not wait, but start as far apart as the deliveries: the median holds either way (Node's
      // timers may fire up to a millisecond early, rounding to whole milliseconds).
      const later = starts.filter((s) => s > settled);
      expect(later.length).toBeGreaterThan(2);
      const apart = later.slice(1).map((s, i) => s - later[i]!).sort((a, b) => a - b);
      expect(apart[Math.floor(apart.length / 2)]).toBeGreaterThanOrEqual(LINGER_MS - 1.5);
    } finally {
      pool.off('acquire', onAcquire);
      for (const [c, query] of originals) (c as unknown as { query: unknown }).query = query;
    }
  });
});

/** The Unix time in milliseconds of a version 7 UUID (its first 48 bits). */
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('time-ordered ids (migration 0143)', () => {
  it('contacts and messages from the webhooks, the single path and the database default are version 7 and grow with time', async () => {
    const keys = deriveKeys(TEST_SECRET_KEY);
    const before = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // A webhook delivery (batched), then one that goes through intake() on its own (a city given).
      ids.push((await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { source: 'twilio_message', eventId: sid(), channel: 'sms', kind: 'message', contactor: { kind: 'phone', value: `+99470${String(2000000 + i)}` }, body: `order ${i}` })).contactId);
      ids.push((await intakeBatched(t.db, keys, agency, SYSTEM_ACTOR, { source: 'webhook', eventId: sid(), channel: 'web_chat', kind: 'message', contactor: null, body: `single ${i}`, city: 'Ganja' })).contactId);
    }
    // A row the database gives its id: the column default. uuid_v7() orders ids by the millisecond
    // only (the server's are monotonic within one too), so it is made in a later millisecond.
    while (Date.now() <= msOf(ids.at(-1)!)) await new Promise((r) => setTimeout(r, 1));
    const [byDefault] = await sql<{ id: string }>`INSERT INTO contacts (channel, owner_agency_id) VALUES ('walk_in', ${agency}) RETURNING id`.execute(t.db).then((r) => r.rows);
    ids.push(byDefault!.id);
    const after = Date.now();

    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(msOf(id)).toBeGreaterThanOrEqual(before);
      expect(msOf(id)).toBeLessThanOrEqual(after);
    }
    // Written one after another, so in the order of their ids (the server's and the database's alike).
    expect([...ids].sort()).toEqual(ids);
    const messages = await t.db.selectFrom('contactMessages').select(['id', 'contactId']).where('contactId', 'in', ids).orderBy('createdAt').orderBy('id').execute();
    expect(messages).toHaveLength(10);
    for (const m of messages) expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(messages.map((m) => m.contactId)).toEqual(ids.slice(0, 10));
  });
});
