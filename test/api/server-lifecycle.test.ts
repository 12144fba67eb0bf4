import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/server/db/embedded.ts';
import { cloneTestDatabase } from '../helpers/db.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-lifecycle-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startServer(port: number, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: { ...process.env, PATHWAY_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, PATHWAY_DATA_DIR: dataDir, DATABASE_URL: '', PATHWAY_BACKUP_PASSPHRASE: 'lifecycle test passphrase' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out };
}

async function waitFor(run: Run, text: string | RegExp, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (typeof text === 'string' ? run.output().includes(text) : text.test(run.output())) return;
    if (run.child.exitCode !== null) throw new Error(`server exited early:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${String(text)}:\n${run.output()}`);
}

const postmasterPid = () => {
  const file = path.join(dataDir, 'postgres', 'postmaster.pid');
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').split('\n')[0]) : null;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start with the embedded PostgreSQL', () => {
  it('initialises, serves, refuses a second process on the same data, stops cleanly on SIGINT and reuses the data', async () => {
    const port = await freePort();
    const first = startServer(port, { PATHWAY_ADMIN_EMAIL: 'admin@example.org', PATHWAY_ADMIN_PASSWORD: 'first start password' });
    await waitFor(first, 'is running at');
    expect(first.output()).toContain('administrator admin@example.org created');

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'embedded', version: expect.any(String) });
    const pgPid = postmasterPid();
    expect(pgPid).not.toBeNull();
    const opts = fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.opts'), 'utf8');
    expect(opts).toContain('listen_addresses=127.0.0.1');
    expect(opts).not.toMatch(/-p"? "?5432\b/);
    expect(fs.statSync(path.join(dataDir, 'postgres-password')).mode & 0o077).toBe(0);

    // Command-line tools work beside the running server, except restore, which needs it stopped.
    const backupFile = path.join(dataDir, 'snapshot.pathway.gz');
    const verify = await runCli(['audit', 'verify']);
    expect(verify.code, verify.out).toBe(0);
    const backup = await runCli(['backup', '--out', backupFile]);
    expect(backup.code, backup.out).toBe(0);
    expect(fs.statSync(backupFile).size).toBeGreaterThan(100);
    const restore = await runCli(['restore', '--in', backupFile, '--force']);
    expect(restore.code).toBe(1);
    expect(restore.out).toMatch(/in use by another Pathway process/);

    const second = startServer(await freePort());
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by another Pathway process \(pid \d+\)/);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(alive(pgPid!)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pathway.pid'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);

    // A second start finds the administrator made by the first: the data was kept.
    const port2 = await freePort();
    const again = startServer(port2);
    await waitFor(again, 'is running at');
    expect(again.output()).not.toContain('setup');
    const login = await fetch(`http://127.0.0.1:${port2}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.org', password: 'first start password' }),
    });
    expect(login.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);

    // The demo, with its published password, refuses to join real accounts.
    const demo = startServer(await freePort(), { PATHWAY_DEMO: '1' });
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toMatch(/DEMO refused: this database has real users \(admin@example.org\)/);
    expect(fs.existsSync(path.join(dataDir, 'pathway.pid'))).toBe(false);

    // A port already taken: a one-line refusal, and the embedded PostgreSQL is not left behind.
    const blocker = net.createServer();
    const busyPort = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const busy = startServer(busyPort);
      expect(await busy.exited).toBe(1);
      expect(busy.output()).toContain(`Port ${busyPort} on 127.0.0.1 is in use`);
      const leftover = postmasterPid();
      expect(leftover === null || !alive(leftover)).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'pathway.pid'))).toBe(false);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('with DATABASE_URL uses that server and starts no embedded one', async () => {
    const { url, drop } = await cloneTestDatabase();
    const externalDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-external-'));
    try {
      const port = await freePort();
      const run = startServer(port, { DATABASE_URL: url, PATHWAY_DATA_DIR: externalDir });
      await waitFor(run, 'is running at');
      expect(run.output()).toContain('using the PostgreSQL at DATABASE_URL');
      expect(run.output()).toMatch(/setup#token=[\w-]{40,}/);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect((await health.json()).database).toBe('external');
      expect(fs.existsSync(path.join(externalDir, 'postgres'))).toBe(false);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);

      // A disk store for documents whose folder cannot be made refuses the start, naming the variable.
      const blocker = path.join(externalDir, 'a-file');
      fs.writeFileSync(blocker, 'x');
      const refused = startServer(await freePort(), { DATABASE_URL: url, PATHWAY_DATA_DIR: externalDir, PATHWAY_DOCUMENT_STORE: 'disk', PATHWAY_DOCUMENT_DIR: path.join(blocker, 'documents') });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toMatch(/PATHWAY_DOCUMENT_DIR: the folder .* cannot be created or written \(ENOTDIR\)/);
      // With a folder it can make, it starts and says where documents go.
      const disk = startServer(await freePort(), { DATABASE_URL: url, PATHWAY_DATA_DIR: externalDir, PATHWAY_DOCUMENT_STORE: 'disk' });
      await waitFor(disk, 'is running at');
      expect(disk.output()).toContain(`case documents are stored encrypted in ${path.join(externalDir, 'documents')}`);
      expect(fs.statSync(path.join(externalDir, 'documents')).mode & 0o777).toBe(0o700);
      disk.child.kill('SIGINT');
      expect(await disk.exited).toBe(0);
    } finally {
      fs.rmSync(externalDir, { recursive: true, force: true });
      await drop();
    }
  }, 60_000);
});
