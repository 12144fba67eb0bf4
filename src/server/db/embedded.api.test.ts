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
