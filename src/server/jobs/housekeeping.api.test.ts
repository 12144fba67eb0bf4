import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SYSTEM_ACTOR, auditRead } from '../audit/audit.ts';
import { createTestApp, makeUser, type TestApp } from '../../../test/helpers/app.ts';
import { pruneExpired } from './housekeeping.ts';
import { startReminderWorker } from './reminders.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ lockoutMinutes: 15, sessionIdleMinutes: 120 });
});
afterAll(() => t.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const ids = <T extends { id: string }>(rows: T[]) => rows.map((r) => r.id).sort();

/** Sign-in state of every kind, each once past its window and once within it; answers what must stay. */
async function plant() {
  const u = await makeUser(t.db);
  const unknownKey = crypto.randomUUID();
  await t.db
    .insertInto('signInAttempts')
    .values([
      { userId: u.id, addressKey: 'old', failures: 2, updatedAt: minutesAgo(16) },
      { userId: unknownKey, addressKey: 'old', failures: 4, updatedAt: minutesAgo(60) },
      { userId: u.id, addressKey: 'recent', failures: 2, updatedAt: minutesAgo(5) },
      { userId: u.id, addressKey: 'locked', failures: 5, lockedUntil: new Date(Date.now() + 60_000), updatedAt: minutesAgo(30) },
      { userId: u.id, addressKey: 'lock-ended', failures: 5, lockedUntil: minutesAgo(1), updatedAt: minutesAgo(30) },
    ])
    .execute();
  const session = (props: { expiresAt?: Date; revokedAt?: Date | null; lastSeenAt?: Date }) =>
    t.db
      .insertInto('sessions')
      .values({ tokenHash: crypto.randomBytes(32), csrfToken: 'x', userId: u.id, createdAt: minutesAgo(200), lastSeenAt: props.lastSeenAt ?? new Date(), expiresAt: props.expiresAt ?? new Date(Date.now() + 3600_000), revokedAt: props.revokedAt ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
  const live = await session({});
  await session({ expiresAt: minutesAgo(1) });
  await session({ revokedAt: minutesAgo(1) });
  await session({ lastSeenAt: minutesAgo(121) });
  await t.db
    .insertInto('accountFailures')
    .values([
      { userId: u.id, kind: 'password', failures: 3, windowStartedAt: minutesAgo(61) },
      { userId: u.id, kind: 'totp', failures: 3, windowStartedAt: minutesAgo(10) },
    ])
    .execute();
  const provider = await t.db.insertInto('identityProviders').values({ name: 'P', issuer: `https://idp.example/${crypto.randomUUID()}`, clientId: 'c', clientSecret: null, assignment: 'admin', agencyMap: '{}', roleMap: '{}', requiredAcr: null, agencyId: null, agencyClaim: null, rolesClaim: null }).returning('id').executeTakeFirstOrThrow();
  const request = (expiresAt: Date) => ({ stateHash: crypto.randomBytes(32), providerId: provider.id, nonce: 'n', codeVerifier: 'v', redirectUri: 'http://127.0.0.1/cb', expiresAt });
  await t.db.insertInto('ssoRequests').values([request(minutesAgo(1)), request(new Date(Date.now() + 600_000))]).execute();
  await t.db.insertInto('ssoRefusalWindows').values([{ addressKey: 'old', windowStartedAt: minutesAgo(11) }, { addressKey: 'recent', windowStartedAt: minutesAgo(2) }]).execute();
  await t.db.deleteFrom('rateLimitCounters').execute();
  await t.db
    .insertInto('rateLimitCounters')
    .values([
      { bucket: 'route:POST /api/v1/auth/login', key: 'ended', hits: 9, windowEndsAt: minutesAgo(1) },
      { bucket: 'route:POST /api/v1/auth/login', key: 'current', hits: 9, windowEndsAt: new Date(Date.now() + 60_000) },
    ])
    .execute();
  return { u, live };
}

async function remaining(userId: string) {
  return {
    attempts: (await t.db.selectFrom('signInAttempts').select('addressKey').where('userId', '=', userId).orderBy('addressKey').execute()).map((r) => r.addressKey),
    sessions: ids(await t.db.selectFrom('sessions').select('id').where('userId', '=', userId).execute()),
    failures: (await t.db.selectFrom('accountFailures').select('kind').where('userId', '=', userId).execute()).map((r) => r.kind),
    requests: (await t.db.selectFrom('ssoRequests').select('expiresAt').execute()).map((r) => r.expiresAt > new Date()),
    windows: (await t.db.selectFrom('ssoRefusalWindows').select('addressKey').execute()).map((r) => r.addressKey),
    counters: (await t.db.selectFrom('rateLimitCounters').select('key').execute()).map((r) => r.key),
  };
}

describe('housekeeping: sign-in state past its window is deleted', () => {
  it('deletes tries, failure counts, sessions, sign-ons in flight, refusal windows and rate-limit counters whose time has passed, and keeps the live ones', async () => {
    const { u, live } = await plant();
    const pruned = await pruneExpired(t.db, t.config);
    expect(pruned).toMatchObject({ signInAttempts: 3, accountFailures: 1, sessions: 3, ssoRequests: 1, ssoRefusalWindows: 1, rateLimitCounters: 1 });
    expect(await remaining(u.id)).toEqual({ attempts: ['locked', 'recent'], sessions: [live.id], failures: ['totp'], requests: [true], windows: ['recent'], counters: ['current'] });
    // The live session still signs in.
    expect((await pruneExpired(t.db, t.config)).sessions).toBe(0);
  });

  it('is run by the periodic job runner', async () => {
    await t.db.deleteFrom('ssoRequests').execute();
    await t.db.deleteFrom('ssoRefusalWindows').execute();
    const { u, live } = await plant();
    const errors: unknown[] = [];
    const worker = startReminderWorker(t.db, (e) => errors.push(e), null, 50, t.config);
    try {
      await expect.poll(async () => (await remaining(u.id)).sessions, { timeout: 10_000, interval: 100 }).toEqual([live.id]);
      expect(await remaining(u.id)).toMatchObject({ attempts: ['locked', 'recent'], failures: ['totp'], windows: ['recent'], counters: ['current'] });
    } finally {
      worker.stop();
      // Let a round in flight finish before the database goes.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(errors).toEqual([]);
  });

  it('anchors the audit log\'s chain heads each round when a chain moved', async () => {
    await auditRead(t.db, SYSTEM_ACTOR, { action: 'probe.read' });
    const newestHeads = async () => (await t.db.selectFrom('auditAnchors').select('heads').orderBy('id', 'desc').limit(1).executeTakeFirst())?.heads ?? null;
    const heads = async () =>
      (await sql<{ chain: number; pos: string; hash: string }>`
        SELECT DISTINCT ON (chain) chain, coalesce(pos, seq)::text AS pos, hash FROM audit_log ORDER BY chain, coalesce(pos, seq) DESC`.execute(t.db)).rows;
    const errors: unknown[] = [];
    const worker = startReminderWorker(t.db, (e) => errors.push(e), null, 50, t.config);
    try {
      await expect.poll(newestHeads, { timeout: 10_000, interval: 100 }).toEqual(await heads());
    } finally {
      worker.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(errors).toEqual([]);
  });
});
