import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/database.ts';
import type { Role } from '../../src/shared/roles.ts';
import { insertUser } from '../../src/server/modules/users/service.ts';
import { cloneTestDatabase } from './db.ts';
import { sessionCookieName } from '../../src/server/auth/cookies.ts';

/** Tests pass the master key explicitly: nothing is written to a data folder. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

export type TestApp = { app: FastifyInstance; db: Db; url: string; config: Config; close: () => Promise<void> };

/** The real app on its own cloned database, without listen(): requests go through app.inject(). */
export async function createTestApp(overrides: Partial<Config> = {}, deps: Pick<AppDeps, 'delivery' | 'logger'> = {}): Promise<TestApp> {
  const { db, url, drop } = await cloneTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent', loginRatePerMinute: 10_000, publicRatePerMinute: 100_000, ...overrides });
  const app = await buildApp({ config, db, databaseKind: 'external', version: 'test', logger: false, secretKey: TEST_SECRET_KEY, databaseUrl: url, ...deps });
  await app.ready();
  return {
    app,
    db,
    url,
    config,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

let counter = 0;
export const PASSWORD = 'correct horse battery staple';

export async function makeAgency(db: Db, props: { name?: string; type?: 'ngo' | 'police' | 'shelter' | 'government' | 'coordinator' } = {}) {
  counter++;
  return db
    .insertInto('agencies')
    .values({ name: props.name ?? `Agency ${counter} ${Math.random().toString(36).slice(2, 7)}`, type: props.type ?? 'ngo' })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

/** A user with a known password and the given roles, in a new agency unless one is given. */
export async function makeUser(db: Db, props: { roles?: Role[]; agencyId?: string; email?: string; password?: string; isServiceAccount?: boolean } = {}) {
  counter++;
  const agencyId = props.agencyId ?? (await makeAgency(db)).id;
  const email = props.email ?? `user${counter}.${Math.random().toString(36).slice(2, 8)}@example.org`;
  const { id } = await db.transaction().execute((tx) =>
    insertUser(tx, {
      email,
      name: `User ${counter}`,
      language: 'en',
      agencyId,
      roles: props.roles ?? [],
      isServiceAccount: props.isServiceAccount ?? false,
      password: props.isServiceAccount ? undefined : (props.password ?? PASSWORD),
    }),
  );
  return { id, email, agencyId, password: props.password ?? PASSWORD };
}

export type Session = { cookie: string; csrf: string; headers: Record<string, string> };

/** The session cookie a response set (under either of its names, see src/server/auth/cookies.ts), as a `cookie` header. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const names = [sessionCookieName(false), sessionCookieName(true)];
  const c = res.cookies.find((c) => names.includes(c.name));
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD, totp?: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...(totp ? { totp } : {}) } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
