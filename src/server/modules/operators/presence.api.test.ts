import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../../../../test/helpers/app.ts';

/**
 * A shortened window (45 s by default): streams beat every second, a closed console's operator is
 * offline one second after it closed (the grace for a reload), one whose streams stopped beating
 * after three.
 */
const TIMEOUT_SECONDS = 3;

let t: TestApp;
let base: string;
let agency: string;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp({ presenceTimeoutSeconds: TIMEOUT_SECONDS });
  agency = (await makeAgency(t.db, { type: 'government' })).id;
  supervisor = await signIn(t.app, (await makeUser(t.db, { roles: ['supervisor'], agencyId: agency })).email);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

type Console = { events: { event: string; data: Record<string, unknown> }[]; close: () => void };
/** Opens the console's live stream, as the browser does, and resolves once it is `ready`. */
function openConsole(s: Session): Promise<Console> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/contacts/stream`, { headers: { cookie: s.cookie } }, (res) => {
      const events: Console['events'] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || !data) continue;
          events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          if (event === 'ready') resolve({ events, close: () => req.destroy() });
        }
      });
    });
    req.on('error', reject);
  });
}

const stateOf = async (s: Session) => ((await t.app.inject({ method: 'GET', url: '/api/v1/operator/state', headers: s.headers })).json() as { state: string | null }).state;
const setState = (s: Session, state: string) => t.app.inject({ method: 'PUT', url: '/api/v1/operator/state', headers: s.headers, payload: { state } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function operator() {
  const u = await makeUser(t.db, { roles: ['operator'], agencyId: agency });
  return { id: u.id, session: await signIn(t.app, u.email) };
}

describe("an operator's presence follows their open console", () => {
  it('available while the console is open; offline within the window after it closes, audited and pushed to the supervisor', async () => {
    const op = await operator();
    const watch = await openConsole(supervisor);
    const consoleStream = await openConsole(op.session);
    expect((await setState(op.session, 'available')).statusCode).toBe(200);
    // The open console beats: well past the window the operator is still available.
    await sleep(TIMEOUT_SECONDS * 2500);
    expect(await stateOf(op.session)).toBe('available');

    const closedAt = Date.now();
    consoleStream.close();
    await expect.poll(() => stateOf(op.session), { timeout: TIMEOUT_SECONDS * 4000, interval: 100 }).toBe('offline');
    // The closed stream is noticed at once, a grace of a second later: well within the window.
    expect(Date.now() - closedAt).toBeLessThan(TIMEOUT_SECONDS * 1000);
    await expect.poll(() => watch.events.some((e) => e.event === 'operator_state' && e.data.userId === op.id && e.data.state === 'offline'), { timeout: 2000 }).toBe(true);
    const overview = (await t.app.inject({ method: 'GET', url: '/api/v1/supervisor/overview', headers: supervisor.headers })).json() as { operators: { userId: string; state: string }[] };
    expect(overview.operators.find((o) => o.userId === op.id)?.state).toBe('offline');
    const entry = await t.db.selectFrom('auditLog').select(['actorUserId', 'via', 'changes']).where('action', '=', 'operator.state_changed').where('recordId', '=', op.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toEqual({ actorUserId: null, via: 'system', changes: { state: { old: 'available', new: 'offline' }, automatic: true, cause: 'console_closed' } });
    // Back at the console, the operator chooses again.
    const again = await openConsole(op.session);
    expect((await setState(op.session, 'available')).statusCode).toBe(200);
    expect(await stateOf(op.session)).toBe('available');
    again.close();
    watch.close();
  });

  it('a second open console (another tab) keeps the operator present when one closes', async () => {
    const op = await operator();
    const tab1 = await openConsole(op.session);
    const tab2 = await openConsole(op.session);
    await setState(op.session, 'break');
    tab1.close();
    await sleep(TIMEOUT_SECONDS * 2500);
    expect(await stateOf(op.session)).toBe('break');
    tab2.close();
    await expect.poll(() => stateOf(op.session), { timeout: TIMEOUT_SECONDS * 4000, interval: 100 }).toBe('offline');
  });

  it('a reload (the console reconnecting within the grace) keeps the state', async () => {
    const op = await operator();
    const before = await openConsole(op.session);
    await setState(op.session, 'available');
    before.close();
    const after = await openConsole(op.session);
    await sleep(TIMEOUT_SECONDS * 1500);
    expect(await stateOf(op.session)).toBe('available');
    after.close();
  });

  it('a console whose stream stopped beating without closing (its server died) is offline once the window passes', async () => {
    const op = await operator();
    await setState(op.session, 'available');
    // What a process that has just died leaves: its console's stream row, beaten a moment ago, and
    // no one to beat it again or to close it.
    const diedAt = Date.now();
    await t.db.insertInto('consoleStreams').values({ id: crypto.randomUUID(), userId: op.id, seenAt: new Date(diedAt) }).execute();
    await t.db.updateTable('operatorStates').set({ consoleSeenAt: new Date(diedAt) }).where('userId', '=', op.id).execute();
    await sleep(TIMEOUT_SECONDS * 500);
    expect(await stateOf(op.session)).toBe('available');
    await expect.poll(() => stateOf(op.session), { timeout: TIMEOUT_SECONDS * 3000, interval: 100 }).toBe('offline');
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000);
  });

  it('leaves alone an operator on a contact, and one whose state was set without ever opening a console', async () => {
    const apiOnly = await operator();
    await setState(apiOnly.session, 'available');
    const onContact = await operator();
    const c = await openConsole(onContact.session);
    const entered = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: onContact.session.headers, payload: { channel: 'walk_in' } });
    expect(entered.statusCode).toBe(201);
    expect(await stateOf(onContact.session)).toBe('on_contact');
    c.close();
    await sleep(TIMEOUT_SECONDS * 3000);
    expect(await stateOf(onContact.session)).toBe('on_contact');
    expect(await stateOf(apiOnly.session)).toBe('available');
  });
});
