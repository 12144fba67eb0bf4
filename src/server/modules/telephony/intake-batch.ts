import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import { appendAuditEntries, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
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
 * same notifications, one commit. A lone delivery is written at once, as before.
 *
 * Any failure of a batch (a unique violation when another process wrote the same call, a deadlock,
 * anything) falls back to `intake()` for each of its deliveries on its own, so the outcome for each
 * is exactly what `intake()` would have given.
 */
export const MAX_BATCH = 64;
const WRITERS = 2;

type Pending = { keys: Keys; agencyId: string; actor: AuditActor; ev: Inbound; resolve: (r: IntakeResult) => void; reject: (e: unknown) => void };

class IntakeBatcher {
  private queue: Pending[] = [];
  private writing = 0;

  constructor(private readonly db: Db) {}

  submit(p: Omit<Pending, 'resolve' | 'reject'>): Promise<IntakeResult> {
    return new Promise<IntakeResult>((resolve, reject) => {
      this.queue.push({ ...p, resolve, reject });
      if (this.writing < WRITERS) void this.drain();
    });
  }

  /** Up to WRITERS batches at once: one does its reads and inserts while another waits for its commit. */
  private async drain(): Promise<void> {
    this.writing++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing--;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    let results: IntakeResult[];
    try {
      results = await this.db.transaction().execute((tx) => writeBatch(tx, batch));
    } catch {
      // Each on its own, exactly as intake() does it (with its own retry on a racing duplicate).
      await Promise.all(batch.map((p) => intake(this.db, p.keys, p.agencyId, p.actor, p.ev).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
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

/** Takes transaction-scoped advisory locks in one order (by lock id), so that two batches never wait on each other in a circle. */
async function lockAll(tx: Tx, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${keys}::text[]) AS u(k) ORDER BY h) AS l`.execute(tx);
}

type NewContact = { x: Planned; replyTo: Inbound['replyTo'] | null };

/** The keys of the delivery that joined this contact (every delivery of a process carries the same keys). */
const keysOf = (fresh: Planned[], contactId: string): Keys => fresh.find((x) => x.contactId === contactId)!.p.keys;

type Planned = { p: Pending; key: string; fp: ReturnType<typeof contactorFingerprint>; contactId?: string; duplicate: boolean; joined: boolean; isNew: boolean };

async function writeBatch(tx: Tx, batch: Pending[]): Promise<IntakeResult[]> {
  const plan: Planned[] = batch.map((p) => ({ p, key: `${p.ev.source}:${p.ev.eventId}`, fp: contactorFingerprint(p.keys, p.ev.contactor), duplicate: false, joined: false, isNew: false }));

  // 1. The provider's event ids, as intake() locks them; one seen before is a retry and changes nothing.
  // The locks and the look-up go in one statement, so its snapshot is taken before the locks are
  // held: an event committed by another process in between is not seen here, and its insert below
  // then fails on the events' primary key, which sends the batch to intake() one by one (above).
  const seen = await sql<{ source: string; externalId: string; contactId: string }>`
    SELECT e.source, e.external_id, e.contact_id
    FROM (SELECT count(pg_advisory_xact_lock(h)) AS locked FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${plan.map((x) => x.key)}::text[]) AS u(k) ORDER BY h) AS l) AS l
    JOIN contact_inbound_events e ON l.locked >= 0
    WHERE (e.source, e.external_id) IN (SELECT * FROM unnest(${plan.map((x) => x.p.ev.source)}::text[], ${plan.map((x) => x.p.ev.eventId)}::text[]))`.execute(tx);
  const seenBy = new Map(seen.rows.map((r) => [`${r.source}:${r.externalId}`, r.contactId]));
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

  // 2. Messages join the contactor's open conversation on the channel, under intake()'s lock per contactor and channel.
  const talkers = fresh.filter((x) => x.p.ev.kind === 'message' && x.fp.contactorHash);
  const convKey = (x: Planned) => `${x.p.ev.channel}:${x.fp.contactorHash!.toString('hex')}:${x.p.agencyId}`;
  await lockAll(tx, talkers.map((x) => `conversation:${x.p.ev.channel}:${x.fp.contactorHash!.toString('hex')}`));
  const open = new Map<string, string>();
  if (talkers.length > 0) {
    const rows = await openConversations(talkers.map((x) => x.fp.contactorHash!)).execute(tx);
    for (const r of rows.rows) open.set(`${r.channel}:${r.contactorHash.toString('hex')}:${r.ownerAgencyId}`, r.id);
  }

  // 3. Decide each delivery's contact, in arrival order: an open conversation (perhaps one this batch opens), or a new contact.
  const now = new Date();
  const newContacts = new Map<string, NewContact>();
  for (const x of fresh) {
    const ev = x.p.ev;
    const conv = ev.kind === 'message' && x.fp.contactorHash ? convKey(x) : null;
    const existing = conv ? open.get(conv) : undefined;
    if (existing) {
      x.contactId = existing;
      x.joined = true;
      continue;
    }
    x.contactId = timeOrderedId();
    x.isNew = true;
    if (conv) open.set(conv, x.contactId);
    newContacts.set(x.contactId, { x, replyTo: ev.replyTo ?? null });
  }
  for (const x of plan) if (x.duplicate && !x.contactId) x.contactId = firstOf.get(x.key)!.contactId;

  // As intake(): a message that joins a conversation brings where replies go now; the latest of the
  // batch wins, none keeps what the contact had. A conversation this batch opens takes it as it is written.
  const joinedEarlier = new Map<string, Inbound['replyTo'] | null>();
  for (const x of fresh) {
    if (!x.joined) continue;
    const opened = newContacts.get(x.contactId!);
    if (opened) {
      if (x.p.ev.replyTo) opened.replyTo = x.p.ev.replyTo;
    } else if (x.p.ev.replyTo || !joinedEarlier.has(x.contactId!)) joinedEarlier.set(x.contactId!, x.p.ev.replyTo ?? joinedEarlier.get(x.contactId!) ?? null);
  }
  if (fresh.length === 0) return plan.map((x) => ({ contactId: x.contactId!, duplicate: x.duplicate, joined: x.joined }));

  // 4. Every row in one statement: the new contacts, the messages, the conversations joined (updated
  // now), the inbound events, and one notification per contact for the live queue at commit (as
  // notifyContact does), in arrival order.
  const added = [...newContacts.values()];
  const messages = fresh.filter((x) => x.p.ev.kind === 'message').map((x) => ({ x, id: timeOrderedId() }));
  const joined = [...joinedEarlier];
  const seal = (keys: Keys, replyTo: Inbound['replyTo'] | null, id: string) => (replyTo ? keys.encrypt(JSON.stringify(replyTo), fieldAad('contacts', 'reply_address', id)) : null);
  await sql`
    WITH added AS (
      INSERT INTO contacts (id, channel, status, owner_agency_id, external_id, contactor_hash, contactor_last3, language, reply_address_enc, received_at, created_at, updated_at)
      SELECT id, channel, status, owner_agency_id, external_id, contactor_hash, contactor_last3, language, reply_address_enc, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      FROM unnest(
        ${added.map((c) => c.x.contactId!)}::uuid[], ${added.map((c) => c.x.p.ev.channel)}::text[],
        ${added.map((c) => ((c.x.p.ev.kind === 'call' ? 'ringing' : 'new') satisfies ContactStatus))}::text[], ${added.map((c) => c.x.p.agencyId)}::uuid[],
        ${added.map((c) => (c.x.p.ev.kind === 'call' ? c.x.p.ev.eventId : null))}::text[], ${added.map((c) => c.x.fp.contactorHash)}::bytea[],
        ${added.map((c) => c.x.fp.contactorLast3)}::text[], ${added.map((c) => c.x.p.ev.language ?? null)}::text[],
        ${added.map((c) => seal(c.x.p.keys, c.replyTo, c.x.contactId!))}::bytea[]
      ) AS u(id, channel, status, owner_agency_id, external_id, contactor_hash, contactor_last3, language, reply_address_enc)
      RETURNING id, status, channel, urgency, owner_agency_id, assigned_user_id, received_at
    ), joined AS (
      UPDATE contacts c SET updated_at = ${now}::timestamptz, reply_address_enc = coalesce(u.enc, c.reply_address_enc)
      FROM unnest(${joined.map(([id]) => id)}::uuid[], ${joined.map(([id, replyTo]) => seal(keysOf(fresh, id), replyTo, id))}::bytea[]) AS u(id, enc)
      WHERE c.id = u.id
      RETURNING c.id, c.status, c.channel, c.urgency, c.owner_agency_id, c.assigned_user_id, c.received_at
    ), messages AS (
      INSERT INTO contact_messages (id, contact_id, direction, body_enc, media_count)
      SELECT id, contact_id, 'in', body_enc, media_count
      FROM unnest(
        ${messages.map((m) => m.id)}::uuid[], ${messages.map((m) => m.x.contactId!)}::uuid[],
        ${messages.map((m) => m.x.p.keys.encrypt(m.x.p.ev.body ?? '', fieldAad('contact_messages', 'body', m.id)))}::bytea[],
        ${messages.map((m) => m.x.p.ev.mediaCount ?? 0)}::int[]
      ) AS u(id, contact_id, body_enc, media_count)
    ), events AS (
      INSERT INTO contact_inbound_events (source, external_id, contact_id)
      SELECT * FROM unnest(${fresh.map((x) => x.p.ev.source)}::text[], ${fresh.map((x) => x.p.ev.eventId)}::text[], ${fresh.map((x) => x.contactId!)}::uuid[])
    )
    SELECT pg_notify('pathway_live', json_build_object(
        'type', 'contact', 'id', c.id, 'status', c.status, 'channel', c.channel, 'urgency', c.urgency,
        'ownerAgencyId', c.owner_agency_id, 'assignedUserId', c.assigned_user_id, 'receivedAt', c.received_at)::text)
    FROM unnest(${[...new Set(fresh.map((x) => x.contactId!))]}::uuid[]) WITH ORDINALITY AS u(id, n)
    JOIN (SELECT * FROM added UNION ALL SELECT * FROM joined) c ON c.id = u.id
    ORDER BY u.n`.execute(tx);
  // No number and no message text in the log: the channel, the source and whether it joined.
  await appendAuditEntries(
    tx,
    fresh.map((x) => ({
      actor: x.p.actor,
      entry: { action: x.joined ? 'contact.message_received' : 'contact.received', recordType: 'contact', recordId: x.contactId!, changes: { channel: x.p.ev.channel, source: x.p.ev.source, kind: x.p.ev.kind } } satisfies AuditEntry,
    })),
  );
  return plan.map((x) => ({ contactId: x.contactId!, duplicate: x.duplicate, joined: x.joined }));
}
