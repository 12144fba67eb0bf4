import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../../src/server/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/server/db/embedded.ts';
import { ensureRoles } from '../../src/server/modules/roles/service.ts';
import { deriveKeys } from '../../src/server/crypto/keys.ts';
import { runDataSteps } from '../../src/server/db/data-steps.ts';
import { withDatabase } from './urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    templateDb: string;
  }
}

type Shared = { url: string; templateDb: string; embedded: EmbeddedServer | null; users: number };
const KEY = Symbol.for('pathway.test.postgres');
const store = globalThis as unknown as Record<symbol, Promise<Shared> | undefined>;

async function start(): Promise<Shared> {
  let embedded: EmbeddedServer | null = null;
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // Under the system's temporary folder, which the unprivileged server user can reach even when
    // the checkout is in a private home folder.
    const tag = crypto.createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8);
    const dir = path.join(os.tmpdir(), `pathway-test-postgres-${tag}`);
    embedded = await startEmbeddedPostgres(dir, (l) => fs.appendFileSync(`${dir}.log`, `${l}\n`));
    url = embedded.url;
  }
  const templateDb = `pathway_tpl_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDb}`);
  await admin.end();
  const db = createDb(withDatabase(url, templateDb), 2);
  await migrateToLatest(db);
  // The data steps as the server runs them, under the tests' master key (TEST_SECRET_KEY in app.ts).
  await runDataSteps(db, deriveKeys(Buffer.alloc(32, 7)));
  await ensureRoles(db);
  await db.destroy();
  return { url, templateDb, embedded, users: 0 };
}

/**
 * One PostgreSQL for the whole run (every project of it): TEST_DATABASE_URL's server, or an embedded
 * one kept under node_modules/.cache. Migrations run once into a template database; each test file
 * clones it (see db.ts).
 */
export default async function setup(project: TestProject) {
  store[KEY] ??= start();
  const shared = await store[KEY];
  shared.users++;
  project.provide('pgUrl', shared.url);
  project.provide('templateDb', shared.templateDb);

  return async () => {
    if (--shared.users > 0) return;
    store[KEY] = undefined;
    const admin = new pg.Client({ connectionString: shared.url });
    admin.on('error', () => {});
    await admin.connect();
    const rows = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      shared.templateDb,
      `pathway_t_${process.pid}_%`,
    ]);
    for (const r of rows.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
    await shared.embedded?.stop();
  };
}
