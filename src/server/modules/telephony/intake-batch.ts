import { sql, type CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/database.ts';
import { runStatements, statement, withClient, type Statement } from '../../db/batch.ts';
import { auditAppendStatements, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { timedAppend } from '../../audit/timing.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import type { ContactStatus } from '../../../shared/hotline.ts';
import { contactorFingerprint } from '../contacts/contactor.ts';
import { intake, openConversations, type Inbound, type IntakeResult } from './intake.ts';
import { timeOrderedId } from '../../db/ids.ts';

/**
 * Webhook deliveries committed together. Every delivery's transaction ends with the audit append,
 * which is serialised (the hash chain) and held until its commit has reached the disk; one delivery
 * per commit caps intake at one disk flush per contact (about 1,000 a second on a good SSD, far less
 * on a shared VM). Here, deliveries that arrive while a batch is being written wait for the next one
 * and are written together: same rows, same locks, same audit entries (one per delivery, in order),
 * same notifications, one commit. A lone delivery is written at once, as before; while deliveries
 * keep coming, a batch waits for more (LINGER_MS, FILL).
 *
 * Any failure of a batch (a unique violation when another process wrote the same call, a deadlock,
 * anything) falls back to `intake()` for each of its deliveries on its own, so the outcome for each
 * is exactly what `intake()` would have given.
 */
export const MAX_BATCH = 64;
/**
 * Batches in flight per process. One: while a batch is written (two round trips and the commit's
 * flush) the next deliveries gather, so batches are larger when the load is higher, and PostgreSQL's
 * cost per statement is spread over more contacts. Measured on the 10,000,000-contact benchmark
 * database (docs/benchmarks.md, "Intake at 10,000,000 contacts, third round"): one writer 1,833
 * contacts/s with one process and 1,856 to 2,111 with two, against 1,518 and 1,314 to 1,517 with two
 * writers.
 */
const WRITERS = 1;

/**
 * How long the next batch waits for more deliveries, counted from the arrival of its first: until it
 * holds FILL deliveries or its first has waited LINGER_MS, and only while deliveries come more often
 * than one in LINGER_MS (a lone delivery is written at once). Without it, the writer starts a batch as
 * soon as the last one ends whatever the load, so a batch's fixed cost (two round trips, a commit,
 * the statements' start-up, in Node and in PostgreSQL) is paid as often as the batches can go, and
 * at a moderate, even load the batches are small and the machine nearly as busy as flat out
 * (docs/benchmarks.md, "Intake at 10,000,000 contacts, fifth round").
 */
export const LINGER_MS = 8;
export const FILL = 16;

/**
 * How long the next batch waits (ms; 0: written now): `waiting` deliveries queued, the first of them
 * `waited` ms ago, deliveries arriving every `gap` ms on average. So at a steady rate of more than
 * one delivery in LINGER_MS, a delivery that finds the queue empty waits up to LINGER_MS for others;
 * after a quiet spell it is written at once.
 */
export function lingerFor(waiting: number, waited: number, gap: number): number {
  if (waiting === 0 || waiting >= FILL || gap >= LINGER_MS) return 0;
  const left = LINGER_MS - waited;
  return left < 1 ? 0 : left;
}

/** `leftOut`: how many batches left it out so far (a lock of its held by another transaction). */
type Pending = { keys: Keys; agencyId: string; actor: AuditActor; ev: Inbound; resolve: (r: IntakeResult) => void; reject: (e: unknown) => void; leftOut: number; at: number };

/** Batches a delivery is offered to before it is written on its own (waiting for its locks). */
const LEFT_OUT_TRIES = 3;

class IntakeBatcher {
  private queue: Pending[] = [];
  private writing = 0;
  /** The deliveries written on their own after being left out, one after another. */
  private alone: Promise<void> = Promise.resolve();
  /** The last arrival, and the time between arrivals (a moving average of the last few, in ms, at most 100). */
  private lastAt = 0;
  private gap = 100;
  /** Ends the wait for more deliveries (see LINGER_MS). */
  private filled: (() => void) | null = null;

  constructor(private readonly db: Db) {}

  submit(p: Omit<Pending, 'resolve' | 'reject' | 'leftOut' | 'at'>): Promise<IntakeResult> {
    const at = performance.now();
    const since = at - this.lastAt;
    this.gap = (this.gap + Math.min(since, 100)) / 2;
    this.lastAt = at;
    return new Promise<IntakeResult>((resolve, reject) => {
      this.queue.push({ ...p, resolve, reject, leftOut: 0, at });
      if (this.queue.length >= FILL) this.filled?.();
      if (this.writing < WRITERS) void this.drain();
    });
  }

  /** Waits for more deliveries before a batch, when more are coming (see LINGER_MS). */
  private async gather(): Promise<void> {
    const left = lingerFor(this.queue.length, this.queue.length > 0 ? performance.now() - this.queue[0]!.at : 0, this.gap);
    if (left === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.filled = null;
        resolve();
      }, left);
      this.filled = () => {
        clearTimeout(timer);
        this.filled = null;
        resolve();
      };
    });
  }

  /** Up to WRITERS batches at once. */
  private async drain(): Promise<void> {
    this.writing++;
    try {
      while (this.queue.length > 0) {
        // Only deliveries left out before: a moment for the transaction that holds their locks.
        if (this.queue.every((p) => p.leftOut > 0)) await new Promise((r) => setTimeout(r, 2));
        else await this.gather();
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing--;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    let results: (IntakeResult | null)[];
    const alone = (p: Pending) => intake(this.db, p.keys, p.agencyId, p.actor, p.ev).then(p.resolve, p.reject);
    try {
      // The audit append's time (the metrics' pathway_audit_append_seconds) is, for a batch, the whole
      // batch: its chain is claimed in the first round trip and its entries committed in the second.
      results = await withClient(this.db, (client) => timedAppend(() => writeBatch(this.db, client, batch)));
    } catch {
      // Each on its own, exactly as intake() does it (with its own retry on a racing duplicate).
      await Promise.all(batch.map(alone));
      return;
    }
    // A delivery whose event id or conversation another transaction holds (a provider's retry while
    // the first delivery is being written elsewhere, the same contactor writing in another process)
    // was left out rather than make the whole batch wait. It goes back to the head of the queue, in
    // its order, for the next batch; after LEFT_OUT_TRIES batches it is written on its own through
    // intake(), which waits for the locks, one such delivery at a time (one connection at most)
    // while the batches go on.
    const again: Pending[] = [];
    const last: Pending[] = [];
    batch.forEach((p, i) => {
      const r = results[i];
      if (r) p.resolve(r);
      else if (++p.leftOut < LEFT_OUT_TRIES) again.push(p);
      else last.push(p);
    });
    this.queue.unshift(...again);
    for (const p of last) this.alone = this.alone.then(() => alone(p));
  }
}

const batchers = new WeakMap<Db, IntakeBatcher>();

/** `intake()`, written together with the other deliveries arriving at the same time (see above). */
export function intakeBatched(db: Db, keys: Keys, agencyId: string, actor: AuditActor, ev: Inbound): Promise<IntakeResult> {
  // What a provider's webhook sends is batched; the rest (a public report's follow-up joining its
  // contact, a report opening its own conversation, extra writes, a city or call-back number) goes
  // through intake() as it is.
  if (ev.joinContactId || ev.newConversation || ev.within || ev.city || ev.callbackNumber) return intake(db, keys, agencyId, actor, ev);
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new IntakeBatcher(db)));
  return b.submit({ keys, agencyId, actor, ev });
}

type Planned = { p: Pending; key: string; fp: ReturnType<typeof contactorFingerprint>; contactId?: string; duplicate: boolean; joined: boolean; isNew: boolean };

const plain = (text: string): Statement => ({ sql: text, parameters: [] });

/**
 * The batch in two round trips on one connection (`runStatements`: several statements in one
 * message): (1) BEGIN, the locks (taken without waiting), the reads the decisions need and the claim
 * of an audit chain; (2) the rows, the notifications, the audit entries and COMMIT. Each statement
 * runs after the one before it, under READ COMMITTED with a snapshot of its own, so a read that
 * follows a lock sees what the lock's previous holder committed, as when they were sent one by one.
 */
async function writeBatch(db: Db, client: pg.PoolClient, batch: Pending[]): Promise<(IntakeResult | null)[]> {
  // Statements whose plan cannot go wrong (inserts from arrays, the locks, the claim) are prepared on
  // the connection; those that read tables (the seen events, the open conversations, the joined and
  // notified contacts) are planned each time, as a single statement would be: a prepared statement's
  // generic plan, fixed while a table is small, would scan that table in full ever after.
  const prep = (q: { compile: (p: Db) => CompiledQuery }) => statement({ compile: () => q.compile(db) });
  const planned = (q: { compile: (p: Db) => CompiledQuery }) => statement({ compile: () => q.compile(db) }, false);
  const all: Planned[] = batch.map((p) => ({ p, key: `${p.ev.source}:${p.ev.eventId}`, fp: contactorFingerprint(p.keys, p.ev.contactor), duplicate: false, joined: false, isNew: false }));
  // Messages join the contactor's open conversation on the channel.
  const talkers = all.filter((x) => x.p.ev.kind === 'message' && x.fp.contactorHash);

  // 1. The locks intake() takes, but without waiting: the provider's event id, then for a message the
  //    contactor's conversation on the channel. A delivery whose lock another transaction holds (a
  //    provider's retry of a delivery being written elsewhere, the same contactor writing in another
  //    batch) is left out of the batch (see write()). Then the events seen before (a retry changes
  //    nothing) and the contactors' open conversations.
  const conversationLock = (x: Planned) => (x.p.ev.kind === 'message' && x.fp.contactorHash ? `conversation:${x.p.ev.channel}:${x.fp.contactorHash.toString('hex')}` : null);
  // The audit chain is claimed here too, for as many entries as the batch could write (its unused
  // seqs are gaps, as a rolled-back append leaves), so that the entries go with the rows and the
  // commit in one more round trip. The chain is held from here to the commit, one round trip longer
  // than a claim sent with the rows; other writers take another of the chains meanwhile.
  const [, busyRows, seenRows, openRows, claimed] = await runStatements(client, [
    plain('BEGIN'),
    prep(sql`WITH d AS (SELECT i, hashtextextended(k, 0) AS e, hashtextextended(c, 0) AS c FROM unnest(${all.map((x) => x.key)}::text[], ${all.map(conversationLock)}::text[]) WITH ORDINALITY AS u(k, c, i)),
      events AS MATERIALIZED (SELECT h, pg_try_advisory_xact_lock(h) AS got FROM (SELECT DISTINCT e AS h FROM d) AS l),
      conversations AS MATERIALIZED (SELECT h, pg_try_advisory_xact_lock(h) AS got FROM (SELECT DISTINCT d.c AS h FROM d JOIN events ON events.h = d.e WHERE events.got AND d.c IS NOT NULL) AS l)
      SELECT d.i FROM d JOIN events ON events.h = d.e LEFT JOIN conversations ON conversations.h = d.c
      WHERE NOT events.got OR (d.c IS NOT NULL AND NOT conversations.got)`),
    planned(sql`SELECT source, external_id, contact_id FROM contact_inbound_events
      WHERE (source, external_id) IN (SELECT * FROM unnest(${all.map((x) => x.p.ev.source)}::text[], ${all.map((x) => x.p.ev.eventId)}::text[]))`),
    planned(openConversations(talkers.map((x) => x.fp.contactorHash!))),
    auditAppendStatements.claim(all.length),
  ]);
  // Left out: nothing of theirs is written here.
  const busy = new Set((busyRows as { i: string | number }[]).map((r) => all[Number(r.i) - 1]!));
  const plan = all.filter((x) => !busy.has(x));
  const result = (): (IntakeResult | null)[] => all.map((x) => (busy.has(x) ? null : { contactId: x.contactId!, duplicate: x.duplicate, joined: x.joined }));
  const seen = seenRows as { source: string; externalId: string; contactId: string }[];
  const seenBy = new Map(seen.map((r) => [`${r.source}:${r.externalId}`, r.contactId]));
  const firstOf = new Map<string, Planned>();
  for (const x of plan) {
    const earlier = firstOf.get(x.key);
    if (seenBy.has(x.key)) {
      x.duplicate = true;
      x.contactId = seenBy.get(x.key)!;
    } else if (earlier) {
      x.duplicate = true; // the same delivery twice in this batch: the second is a retry of the first
    } else firstOf.set(x.key, x);
  }
  const fresh = plan.filter((x) => !x.duplicate);
  const convKey = (x: Planned) => `${x.p.ev.channel}:${x.fp.contactorHash!.toString('hex')}:${x.p.agencyId}`;
  const open = new Map<string, string>();
  for (const r of openRows as { id: string; channel: string; contactorHash: Buffer; ownerAgencyId: string }[]) open.set(`${r.channel}:${r.contactorHash.toString('hex')}:${r.ownerAgencyId}`, r.id);

  // 2. Decide each delivery's contact, in arrival order: an open conversation (perhaps one this batch opens), or a new contact.
  const now = new Date();
  const created: Planned[] = [];
  for (const x of fresh) {
    const conv = x.p.ev.kind === 'message' && x.fp.contactorHash ? convKey(x) : null;
    const existing = conv ? open.get(conv) : undefined;
    if (existing) {
      x.contactId = existing;
      x.joined = true;
      continue;
    }
    x.contactId = timeOrderedId();
    x.isNew = true;
    if (conv) open.set(conv, x.contactId);
    created.push(x);
  }
  for (const x of plan) if (x.duplicate && !x.contactId) x.contactId = firstOf.get(x.key)!.contactId;

  if (fresh.length === 0) {
    await runStatements(client, [plain('COMMIT')]);
    return result();
  }
  const writes: Statement[] = [];
  if (created.length > 0) {
    const col = <T>(f: (x: Planned) => T) => created.map(f);
    // The new contacts, in one statement that also counts them in the national statistics and tells
    // the live queue of each (at commit, as notifyContact does), both from the rows as inserted. The
    // statistics trigger on contacts (migration 0142) would count them too, with two statements
    // written and planned on every insert; it is quiet for this one, which counts the same rows the
    // same way (by day received in the country's time zone and contact type, test contacts left out,
    // and the potential victims their persons name) in statements prepared once. (Intake's contacts
    // name no persons yet, an operator records them later, so `victims` adds nothing today: it is
    // there so that the batch counts exactly what the trigger would.)
    writes.push(plain(`SELECT set_config('pathway.statistics_quiet', 'on', true)`));
    writes.push(prep(sql`WITH added AS (
        INSERT INTO contacts (id, channel, status, owner_agency_id, external_id, contactor_hash, contactor_last3, language, reply_address_enc, received_at, created_at, updated_at)
        SELECT u.id, u.channel, u.status, u.owner_agency_id, u.external_id, u.contactor_hash, u.contactor_last3, u.language, u.reply_address_enc, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
        FROM unnest(${col((x) => x.contactId!)}::uuid[], ${col((x) => x.p.ev.channel)}::text[],
          ${col((x) => (x.p.ev.kind === 'call' ? 'ringing' : 'new') satisfies ContactStatus)}::text[], ${col((x) => x.p.agencyId)}::uuid[],
          ${col((x) => (x.p.ev.kind === 'call' ? x.p.ev.eventId : null))}::text[], ${col((x) => x.fp.contactorHash)}::bytea[],
          ${col((x) => x.fp.contactorLast3)}::text[], ${col((x) => x.p.ev.language ?? null)}::text[],
          ${col((x) => (x.p.ev.replyTo ? x.p.keys.encrypt(JSON.stringify(x.p.ev.replyTo), fieldAad('contacts', 'reply_address', x.contactId!)) : null))}::bytea[])
          AS u(id, channel, status, owner_agency_id, external_id, contactor_hash, contactor_last3, language, reply_address_enc)
        RETURNING id, status, channel, urgency, owner_agency_id, assigned_user_id, received_at, contact_type, is_test, persons),
      zone AS (SELECT statistics_time_zone() AS tz),
      counted AS (
        INSERT INTO statistics_contact_days (day, contact_type, slot, n)
        SELECT (a.received_at AT TIME ZONE zone.tz)::date, coalesce(a.contact_type, ''), statistics_slot(), count(*)::int
        FROM added a, zone WHERE NOT a.is_test GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (day, contact_type, slot) DO UPDATE SET n = statistics_contact_days.n + excluded.n),
      victims AS (
        INSERT INTO statistics_hotline_victim_days (day, sex, age_group, slot, n)
        SELECT (a.received_at AT TIME ZONE zone.tz)::date, v.sex, v.age_group, statistics_slot(), sum(v.n)::int
        FROM added a, zone, LATERAL statistics_hotline_victims(a.persons) v
        WHERE NOT a.is_test AND a.persons <> '[]'::jsonb GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, sex, age_group, slot) DO UPDATE SET n = statistics_hotline_victim_days.n + excluded.n)
      SELECT pg_notify('pathway_live', json_build_object(
        'type', 'contact', 'id', a.id, 'status', a.status, 'channel', a.channel, 'urgency', a.urgency,
        'ownerAgencyId', a.owner_agency_id, 'assignedUserId', a.assigned_user_id, 'receivedAt', a.received_at)::text)
      FROM added a ORDER BY a.id`));
    writes.push(plain(`SELECT set_config('pathway.statistics_quiet', '', true)`));
  }
  const messages = fresh.filter((x) => x.p.ev.kind === 'message');
  if (messages.length > 0) {
    const ids = messages.map(() => timeOrderedId());
    writes.push(prep(sql`INSERT INTO contact_messages (id, contact_id, direction, body_enc, media_count, delivery)
      SELECT u.id, u.contact_id, 'in', u.body_enc, u.media_count, NULL
      FROM unnest(${ids}::uuid[], ${messages.map((x) => x.contactId!)}::uuid[],
        ${messages.map((x, i) => x.p.keys.encrypt(x.p.ev.body ?? '', fieldAad('contact_messages', 'body', ids[i]!)))}::bytea[],
        ${messages.map((x) => x.p.ev.mediaCount ?? 0)}::int[]) AS u(id, contact_id, body_enc, media_count)`));
    // The conversations joined, in one statement: each is updated now and, as in intake(), a message
    // that joins brings where replies go now (the latest of the batch wins; none: kept as it was).
    const replyTo = new Map<string, Buffer | null>();
    for (const x of messages) {
      if (!x.joined) continue;
      if (x.p.ev.replyTo) replyTo.set(x.contactId!, x.p.keys.encrypt(JSON.stringify(x.p.ev.replyTo), fieldAad('contacts', 'reply_address', x.contactId!)));
      else if (!replyTo.has(x.contactId!)) replyTo.set(x.contactId!, null);
    }
    if (replyTo.size > 0) {
      writes.push(planned(sql`UPDATE contacts c SET updated_at = ${new Date()}::timestamptz, reply_address_enc = coalesce(u.enc, c.reply_address_enc)
        FROM unnest(${[...replyTo.keys()]}::uuid[], ${[...replyTo.values()]}::bytea[]) AS u(id, enc) WHERE c.id = u.id`));
    }
  }
  writes.push(prep(sql`INSERT INTO contact_inbound_events (source, external_id, contact_id)
    SELECT * FROM unnest(${fresh.map((x) => x.p.ev.source)}::text[], ${fresh.map((x) => x.p.ev.eventId)}::text[], ${fresh.map((x) => x.contactId!)}::uuid[])`));
  // The live queue hears of each contact once, at commit (as notifyContact does): the new ones above,
  // the open conversations joined here, as they are now.
  const isNew = new Set(created.map((x) => x.contactId!));
  const joinedOnly = [...new Set(fresh.filter((x) => !isNew.has(x.contactId!)).map((x) => x.contactId!))];
  if (joinedOnly.length > 0) {
    writes.push(planned(sql`SELECT pg_notify('pathway_live', json_build_object(
        'type', 'contact', 'id', c.id, 'status', c.status, 'channel', c.channel, 'urgency', c.urgency,
        'ownerAgencyId', c.owner_agency_id, 'assignedUserId', c.assigned_user_id, 'receivedAt', c.received_at)::text)
      FROM unnest(${joinedOnly}::uuid[]) WITH ORDINALITY AS u(id, n) JOIN contacts c ON c.id = u.id ORDER BY u.n`));
  }
  // No number and no message text in the log: the channel, the source and whether it joined.
  const entries = fresh.map((x) => ({
    actor: x.p.actor,
    entry: { action: x.joined ? 'contact.message_received' : 'contact.received', recordType: 'contact', recordId: x.contactId!, changes: { channel: x.p.ev.channel, source: x.p.ev.source, kind: x.p.ev.kind } } satisfies AuditEntry,
  }));
  // 3. The entries continue the chain claimed in the first round trip, and go with the rows and the commit.
  await runStatements(client, [...writes, auditAppendStatements.insert(claimed![0]!, entries), plain('COMMIT')]);
  return result();
}
