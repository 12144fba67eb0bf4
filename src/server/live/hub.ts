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
 * connection (a database restart, a failover), every second until it succeeds; events sent while it
 * was down are not replayed, so once it listens again the resync listeners are told (the streams
 * send `ready` again and consoles reload the queue).
 */
export class LiveHub {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly resyncListeners = new Set<() => void>();
  private closed = false;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private everConnected = false;

  constructor(private readonly url: string) {}

  /** Whether the LISTEN connection is in place (metrics). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** How many listeners (open live streams) this process has. */
  get subscribers(): number {
    return this.listeners.size;
  }

  /** Connects if not yet connected; resolves once LISTEN is in place. */
  start(): Promise<void> {
    if (this.client || this.closed || !this.url) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().catch(() => this.scheduleRetry());
    }, 1000);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000, keepAlive: true });
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
      this.scheduleRetry();
    };
    // Always listened to: an unhandled 'error' (57P01 when the server shuts down) would end the process.
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.everConnected) for (const l of this.resyncListeners) l();
    this.everConnected = true;
  }

  /** `l` is called each time the connection is back after being lost (events may have been missed). */
  onResync(l: () => void): () => void {
    this.resyncListeners.add(l);
    return () => this.resyncListeners.delete(l);
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
    this.resyncListeners.clear();
    await c?.end().catch(() => undefined);
  }
}
