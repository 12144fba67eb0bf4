import pg from 'pg';

export const LIVE_CHANNEL = 'pathway_live';

export type LiveEvent =
  | { type: 'contact'; id: string; status: string; channel: string; urgency: string; ownerAgencyId: string; assignedUserId: string | null; receivedAt: string }
  | { type: 'escalation'; id: string; contactId: string; region: string | null; ownerAgencyId: string; alertedAgencyIds: string[]; createdAt: string; acknowledgedAt: string | null }
  | { type: 'operator_state'; userId: string; agencyId: string; state: string; contactId: string | null; since: string }
  /**
   * Sent by database triggers (migration 0094) when something may end or change a caller's access:
   * a session or token revoked, a user disabled, moved, given a new password or roles (`userId`), an
   * agency disabled (`agencyId`), a role's permissions changed (neither: everyone). Never sent to clients.
   */
  | { type: 'access_changed'; userId: string | null; agencyId: string | null };

type Listener = (e: LiveEvent) => void;

/**
 * One LISTEN connection per process, shared by every connected console. Any process's NOTIFY (sent
 * at commit by the writing transaction) reaches every process's consoles. Reconnects after a lost
 * connection; events sent while it was down are not replayed, so consoles reload the queue on
 * `ready`.
 */
export class LiveHub {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<Listener>();
  private closed = false;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly url: string) {}

  /** Connects if not yet connected; resolves once LISTEN is in place. */
  start(): Promise<void> {
    if (this.client || this.closed || !this.url) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== LIVE_CHANNEL || !n.payload) return;
      let event: LiveEvent;
      try {
        event = JSON.parse(n.payload) as LiveEvent;
      } catch {
        return;
      }
      for (const l of this.listeners) l(event);
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      if (!this.closed) this.retry = setTimeout(() => void this.start().catch(lost), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${LIVE_CHANNEL}`);
    this.client = client;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = null;
    this.listeners.clear();
    await c?.end().catch(() => undefined);
  }
}
