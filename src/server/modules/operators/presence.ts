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
 * its time) every third of the timeout; an available or on-break operator none of whose streams has
 * beaten for the timeout (the browser closed, the network went, the process died) becomes `offline`,
 * audited and pushed live to the supervisors. A stream that closes only stops beating, so a console
 * that reconnects within the timeout (a network blip, a server restart) keeps the operator's state.
 * Every process sweeps; the change is made on the locked row after checking again, so two processes
 * never change it twice.
 */
export class ConsolePresence {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  readonly beatMs: number;

  constructor(
    private readonly db: Db,
    private readonly timeoutSeconds: number,
    private readonly log: Log,
  ) {
    this.beatMs = Math.max(200, Math.floor((timeoutSeconds * 1000) / 3));
  }

  /** A console stream opened: returns what to call on each beat and when it closes. */
  open(userId: string): { beat: () => Promise<void>; close: () => Promise<void> } {
    const id = crypto.randomUUID();
    return {
      beat: () => repo.streamBeat(this.db, id, userId),
      close: () => repo.streamClosed(this.db, id, userId),
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
    for (const userId of await repo.absentOperators(this.db, seconds)) {
      await auditedTransaction(this.db, SYSTEM_ACTOR, async (tx) => {
        const current = await repo.lockState(tx, userId);
        if (!current || !(await repo.isAbsent(tx, userId, seconds))) return { result: undefined, audit: [] };
        await repo.upsertState(tx, userId, current.agencyId, 'offline', null, new Date());
        await repo.notifyState(tx, userId);
        return {
          result: undefined,
          audit: { action: 'operator.state_changed', recordType: 'user', recordId: userId, changes: { state: { old: current.state, new: 'offline' }, automatic: true, cause: 'console_closed' } },
        };
      });
    }
  }
}
