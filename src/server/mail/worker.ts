import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Db } from '../db/database.ts';

export type OutgoingMail = { from: string; to: string; subject: string; text: string };
/** Sends one e-mail or throws; behind an interface so that tests use a local SMTP server. */
export type MailTransport = { send: (m: OutgoingMail) => Promise<void>; close: () => void };

/** After this many failed attempts an e-mail is given up (status `failed`, kept with its last error). */
export const MAX_ATTEMPTS = 12;
/** A claimed e-mail not finished within this time (the process died while sending) is tried again. */
export const LEASE_SECONDS = 300;

/**
 * SMTP waits, well inside the claim: nodemailer's own defaults (a 2-minute connection timeout, a
 * 10-minute socket timeout) would let a stalled send outlive the claim, so that another process sends
 * the same e-mail again. A value the URL's query string sets (`?socketTimeout=...`) wins, and the
 * whole send is still abandoned after `SEND_DEADLINE_MS`.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000, dnsTimeout: 30_000 } as const;
/** One send, from connecting to the server's last answer, at most this long: under half the claim. */
export const SEND_DEADLINE_MS = 120_000;

export function smtpTransport(url: string, deadlineMs = SEND_DEADLINE_MS): MailTransport {
  const t = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return {
    send: async (m) => {
      await t.sendMail({ ...m, signal: AbortSignal.timeout(deadlineMs) });
    },
    close: () => t.close(),
  };
}

/** Wait before the next try: 5 s, 10 s, 20 s, ... at most one hour. */
export const backoffSeconds = (attempts: number) => Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));

/**
 * Delivers the outbox: claims due e-mails (`FOR UPDATE SKIP LOCKED`, so several Pathway processes
 * share the work without sending one twice), sends them, and marks each sent or schedules a retry.
 * Delivery is at least once: a process that dies between sending and marking sends again later, as
 * does one whose send outlived its claim (which the SMTP timeouts make unlikely).
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

  /**
   * Claims one due e-mail at a time, just before sending it: a claim never waits behind other sends
   * (where it could run out), and a stopping process holds no claim but the one it is sending. The
   * claim is the lease time written into `next_attempt_at`; every later write checks it is still
   * there, so a process whose claim ran out never overwrites the work of the one that took it over.
   */
  private async deliverDue(batch = 20): Promise<number> {
    let sent = 0;
    for (let i = 0; i < batch && !this.stopped; i++) {
      const claimed = await sql<{ id: string; recipient: string; subject: string; body: string; attempts: number; lease: string }>`
        UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
        WHERE id = (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, subject, body, attempts, next_attempt_at::text AS lease`.execute(this.db);
      const m = claimed.rows[0];
      if (!m) break;
      const held = (q: ReturnType<typeof this.outbox>) => q.where('id', '=', m.id).where('status', '=', 'pending').where('nextAttemptAt', '=', sql<Date>`${m.lease}::timestamptz`);
      try {
        await this.transport.send({ from: this.from, to: m.recipient, subject: m.subject, text: m.body });
        const done = await held(this.outbox().set({ status: 'sent', sentAt: new Date(), attempts: m.attempts + 1, lastError: null })).executeTakeFirst();
        if (done.numUpdatedRows === 0n) this.log(`mail outbox entry ${m.id} was sent after its claim ran out; another process may send it again`);
        else sent++;
      } catch (err) {
        const attempts = m.attempts + 1;
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        await held(
          this.outbox().set({
            attempts,
            lastError: message,
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            nextAttemptAt: new Date(Date.now() + backoffSeconds(attempts) * 1000),
          }),
        ).execute();
        this.log(`mail to outbox entry ${m.id} failed (attempt ${attempts})`, err);
      }
    }
    return sent;
  }

  private outbox() {
    return this.db.updateTable('mailOutbox');
  }

  /**
   * Stops claiming, lets the e-mail being sent finish (bounded by the SMTP timeouts) and closes the
   * transport. E-mails are claimed one at a time, so none is left claimed and unsent: another process,
   * or this one's next start, takes the rest at once instead of after the claim's five minutes.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    this.transport.close();
  }
}
