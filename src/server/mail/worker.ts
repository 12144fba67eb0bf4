import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Db } from '../db/database.ts';

export type OutgoingMail = { from: string; to: string; subject: string; text: string };
/** Sends one e-mail or throws; behind an interface so that tests use a local SMTP server. */
export type MailTransport = { send: (m: OutgoingMail) => Promise<void>; close: () => void };

export function smtpTransport(url: string): MailTransport {
  const t = nodemailer.createTransport(url);
  return {
    send: async (m) => {
      await t.sendMail(m);
    },
    close: () => t.close(),
  };
}

/** After this many failed attempts an e-mail is given up (status `failed`, kept with its last error). */
export const MAX_ATTEMPTS = 12;
/** A claimed e-mail not finished within this time (the process died while sending) is tried again. */
const LEASE_SECONDS = 300;

/** Wait before the next try: 5 s, 10 s, 20 s, ... at most one hour. */
export const backoffSeconds = (attempts: number) => Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers the outbox: claims due e-mails (`FOR UPDATE SKIP LOCKED`, so several Pathway processes
 * share the work without sending one twice), sends them, and marks each sent or schedules a retry.
 * Delivery is at least once: a process that dies between sending and marking sends again later.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  /** One pass; resolves to the number sent. A pass already running is joined, not doubled. */
  tick(): Promise<number> {
    this.running ??= this.deliverDue()
      .catch((err: unknown) => {
        this.log('mail outbox pass failed', err);
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async deliverDue(batch = 20): Promise<number> {
    const claimed = await sql<{ id: string; recipient: string; subject: string; body: string; attempts: number }>`
      UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
      WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= now()
                   ORDER BY next_attempt_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, recipient, subject, body, attempts`.execute(this.db);
    let sent = 0;
    for (const m of claimed.rows) {
      if (this.stopped) break;
      try {
        await this.transport.send({ from: this.from, to: m.recipient, subject: m.subject, text: m.body });
        await this.db.updateTable('mailOutbox').set({ status: 'sent', sentAt: new Date(), attempts: m.attempts + 1, lastError: null }).where('id', '=', m.id).execute();
        sent++;
      } catch (err) {
        const attempts = m.attempts + 1;
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        await this.db
          .updateTable('mailOutbox')
          .set({
            attempts,
            lastError: message,
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt: new Date(Date.now() + backoffSeconds(attempts) * 1000),
          })
          .where('id', '=', m.id)
          .execute();
        this.log(`mail to outbox entry ${m.id} failed (attempt ${attempts})`, err);
      }
    }
    return sent;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    this.transport.close();
  }
}
