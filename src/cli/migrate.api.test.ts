import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../test/helpers/db.ts';
import { latestSchemaVersion, type Db } from '../server/db/database.ts';
import { ROLES } from '../shared/roles.ts';
import { appliedSchemaVersion, migrateCommand } from './commands/migrate.ts';

let t: Awaited<ReturnType<typeof cloneTestDatabase>>;
let db: Db;
beforeAll(async () => {
  t = await cloneTestDatabase();
  db = t.db;
});
afterAll(() => t.drop());

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = path.resolve(import.meta.dirname, '../..');
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } }, (_e, stdout, stderr) =>
      resolve({ code: child.exitCode ?? -1, stdout, stderr }),
    );
  });
}

describe('migrate', () => {
  it('on an up-to-date database runs nothing and says so, through the real CLI', async () => {
    const r = await cli(['migrate'], { DATABASE_URL: t.url });
    expect(r).toMatchObject({ code: 0, stdout: `The schema is up to date (${latestSchemaVersion()}); no migration ran.\n` });
  });

  it('on an empty database runs every migration and adds the built-in roles', async () => {
    await sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public`.execute(db);
    expect(await appliedSchemaVersion(db)).toBeNull();
    const r = await migrateCommand(db);
    expect(r.applied.at(-1)).toBe(latestSchemaVersion());
    expect(r.schemaVersion).toBe(latestSchemaVersion());
    const roles = await db.selectFrom('roles').select('code').execute();
    expect(roles.map((x) => x.code).sort()).toEqual([...ROLES].sort());
  });
});

describe('the embedded data folder', () => {
  it('held by a running process: the CLI exits 1 and says to stop the server', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-locked-'));
    // This test process is alive, so the folder counts as held by it.
    fs.writeFileSync(path.join(dir, 'pathway.pid'), String(process.pid));
    const r = await cli(['audit', 'verify'], { PATHWAY_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The data folder ${dir} is in use by another Pathway process (pid ${process.pid})`);
    expect(r.stderr).toContain('stop the server first');
    expect(fs.readFileSync(path.join(dir, 'pathway.pid'), 'utf8')).toBe(String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
