import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import type { ContactsTable } from '../../db/types.ts';
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

type Planned = { p: Pending; key: string; fp: ReturnType<typeof contactorFingerprint>; contactId?: string; duplicate: boolean; joined: boolean; isNew: boolean };

async function writeBatch(tx: Tx, batch: Pending[]): Promise<IntakeResult[]> {
  const plan: Planned[] = batch.map((p) => ({ p, key: `${p.ev.source}:${p.ev.eventId}`, fp: contactorFingerprint(p.keys, p.ev.contactor), duplicate: false, joined: false, isNew: false }));

  // 1. The provider's event ids, as intake() locks them; one seen before is a retry and changes nothing.
  await lockAll(tx, plan.map((x) => x.key));
  const seen = await sql<{ source: string; externalId: string; contactId: string }>`
    SELECT source, external_id, contact_id FROM contact_inbound_events
    WHERE (source, external_id) IN (SELECT * FROM unnest(${plan.map((x) => x.p.ev.source)}::text[], ${plan.map((x) => x.p.ev.eventId)}::text[]))`.execute(tx);
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
  const newContacts: Insertable<ContactsTable>[] = [];
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
    newContacts.push({
      id: x.contactId,
      channel: ev.channel,
      status: (ev.kind === 'call' ? 'ringing' : 'new') satisfies ContactStatus,
      ownerAgencyId: x.p.agencyId,
      externalId: ev.kind === 'call' ? ev.eventId : null,
      ...x.fp,
      language: ev.language ?? null,
      replyAddressEnc: ev.replyTo ? x.p.keys.encrypt(JSON.stringify(ev.replyTo), fieldAad('contacts', 'reply_address', x.contactId)) : null,
      receivedAt: now,
      createdAt: now,
      updatedAt: now,
    });
  }
  for (const x of plan) if (x.duplicate && !x.contactId) x.contactId = firstOf.get(x.key)!.contactId;

  if (newContacts.length > 0) await tx.insertInto('contacts').values(newContacts).execute();
  const messages = fresh.filter((x) => x.p.ev.kind === 'message');
  if (messages.length > 0) {
    await tx.insertInto('contactMessages').values(messages.map((x) => {
      const id = timeOrderedId();
      return { id, contactId: x.contactId!, direction: 'in' as const, bodyEnc: x.p.keys.encrypt(x.p.ev.body ?? '', fieldAad('contact_messages', 'body', id)), mediaCount: x.p.ev.mediaCount ?? 0, delivery: null };
      }),
    ).execute();
    // The conversations joined, in one statement: each is updated now and, as in intake(), a message
    // that joins brings where replies go now (the latest of the batch wins; none: kept as it was).
    const replyTo = new Map<string, Buffer | null>();
    for (const x of messages) {
      if (!x.joined) continue;
      if (x.p.ev.replyTo) replyTo.set(x.contactId!, x.p.keys.encrypt(JSON.stringify(x.p.ev.replyTo), fieldAad('contacts', 'reply_address', x.contactId!)));
      else if (!replyTo.has(x.contactId!)) replyTo.set(x.contactId!, null);
    }
    if (replyTo.size > 0) {
      await sql`UPDATE contacts c SET updated_at = ${new Date()}, reply_address_enc = coalesce(u.enc, c.reply_address_enc)
        FROM unnest(${[...replyTo.keys()]}::uuid[], ${[...replyTo.values()]}::bytea[]) AS u(id, enc) WHERE c.id = u.id`.execute(tx);
    }
  }
  if (fresh.length > 0) {
    await tx.insertInto('contactInboundEvents').values(fresh.map((x) => ({ source: x.p.ev.source, externalId: x.p.ev.eventId, contactId: x.contactId! }))).execute();
    // The live queue hears of each contact once, at commit (as notifyContact does).
    const ids = [...new Set(fresh.map((x) => x.contactId!))];
    await sql`SELECT pg_notify('pathway_live', json_build_object(
        'type', 'contact', 'id', c.id, 'status', c.status, 'channel', c.channel, 'urgency', c.urgency,
        'ownerAgencyId', c.owner_agency_id, 'assignedUserId', c.assigned_user_id, 'receivedAt', c.received_at)::text)
      FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS u(id, n) JOIN contacts c ON c.id = u.id ORDER BY u.n`.execute(tx);
    // No number and no message text in the log: the channel, the source and whether it joined.
    await appendAuditEntries(
      tx,
      fresh.map((x) => ({
        actor: x.p.actor,
        entry: { action: x.joined ? 'contact.message_received' : 'contact.received', recordType: 'contact', recordId: x.contactId!, changes: { channel: x.p.ev.channel, source: x.p.ev.source, kind: x.p.ev.kind } } satisfies AuditEntry,
      })),
    );
  }
  return plan.map((x) => ({ contactId: x.contactId!, duplicate: x.duplicate, joined: x.joined }));
}
