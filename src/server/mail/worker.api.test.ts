import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { LEASE_SECONDS, MailWorker, SEND_DEADLINE_MS, SMTP_TIMEOUTS, smtpTransport, type MailTransport, type OutgoingMail } from './worker.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.deleteFrom('mailOutbox').execute();
});

const queue = async (n: number) => {
  for (let i = 0; i < n; i++) await t.db.insertInto('mailOutbox').values({ kind: 'test', recordId: null, recipient: `r${i}@example.org`, subject: `s${i}`, body: 'b' }).execute();
};
const rows = () =>
  t.db
    .selectFrom('mailOutbox')
    .select(['recipient', 'status', 'attempts', sql<boolean>`next_attempt_at <= now()`.as('due')])
    .orderBy('recipient')
    .execute();

/** A transport whose sends wait until the test lets them finish. */
function gatedTransport() {
  const sends: OutgoingMail[] = [];
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;
  const firstStarted = new Promise<void>((r) => (started = r));
  const transport: MailTransport = {
    send: async (m) => {
      sends.push(m);
      started();
      await new Promise<void>((r) => (release = r));
    },
    close: () => undefined,
  };
  return { transport, sends, firstStarted, release: () => release() };
}

describe('the mail worker', () => {
  it('stopping while one e-mail is being sent leaves the others unclaimed, due at once for another process', async () => {
    await queue(3);
    const g = gatedTransport();
    const worker = new MailWorker(t.db, g.transport, 'hotline@example.org', () => undefined);
    const pass = worker.tick();
    await g.firstStarted;
    const stopping = worker.stop();
    g.release();
    await stopping;
    await pass;
    expect(g.sends).toHaveLength(1);
    const after = await rows();
    expect(after.filter((r) => r.status === 'sent')).toHaveLength(1);
    // Neither of the others is held for the claim's five minutes.
    expect(after.filter((r) => r.status === 'pending')).toEqual([
      expect.objectContaining({ attempts: 0, due: true }),
      expect.objectContaining({ attempts: 0, due: true }),
    ]);
  });

  it('does not mark an e-mail sent, or failed, once its claim ran out and another process took it', async () => {
    await queue(1);
    for (const outcome of ['sent', 'failed'] as const) {
      await t.db.updateTable('mailOutbox').set({ nextAttemptAt: new Date(Date.now() - 1000), attempts: 0, status: 'pending' }).execute();
      const logged: string[] = [];
      const transport: MailTransport = {
        send: async () => {
          // Meanwhile the claim ran out and another process claimed the e-mail (a new lease).
          await sql`UPDATE mail_outbox SET next_attempt_at = now() + interval '7 minutes'`.execute(t.db);
          if (outcome === 'failed') throw new Error('451 try later');
        },
        close: () => undefined,
      };
      const worker = new MailWorker(t.db, transport, 'hotline@example.org', (msg) => logged.push(msg));
      expect(await worker.tick()).toBe(0);
      await worker.stop();
      const [row] = await t.db.selectFrom('mailOutbox').select(['status', 'attempts', 'lastError', sql<boolean>`next_attempt_at > now() + interval '6 minutes'`.as('othersLease')]).execute();
      // The other process's claim is untouched: it will record what happens.
      expect(row).toEqual({ status: 'pending', attempts: 0, lastError: null, othersLease: true });
      if (outcome === 'sent') expect(logged.join('\n')).toMatch(/claim ran out/);
    }
  });

  it('marks a sent e-mail sent while its claim is held', async () => {
    await queue(2);
    const sends: OutgoingMail[] = [];
    const worker = new MailWorker(t.db, { send: async (m) => void sends.push(m), close: () => undefined }, 'hotline@example.org', () => undefined);
    expect(await worker.tick()).toBe(2);
    await worker.stop();
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(sends.map((s) => s.to).sort()).toEqual(['r0@example.org', 'r1@example.org']);
  });
});

describe('the SMTP transport', () => {
  it('waits for the server well within the claim', () => {
    for (const ms of Object.values(SMTP_TIMEOUTS)) expect(ms).toBeLessThanOrEqual(60_000);
    expect(SEND_DEADLINE_MS * 2).toBeLessThanOrEqual(LEASE_SECONDS * 1000);
  });

  it('gives up a send to a server that never answers at its deadline', async () => {
    const sockets: net.Socket[] = [];
    // Accepts the connection and then says nothing (no greeting).
    const silent = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const transport = smtpTransport(`smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, 300);
    try {
      const began = Date.now();
      await expect(transport.send({ from: 'a@example.org', to: 'b@example.org', subject: 's', text: 't' })).rejects.toThrow();
      expect(Date.now() - began).toBeLessThan(5_000);
    } finally {
      transport.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
