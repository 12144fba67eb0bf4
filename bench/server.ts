import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/server/db/embedded.ts';
import { SERVER_NODE_FLAGS } from '../src/server/node-flags.ts';

/**
 * A database nobody else uses: an embedded PostgreSQL in a temp folder, or a new database at
 * BENCH_DATABASE_URL. With BENCH_DATABASE_NAME as well, that database at BENCH_DATABASE_URL is made
 * once and kept between runs (the generators add nothing to what is there), so the 1,000,000-case
 * dataset is generated once; the harness migrates it to the latest schema on every run.
 */
/**
 * The master key of benchmark servers and generators: fixed, so that a kept database (whose names are
 * sealed under it, docs/nrm.md "Identity at rest") opens in every run. The data is synthetic.
 */
export const BENCH_SECRET_KEY = Buffer.alloc(32, 0x42);

export async function freshDatabase(log: (line: string) => void): Promise<{ url: string; kept: boolean; drop: () => Promise<void> }> {
  const external = process.env.BENCH_DATABASE_URL;
  const keptName = process.env.BENCH_DATABASE_NAME;
  if (keptName !== undefined) {
    if (!external) throw new Error('BENCH_DATABASE_NAME needs BENCH_DATABASE_URL (the server to keep the database on)');
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(keptName)) throw new Error('BENCH_DATABASE_NAME must be a lower-case SQL name (letters, digits, _)');
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [keptName])).rowCount === 1;
    if (!exists) await admin.query(`CREATE DATABASE ${keptName}`);
    await admin.end();
    const u = new URL(external);
    u.pathname = `/${keptName}`;
    log(`bench: ${exists ? 'reusing the kept' : 'created the kept'} database ${keptName} at BENCH_DATABASE_URL`);
    return { url: u.toString(), kept: true, drop: async () => {} };
  }
  if (external) {
    const name = `pathway_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(external);
    u.pathname = `/${name}`;
    log(`bench: database ${name} at BENCH_DATABASE_URL`);
    return {
      url: u.toString(),
      kept: false,
      drop: async () => {
        const c = new pg.Client({ connectionString: external });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-bench-'));
  // As root the embedded server runs as `postgres`, which must be able to reach the folder.
  fs.chmodSync(dir, 0o755);
  log(`bench: embedded PostgreSQL in ${dir}`);
  const embedded = await startEmbeddedPostgres(dir);
  return {
    url: embedded.url,
    kept: false,
    drop: async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ServerProcess = { baseUrl: string; port: number; pid: number; stop: () => Promise<void> };

/** The real server (src/server/main.ts) as a child process on a free loopback port, ready when /api/health answers. */
export async function startServer(databaseUrl: string, log: (line: string) => void, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  // For profiling the server under load, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_SERVER_BUILT=1: the production bundle (`npm run build` first) instead of the sources under tsx.
  const entry = process.env.BENCH_SERVER_BUILT === '1' ? ['dist/server/main.js'] : ['--import', 'tsx', 'src/server/main.ts'];
  // The production flags first (src/server/node-flags.ts); BENCH_SERVER_NODE_ARGS after them wins, e.g. --max-old-space-size=4096.
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, ...entry], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // The login scenario sends each attempt from its own X-Forwarded-For address (see scenarios/login.ts).
      PATHWAY_TRUST_PROXY: '1',
      // The load generator is one address sending hundreds of requests a second to the public API.
      PATHWAY_PUBLIC_RATE_PER_MINUTE: process.env.PATHWAY_PUBLIC_RATE_PER_MINUTE ?? '10000000',
      // glibc's malloc tuning, when given (docs/benchmarks.md, "Memory per process").
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_'))),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // BENCH_SERVER_OUTPUT=dir: each server's output (its warnings, and what flags such as --trace-gc print) also in dir/server-<pid>.log.
  const copyDir = process.env.BENCH_SERVER_OUTPUT;
  if (copyDir) fs.mkdirSync(copyDir, { recursive: true });
  const copy = copyDir ? fs.createWriteStream(path.join(copyDir, `server-${child.pid}.log`)) : null;
  copy?.on('error', (e) => log(`bench: cannot write the server's output: ${e.message}`));
  const take = (d: Buffer) => {
    // Kept for the error when it does not start; not when copied (a long run's trace would fill memory).
    if (!copy || output.length < 100_000) output += d.toString();
    copy?.write(d);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  // 'close', not 'exit': the output may still be arriving when the process has exited.
  child.once('close', () => copy?.end());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${baseUrl}/api/health`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`bench: server pid ${child.pid} at ${baseUrl}`);
  return {
    baseUrl,
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Peak resident memory of a process in MB (VmHWM), or null where /proc has none. */
export function peakRssMb(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Resets the peak (Linux: writing 5 to clear_refs), so each scenario reports its own; false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user + system) a process has used so far, in seconds, or null where /proc has none. */
export function cpuSeconds(pid: number): number | null {
  try {
    // The fields after the command's name (which may hold spaces), from the state on: utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/**
 * CPU time (user + system) used so far by the processes named `postgres` on this machine (the
 * server, its backends and its background writers, and the children they have collected), in
 * seconds; null where /proc has none.
 */
export function postgresCpuSeconds(): number | null {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, and cutime and cstime: a backend that ends is collected by the postmaster,
      // whose children's time then holds what it used, so the sum over a run stays right.
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
      found = true;
    } catch {
      // gone meanwhile
    }
  }
  return found ? total : null;
}
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export type ProxyProcess = {
  baseUrl: string;
  pid: number;
  /** How many requests each backend was sent since the last reset, in the order of the ports given. */
  requests: () => Promise<number[]>;
  /** Sets the counts to zero. */
  reset: () => Promise<void>;
  stop: () => Promise<void>;
};

/** The round-robin proxy (bench/proxy.ts) in front of the given ports, as a child process on a free loopback port. */
export async function startProxy(ports: number[], log: (line: string) => void): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/proxy.ts', ...ports.map(String)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^listening (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the bench proxy exited (${code}) before listening`)));
  });
  let ids = 0;
  const waiting = new Map<number, (requests: number[]) => void>();
  child.on('message', (m: { id: number; requests: number[] }) => {
    waiting.get(m.id)?.(m.requests);
    waiting.delete(m.id);
  });
  const ask = (cmd: 'stats' | 'reset') =>
    new Promise<number[]>((resolve, reject) => {
      const id = ++ids;
      waiting.set(id, resolve);
      child.send({ id, cmd }, (e) => {
        if (e) {
          waiting.delete(id);
          reject(e);
        }
      });
    });
  log(`bench: proxy pid ${child.pid} at ${baseUrl} in front of ${ports.length} server process${ports.length === 1 ? '' : 'es'}`);
  return {
    baseUrl,
    pid: child.pid!,
    requests: () => ask('stats'),
    reset: async () => void (await ask('reset')),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
