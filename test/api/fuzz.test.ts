import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, makeAgency, makeUser, signIn, type Session, type TestApp } from '../helpers/app.ts';
import { operationsOf, pathValueFor, payloadFor, queryFor, type Operation, type Payload } from '../helpers/fuzz.ts';
import { ROLES, type Role } from '../../src/shared/roles.ts';

/**
 * A bounded property-based fuzzer over every operation of /api/openapi.json: anonymous, and as a
 * signed-in user of every role (with the CSRF token) on real records. Any 5xx, or a request left
 * unanswered, fails the run with the operation and a reproducer. PATHWAY_FUZZ_RUNS sets the requests
 * per operation for signed-in callers (default 10, a third of it anonymously: about 2,300 requests); PATHWAY_FUZZ_SEED replays a run.
 */
const RUNS = Number(process.env.PATHWAY_FUZZ_RUNS ?? 10);
const SEED = Number(process.env.PATHWAY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const ANSWER_WITHIN_MS = 15_000;

type Caller = { name: string; role: Role | null; email?: string; session?: Session };

let t: TestApp;
let ops: Operation[];
let ids: string[];
const callers: Caller[] = [{ name: 'anonymous', role: null }];
let restore: () => Promise<void>;
let requests = 0;
/** Answers by status, printed at the end: shows how many requests got past validation to the handlers. */
const statuses = new Map<number, number>();

beforeAll(async () => {
  // The hotline is configured, so that public reports and telephony webhooks are open to the fuzzer.
  const hotline = crypto.randomUUID();
  t = await createTestApp({ hotlineAgencyId: hotline });
  await t.db.insertInto('agencies').values({ id: hotline, name: 'Hotline', type: 'ngo' }).execute();
  const home = await makeAgency(t.db, { type: 'ngo' });
  const shelter = await makeAgency(t.db, { type: 'shelter' });
  for (const role of ROLES) {
    const u = await makeUser(t.db, { roles: [role], agencyId: home.id });
    callers.push({ name: role, role, email: u.email, session: await signIn(t.app, u.email) });
  }
  await seedRecords(home.id, shelter.id);
  const callerIds = (await t.db.selectFrom('users').select('id').where('agencyId', '=', home.id).execute()).map((u) => u.id);
  ids = await realIds(callerIds);
  ops = operationsOf((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json());
  restore = await snapshotOfCallers(callerIds, [home.id]);
}, 120_000);
afterAll(() => t.close());

const as = (role: Role) => callers.find((c) => c.role === role)!.session!;
async function call(s: Session, method: string, url: string, payload?: object) {
  const res = await t.app.inject({ method: method as 'POST', url: `/api/v1${url}`, headers: s.headers, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; personId?: string };
}

/** A few real records of every kind, so that generated path ids hit existing rows. */
async function seedRecords(home: string, shelter: string) {
  const worker = as('case_worker');
  const shelterWorker = await signIn(t.app, (await makeUser(t.db, { roles: ['case_worker'], agencyId: shelter })).email);
  for (let i = 0; i < 2; i++) {
    const c = await call(worker, 'POST', '/cases', { exploitationForms: ['sexual_exploitation'], region: 'Baku', country: 'AZ' });
    await call(worker, 'POST', `/cases/${c.id}/notes`, { body: 'A note' });
    await call(worker, 'POST', `/cases/${c.id}/events`, { type: 'exploitation', date: '2025-11', city: 'Dubai', country: 'AE' });
    const v = await call(worker, 'POST', `/cases/${c.id}/people`, { role: 'victim', person: { name: { givenName: 'Günay', familyName: 'Quliyeva' }, sex: 'female', citizenship: 'AZE', birthYear: 1990 } });
    await call(worker, 'POST', `/cases/${c.id}/consents`, { personId: v.personId, kind: 'data_sharing', agencyId: shelter, purpose: 'services', givenOn: '2026-01-02', form: 'written' });
    const r = await call(worker, 'POST', `/cases/${c.id}/referrals`, { toAgencyId: shelter, purpose: 'services', serviceType: 'shelter', sections: ['summary', 'people', 'events', 'notes'], reason: 'Needs a safe place' });
    if (i === 0) await call(shelterWorker, 'POST', `/referrals/${r.id}/accept`, {}).catch(() => undefined);
    await call(worker, 'POST', `/cases/${c.id}/tasks`, { title: 'Call the shelter', dueAt: new Date(Date.now() + 86_400_000).toISOString() });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
    await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/documents?name=passport.png&kind=identity_document`, headers: { ...worker.headers, 'content-type': 'image/png' }, payload: png });
  }
  await call(as('operator'), 'POST', '/contacts', { channel: 'walk_in', contactor: { kind: 'phone', value: '+994 50 111 22 33' } });
  await call(as('operator'), 'POST', '/contacts', { channel: 'email' });
  await call(as('administrator'), 'POST', '/providers', { agencyId: shelter, name: 'Shelter Baku', serviceTypes: ['shelter'], regions: ['Baku'], languages: ['az'], capacityTotal: 20 });
  const monitor = as('press_monitor');
  const person = await call(monitor, 'POST', '/press/persons', { name: 'Elmar Huseynov' });
  const incident = await call(monitor, 'POST', '/press/incidents', { title: 'An attack', occurred: '2005-03-02', city: 'Baku', acts: [{ personId: person.id, actType: 'killing' }], involvements: [{ label: 'Unknown', category: 'unknown', degree: 'direct_perpetrator', attribution: 'named_by_authorities' }], legalCases: [{ authority: 'Police', milestones: [{ kind: 'case_opened', occurred: '2005-03-02' }] }], stateRequests: [{ mechanism: 'unesco', requestedOn: '2006-01-10' }] });
  await call(as('press_reviewer'), 'POST', `/press/incidents/${incident.id}/publish`, {});
  await call(as('administrator'), 'POST', '/users', { email: 'target@example.org', name: 'Target User', agencyId: home, roles: ['operator'] }).catch(() => undefined);
}

/** Ids of real rows of every table (the callers' own accounts aside: the fuzzer must not lock itself out). */
const idsByTable = new Map<string, string[]>();

/**
 * The first real row of the table a path names: by the segment before the parameter (cases, incidents
 * -> press_incidents, state-requests -> press_state_requests) or by the parameter (casePersonId -> case_people).
 */
const TABLE_OF_PARAM: Record<string, string> = { casePersonId: 'case_people', eventId: 'case_events', serviceId: 'case_assistance_services', tokenId: 'api_tokens', noteId: 'case_notes', taskId: 'case_tasks', documentId: 'case_documents', consentId: 'case_consents', nameId: 'person_names', messageId: 'contact_messages', escalationId: 'contact_escalations' };
function realIdFor(segment: string | undefined, param: string): string | undefined {
  const name = (segment ?? '').replaceAll('-', '_');
  const byParam = TABLE_OF_PARAM[param];
  for (const table of [...(byParam ? [byParam] : []), name, `press_${name}`, `case_${name}`, `case_assistance_${name}`, `press_${name}s`]) {
    const found = idsByTable.get(table);
    if (found?.length) return found[0];
  }
  return ids[0];
}

async function realIds(exclude: string[]): Promise<string[]> {
  const tables = await sql<{ table: string }>`
    SELECT table_name AS table FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'id' AND data_type = 'uuid' ORDER BY 1`.execute(t.db);
  const out: string[] = [];
  for (const { table } of tables.rows) {
    const rows = await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} ORDER BY random() LIMIT 5`.execute(t.db);
    const own = rows.rows.map((r) => r.id).filter((id) => !exclude.includes(id));
    idsByTable.set(table, own);
    out.push(...own);
  }
  return [...new Set(out)];
}

/** Undoes what the fuzzer may do to its own callers (disable, move, lock, strip roles), so every operation is reached signed in. */
async function snapshotOfCallers(userIds: string[], agencyIds: string[]) {
  const roles = await t.db.selectFrom('roles').selectAll().execute();
  const users = await t.db.selectFrom('users').selectAll().where('id', 'in', userIds).execute();
  const userRoles = await t.db.selectFrom('userRoles').selectAll().where('userId', 'in', userIds).execute();
  return async () => {
    for (const r of roles) await t.db.updateTable('roles').set({ permissions: r.permissions, requireTotp: r.requireTotp }).where('code', '=', r.code).execute();
    for (const u of users)
      await t.db.updateTable('users').set({ agencyId: u.agencyId, disabledAt: null, mustChangePassword: false, passwordHash: u.passwordHash, totpSecret: null, totpEnabledAt: null }).where('id', '=', u.id).execute();
    await t.db.deleteFrom('signInAttempts').where('userId', 'in', userIds).execute();
    await t.db.deleteFrom('userRoles').where('userId', 'in', userIds).execute();
    await t.db.insertInto('userRoles').values(userRoles).execute();
    await t.db.updateTable('agencies').set({ disabledAt: null }).where('id', 'in', agencyIds).execute();
  };
}

type Request = { caller: Caller; method: string; url: string; payload: Payload };

/** The request as a command anyone can paste to reproduce it against a running server. */
function reproducer(r: Request, session: Session | undefined): string {
  const body = r.payload.body === null ? '' : Buffer.isBuffer(r.payload.body) ? ` --data-binary @<(printf '${[...r.payload.body].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('').slice(0, 600)}')` : ` --data-raw ${JSON.stringify(r.payload.body.length > 600 ? `${r.payload.body.slice(0, 600)}… (${r.payload.body.length} chars)` : r.payload.body)}`;
  const headers = [...(r.payload.contentType !== null ? [`-H 'content-type: ${r.payload.contentType}'`] : []), ...(session ? [`-H 'cookie: <session of a ${r.caller.name}>' -H 'x-csrf-token: <its token>'`] : [])].join(' ');
  const url = r.url.length > 600 ? `${r.url.slice(0, 600)}… (${r.url.length} chars)` : r.url;
  return `curl -X ${r.method} ${JSON.stringify(`http://localhost:3000${url}`)} ${headers}${body}   [${r.payload.label}, seed ${SEED}]`;
}

async function send(r: Request): Promise<{ status: number; body: string }> {
  requests++;
  const session = r.caller.session;
  const headers: Record<string, string> = { ...(session?.headers ?? {}) };
  if (r.payload.contentType !== null) headers['content-type'] = r.payload.contentType;
  let timer: NodeJS.Timeout | undefined;
  const answered = t.app
    .inject({ method: r.method as 'GET', url: r.url, headers, ...(r.payload.body !== null ? { payload: r.payload.body } : {}), payloadAsStream: true })
    .then(async (res: LightMyRequestResponse) => {
      const stream = res.stream();
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        stream.destroy();
        return { status: res.statusCode, body: '(a stream)' };
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 500) };
    });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([answered, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request the fuzzer's own callers ended (sign-out, revoked sessions): sign in again. */
async function refresh(caller: Caller, res: { status: number; body: string }) {
  if (!caller.email || (res.status !== 401 && !/password_change_required|totp_setup_required/.test(res.body))) return;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: caller.session!.headers });
  if (me.statusCode === 200) return;
  await restore();
  caller.session = await signIn(t.app, caller.email);
}

function requestArb(op: Operation, who: fc.Arbitrary<Caller>): fc.Arbitrary<Request> {
  return fc.tuple(who, fc.tuple(...op.pathParams.map((p) => pathValueFor(p, ids))), queryFor(op, ids), payloadFor(op, ids)).map(([caller, values, query, payload]) => {
    let path = op.path;
    op.pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i]!)));
    return { caller, method: op.method, url: query ? `${path}?${query}` : path, payload };
  });
}

/** Who most likely may call the operation, so that a broken body gets past the permission check. */
function ownerOf(op: Operation): Caller {
  const role: Role = /\/press\//.test(op.path) ? 'press_monitor' : /\/(users|agencies|roles|providers)\b/.test(op.path) ? 'administrator' : /\/(contacts|telephony|operators)\b/.test(op.path) ? 'operator' : 'case_worker';
  return callers.find((c) => c.role === role)!;
}

/**
 * Requests every run sends, whatever the seed: on real rows, the owner's empty body (an UPDATE without
 * a SET once answered 500) and, anonymously, a body nested 4,000 deep (it once overflowed the stack).
 */
function fixedRequests(op: Operation, anonymous: boolean): Request[] {
  if (!op.body) return [];
  let path = op.path;
  for (const p of op.pathParams) {
    const before = path.slice(0, path.indexOf(`{${p.name}}`)).split('/').filter(Boolean).at(-1);
    path = path.replace(`{${p.name}}`, p.schema?.format === 'uuid' || /id$/i.test(p.name) ? (realIdFor(before, p.name) ?? crypto.randomUUID()) : (p.schema?.enum?.[0] as string | undefined) ?? 'x');
  }
  return anonymous
    ? [{ caller: callers[0]!, method: op.method, url: path, payload: { contentType: 'application/json', body: '{"a":'.repeat(4000) + '1' + '}'.repeat(4000), label: 'nested 4,000 deep' } }]
    : [{ caller: ownerOf(op), method: op.method, url: path, payload: { contentType: 'application/json', body: '{}', label: 'an empty object' } }];
}

describe('fuzzing every operation of the API', () => {
  it(
    'answers every malformed request, of any caller, without a 5xx',
    async () => {
      expect(ops.length).toBeGreaterThan(150);
      const failures: string[] = [];
      const anonymous = fc.constant(callers[0]!);
      const signedIn = fc.constantFrom(...callers.slice(1));
      for (const op of ops) {
        const started = Date.now();
        const before = requests;
        for (const who of [anonymous, signedIn]) {
          const result = await fc.check(
            fc.asyncProperty(requestArb(op, who), async (r) => {
              const res = await send(r).catch((e: Error) => ({ status: 0, body: e.message }));
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              if (res.status >= 500 || res.status === 0) {
                failures.push(`${op.method} ${op.path} as ${r.caller.name}: ${res.status || 'unanswered'} ${res.body}\n    ${reproducer(r, r.caller.session)}`);
                return false;
              }
              await refresh(r.caller, res);
              return true;
            }),
            { numRuns: who === anonymous ? Math.max(2, Math.ceil(RUNS / 3)) : RUNS, seed: SEED, endOnFailure: true, examples: fixedRequests(op, who === anonymous).map((r) => [r] as [Request]) },
          );
          void result;
        }
        // Only these can disable, move, lock or strip the fuzzer's own callers.
        if (/\/(users|roles|agencies|auth|me)\b/.test(op.path)) await restore();
        if (process.env.PATHWAY_FUZZ_VERBOSE) process.stderr.write(`${op.method} ${op.path}: ${requests - before} requests, ${Date.now() - started} ms\n`);
      }
      const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
      console.log(`fuzzed ${ops.length} operations with ${requests} requests (seed ${SEED}, PATHWAY_FUZZ_RUNS=${RUNS}); ${failures.length} failed; answers ${answers}`);
      expect(failures, failures.join('\n')).toEqual([]);
    },
    Math.max(300_000, RUNS * 60_000),
  );

  it(
    'answers raw bytes no client library would send (in the request line, the headers and the body) without a 5xx',
    async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as net.AddressInfo;
      // The socket is not half-closed after the request (Node drops the requests of a client that
      // does, as gone); `Connection: close` ends it. A server that answers before reading a body it
      // does not want closes with unread bytes, which TCP turns into a reset that can overtake the
      // answer: such a request is sent once more.
      const once = (raw: Buffer) =>
        new Promise<string>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
          let answer = '';
          let reset = false;
          socket.setTimeout(ANSWER_WITHIN_MS, () => socket.destroy());
          socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
          socket.on('error', () => (reset = true));
          socket.on('close', () => resolve(answer ? (answer.split('\r\n')[0] ?? '') : reset ? 'reset' : ''));
        });
      const send = async (raw: Buffer) => {
        const first = await once(raw);
        return first === 'reset' ? once(raw) : first;
      };
      const session = callers.find((c) => c.role === 'case_worker')!.session!;
      const paths = ops.map((op) => op.path.replace(/\{[^}]+\}/g, () => ids[0]!));
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
          fc.uint8Array({ minLength: 1, maxLength: 12 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.boolean(),
          async (path, method, junk, body, signedIn) => {
            const where = Buffer.concat([Buffer.from(`${path}${junk[0]! % 2 ? '?q=' : '/'}`), Buffer.from(junk)]);
            const cookie = signedIn ? `Cookie: ${session.cookie}\r\nX-CSRF-Token: ${session.csrf}\r\n` : '';
            const head = Buffer.from(`${method} `);
            const rest = Buffer.from(` HTTP/1.1\r\nHost: localhost\r\n${cookie}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
            const line = await send(Buffer.concat([head, where, rest, Buffer.from(body)]));
            const status = Number(line.split(' ')[1] ?? 0);
            requests++;
            if (!(status >= 200 && status < 500)) failures.push(`${method} ${JSON.stringify(where.toString('latin1'))} with raw body [${[...body].join(",")}], junk [${[...junk].join(",")}], signed in ${signedIn}: ${line || "unanswered"} [seed ${SEED}]`);
            return true;
          },
        ),
        { numRuns: RUNS * 10, seed: SEED },
      );
      expect(failures, failures.join('\n')).toEqual([]);
    },
    Math.max(120_000, RUNS * 12_000),
  );
});
