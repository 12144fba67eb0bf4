import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, runningEmbeddedUrl, startEmbeddedPostgres } from './embedded.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-embedded-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lockFile = path.join(dir, 'pathway.pid');
const ping = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query<{ one: number }>('SELECT 1 AS one');
  await c.end();
  return r.rows[0]!.one;
};

describe('the data folder lock', () => {
  it('is taken over from a pid that now belongs to another program, and from our own pid left by a previous life', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const sleeper = spawn('sleep', ['60']);
    try {
      fs.writeFileSync(lockFile, String(sleeper.pid));
      const server = await startEmbeddedPostgres(dir);
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      expect(await ping(server.url)).toBe(1);
      expect(runningEmbeddedUrl(dir)).toBe(server.url);

      // The same process asking again while it holds the folder is refused, not let through.
      await expect(startEmbeddedPostgres(dir)).rejects.toBeInstanceOf(DataDirInUseError);
      expect(await ping(server.url)).toBe(1);
      await server.stop();
      expect(runningEmbeddedUrl(dir)).toBeNull();
    } finally {
      sleeper.kill();
    }

    // A restarted container gives Pathway the pid it had before the crash.
    fs.writeFileSync(lockFile, String(process.pid));
    const again = await startEmbeddedPostgres(dir);
    expect(await ping(again.url)).toBe(1);
    await again.stop();
  }, 90_000);
});

describe('supervision of the embedded PostgreSQL', () => {
  it('starts a killed postmaster again on the same data and port, with every committed row', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-supervised-'));
    const lines: string[] = [];
    const server = await startEmbeddedPostgres(folder, (l) => lines.push(l));
    try {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query('CREATE TABLE kept (n int)');
      await c.query('INSERT INTO kept SELECT generate_series(1, 100)');
      c.on('error', () => undefined); // its server is about to die under it
      const pidFile = path.join(folder, 'postgres', 'postmaster.pid');
      const before = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      process.kill(before, 'SIGKILL');

      const until = Date.now() + 30_000;
      let answered = 0;
      while (Date.now() < until) {
        try {
          const again = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
          again.on('error', () => undefined);
          await again.connect();
          answered = Number((await again.query<{ n: string }>('SELECT count(*) AS n FROM kept')).rows[0]!.n);
          await again.end();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(answered).toBe(100);
      const after = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      expect(after).not.toBe(before);
      expect(server.state()).toEqual({ up: true, restarts: 1, lastExit: 'signal SIGKILL' });
      expect(lines.join('\n')).toContain('starting it again on the same data');
      expect(runningEmbeddedUrl(folder)).toBe(server.url);
      await c.end().catch(() => undefined);
    } finally {
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
    // Stopped on purpose: not started again.
    await new Promise((r) => setTimeout(r, 500));
    expect(server.state().restarts).toBe(1);
  }, 90_000);
});
