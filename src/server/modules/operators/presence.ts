import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { auditedTransaction, SYSTEM_ACTOR } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import * as repo from './repository.ts';

type Log = { warn: (obj: object, msg: string) => void };

/** Whoever may work on contacts has a console state (the same test as the operators' service). */
export const worksContacts = (p: Principal) => [...p.permissions].some((x) => x.startsWith('contact:update:'));

/**
 * An operator's presence follows their open console: each live stream of the console beats (writes
 * its time) every third of the timeout. When a stream closes (the tab or browser closed) and, a few
 * seconds later (`graceMs`: a reload reconnects in that time), the operator has no other open stream,
 * an available or on-break operator becomes `offline`, audited and pushed live to the supervisors.
 * When streams stop beating without closing (the process died), each process's sweep does the same
 * once none has beaten for the timeout. A server that shuts down closes its streams without this
 * check: the consoles reconnect to another process within the timeout. The change is made on the
 * locked row after checking again, so two processes never change it twice.
 */
export class ConsolePresence {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly checks = new Set<NodeJS.Timeout>();
  private stopped = false;
  readonly beatMs: number;
  readonly graceMs: number;

  constructor(
    private readonly db: Db,
    private readonly timeoutSeconds: number,
    private readonly log: Log,
  ) {
    this.beatMs = Math.max(200, Math.floor((timeoutSeconds * 1000) / 3));
    this.graceMs = Math.min(5_000, this.beatMs);
  }

  /**
   * A console stream opened: returns what to call on each beat and when it closes (`check: false`
   * when the server itself is shutting down).
   */
  open(userId: string): { beat: () => Promise<void>; close: (check: boolean) => Promise<void> } {
    const id = crypto.randomUUID();
    return {
      beat: () => repo.streamBeat(this.db, id, userId),
      close: async (check) => {
        await repo.streamClosed(this.db, id, userId);
        if (!check || this.stopped) return;
        const timer = setTimeout(() => {
          this.checks.delete(timer);
          this.goOffline(userId, true).catch((err: unknown) => this.log.warn({ err: { message: (err as Error).message } }, 'presence check failed'));
        }, this.graceMs);
        timer.unref();
        this.checks.add(timer);
      },
    };
  }

  start(): void {
    if (this.timer) return;
    // Sweeps a few times per timeout, so a closed console is offline within about 1.2 timeouts.
    const every = Math.max(200, Math.min(5_000, Math.floor((this.timeoutSeconds * 1000) / 5)));
    this.timer = setInterval(() => void this.sweep(), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.checks) clearTimeout(t);
    this.checks.clear();
    await this.sweeping;
  }

  /** One pass: forget dead streams, then put absent operators offline. */
  sweep(): Promise<void> {
    this.sweeping ??= this.pass()
      .catch((err: unknown) => this.log.warn({ err: { message: (err as Error).message } }, 'presence sweep failed'))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  private async pass(): Promise<void> {
    const seconds = this.timeoutSeconds;
    await repo.forgetStaleStreams(this.db, seconds * 4);
    for (const userId of await repo.absentOperators(this.db, seconds)) await this.goOffline(userId, false);
  }

  /** Offline, if the operator is still absent on their locked row (`afterClose`: a stream of theirs just closed). */
  private async goOffline(userId: string, afterClose: boolean): Promise<void> {
    await auditedTransaction(this.db, SYSTEM_ACTOR, async (tx) => {
      const current = await repo.lockState(tx, userId);
      if (!current || !(await repo.isAbsent(tx, userId, this.timeoutSeconds, afterClose))) return { result: undefined, audit: [] };
      await repo.upsertState(tx, userId, current.agencyId, 'offline', null, new Date());
      await repo.notifyState(tx, userId);
      return {
        result: undefined,
        audit: { action: 'operator.state_changed', recordType: 'user', recordId: userId, changes: { state: { old: current.state, new: 'offline' }, automatic: true, cause: 'console_closed' } },
      };
    });
  }
}
