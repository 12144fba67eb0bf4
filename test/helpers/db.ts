import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/server/db/database.ts';
import { withDatabase } from './urls.ts';

/** A fresh database for one test file, cloned from the migrated template in milliseconds. */
export async function cloneTestDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const base = inject('pgUrl');
  const template = inject('templateDb');
  const ppid = template.split('_')[2];
  const name = `pathway_t_${ppid}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  // Only one clone may read the template at a time; retry while another clone is in progress.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (e) {
      if (attempt > 50 || !/being accessed by other users/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = withDatabase(base, name);
  const db = createDb(url, 5);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
