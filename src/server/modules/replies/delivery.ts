import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/database.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import { auditedTransaction, SYSTEM_ACTOR } from '../../audit/audit.ts';
import { notifyContact, openMessage } from '../contacts/repository.ts';
import { DeliveryError, type OutboundDelivery, type ReplyTransport } from './transports.ts';

export type DeliveryOptions = {
  /** Wait before each further attempt; one more attempt than delays, then the reply is failed. */
  retryDelaysMs?: readonly number[];
  /** How often pending replies are looked for (besides the nudge after each new reply). */
  pollMs?: number;
};

export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000] as const;
/** A claimed reply is not tried by anyone else for this long (a process that died mid-send is covered). */
const LEASE = '2 minutes';
const BATCH = 10;

/**
 * Sends pending replies after their transaction committed. The `contact_messages` rows are the queue:
 * a reply is written as `pending` with the message itself, so nothing acknowledged to the operator is
 * lost; any Pathway process claims due rows (`FOR UPDATE SKIP LOCKED`, with a lease) and records
 * `sent`, a retry time, or `failed` after the last attempt. Delivery is at least once: a process that
 * dies between the provider's answer and the update sends that reply again when the lease runs out.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly delays: readonly number[];
  private readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly keys: Keys,
    private readonly transport: ReplyTransport,
    private readonly log: FastifyBaseLogger,
    options: DeliveryOptions = {},
  ) {
    this.delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.pollMs = options.pollMs ?? 5_000;
  }

  get maxAttempts(): number {
    return this.delays.length + 1;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Look for due replies now (after a reply was committed). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: unknown) => this.log.error({ err: { message: (e as Error).message } }, 'reply delivery failed to run'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the current round (if any) is done; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const claimed = await this.db
        .updateTable('contactMessages')
        .set((eb) => ({ deliveryAttempts: eb('deliveryAttempts', '+', 1), nextAttemptAt: sql<Date>`now() + ${LEASE}::interval` }))
        .where('id', 'in', (eb) =>
          eb.selectFrom('contactMessages').select('id').where('delivery', '=', 'pending').where('nextAttemptAt', '<=', sql<Date>`now()`).orderBy('nextAttemptAt').limit(BATCH).forUpdate().skipLocked(),
        )
        .returning(['id', 'contactId', 'bodyEnc', 'deliveryAttempts'])
        .execute()
        .then((rows) => rows.map(openMessage));
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((m) => this.deliver(m)));
    }
  }

  private async deliver(m: { id: string; contactId: string; body: string; deliveryAttempts: number }): Promise<void> {
    let outcome: { ok: true; providerMessageId: string | null } | { ok: false; error: string; permanent: boolean };
    try {
      const d = await this.address(m.contactId, m.body);
      outcome = { ok: true, ...(await this.transport.send(d)) };
    } catch (e) {
      if (!(e instanceof DeliveryError)) this.log.error({ messageId: m.id, err: { name: (e as Error).name } }, 'reply delivery: unexpected error');
      outcome = e instanceof DeliveryError ? { ok: false, error: e.message, permanent: e.permanent } : { ok: false, error: 'unexpected error (see the server log)', permanent: false };
    }
    const last = m.deliveryAttempts >= this.maxAttempts;
    await auditedTransaction(this.db, SYSTEM_ACTOR, async (tx) => {
      // Only while this attempt still holds the row: an operator's retry or another claim wins otherwise.
      const mine = tx.updateTable('contactMessages').where('id', '=', m.id).where('delivery', '=', 'pending').where('deliveryAttempts', '=', m.deliveryAttempts);
      let updated;
      let audit: { action: string; changes: Record<string, unknown> } | null = null;
      if (outcome.ok) {
        updated = await mine.set({ delivery: 'sent', deliveredAt: sql<Date>`now()`, nextAttemptAt: null, deliveryError: null, providerMessageId: outcome.providerMessageId }).executeTakeFirst();
        audit = { action: 'contact.reply_delivered', changes: { messageId: m.id, attempts: m.deliveryAttempts } };
      } else if (outcome.permanent || last) {
        updated = await mine.set({ delivery: 'failed', nextAttemptAt: null, deliveryError: outcome.error }).executeTakeFirst();
        audit = { action: 'contact.reply_failed', changes: { messageId: m.id, attempts: m.deliveryAttempts, error: outcome.error } };
      } else {
        const wait = this.delays[m.deliveryAttempts - 1] ?? this.delays.at(-1) ?? 60_000;
        updated = await mine.set({ nextAttemptAt: sql<Date>`now() + ${`${wait} milliseconds`}::interval`, deliveryError: outcome.error }).executeTakeFirst();
      }
      if (Number(updated.numUpdatedRows) === 0) return { result: undefined, audit: [] };
      // Every attempt goes to the live queue (an open conversation panel reloads from it, so it need
      // not poll); only final outcomes are audited.
      await notifyContact(tx, m.contactId);
      return { result: undefined, audit: audit ? { ...audit, recordType: 'contact', recordId: m.contactId } : [] };
    });
    if (!outcome.ok) this.log.warn({ messageId: m.id, attempts: m.deliveryAttempts, permanent: outcome.permanent }, 'reply not delivered');
  }

  private async address(contactId: string, body: string): Promise<OutboundDelivery> {
    const c = await this.db.selectFrom('contacts').select(['channel', 'replyAddressEnc']).where('id', '=', contactId).executeTakeFirstOrThrow();
    if (c.channel !== 'sms' && c.channel !== 'whatsapp' && c.channel !== 'telegram') throw new DeliveryError(`The ${c.channel} channel is not delivered`, true);
    if (!c.replyAddressEnc) throw new DeliveryError('The contactor\'s address is not known', true);
    const a = JSON.parse(this.keys.decrypt(c.replyAddressEnc, fieldAad('contacts', 'reply_address', contactId))) as { to: string; from?: string | null };
    return { channel: c.channel, to: a.to, from: a.from ?? null, body };
  }
}
