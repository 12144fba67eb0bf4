import crypto from 'node:crypto';

/** JSON with object keys sorted at every depth, so a value hashes the same after a jsonb round trip. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const GENESIS_HASH = '0'.repeat(64);

export type HashedFields = {
  seq: string;
  at: Date;
  actorUserId: string | null;
  actorAgencyId: string | null;
  via: 'session' | 'token' | 'system' | 'cli' | 'public';
  tokenId: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  changes: unknown;
  purpose: string | null;
  requestId: string | null;
  ip: string | null;
  flagged: boolean;
  /**
   * The chain and the position in it, hashed for every entry since migration 0138 (chains 1 and on);
   * absent for chain 0, the single chain written before, whose hashes stay exactly as they were.
   */
  chain?: number;
  pos?: string;
};

/** sha256 over the previous entry's hash and this entry's fields: change one entry and every later hash breaks. */
export function entryHash(prevHash: string, e: HashedFields): string {
  const body = canonicalJson({ ...e, at: e.at.toISOString(), seq: String(e.seq) });
  return crypto.createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
