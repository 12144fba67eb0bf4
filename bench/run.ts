/**
 * `npm run bench -- --out results.json [--scenario name]... [--duration 10] [--connections 10] [--processes 1] [--load wrk [--rate 1500]]`
 * Fresh database, the real server as a child process (or N of them behind a round-robin proxy), then
 * each scenario's timed loop of requests over loopback; results as JSON. See docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../src/server/audit/audit.ts';
import { createDb, migrateToLatest, type Db } from '../src/server/db/database.ts';
import { createAgency } from '../src/server/modules/agencies/service.ts';
import { ensureRoles } from '../src/server/modules/roles/service.ts';
import { createUser } from '../src/server/modules/users/service.ts';
import { runLoad, type LoadResult } from './load.ts';
import { startNginx } from './nginx.ts';
import { PREPARED_PER_SECOND, runWrk, WRK_MAX_DURATION_S } from './wrk.ts';
import { loadScenarios } from './registry.ts';
import type { BenchContext, BenchSession, BenchUser } from './scenario.ts';
import { BENCH_SECRET_KEY, cpuSeconds, freshDatabase, peakRssMb, postgresCpuSeconds, resetPeakRss, startProxy, startServer, type ProxyProcess, type ServerProcess } from './server.ts';

export type ScenarioResult = {
  scenario: string;
  description: string;
  connections: number;
  /** How many server processes served the run (`--processes`). */
  processes: number;
  /** The highest of the server processes' peaks. */
  serverPeakRssMb: number | null;
  serverPeakRssMbByProcess: (number | null)[];
  /** CPU seconds (user + system) each server process used in the timed loop. */
  serverCpuSByProcess: (number | null)[];
  /** The proxy's, when there is one (with `--processes` above 1, or `--proxy`). */
  proxyPeakRssMb: number | null;
  proxyCpuS: number | null;
  /** CPU seconds of the bench's own process (the load generator) and of all PostgreSQL processes in the timed loop. */
  loadCpuS: number;
  postgresCpuS: number | null;
  /** How many requests of the timed loop the proxy sent to each server process; null without the proxy. */
  requestsByProcess: number[] | null;
} & LoadResult;

const say = (line: string) => process.stderr.write(`${line}\n`);

function parseOptions() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string' },
      warmup: { type: 'string', default: '1' },
      requests: { type: 'string' },
      processes: { type: 'string', default: '1' },
      proxy: { type: 'boolean', default: false },
      'proxy-server': { type: 'string', default: 'node' },
      load: { type: 'string', default: 'node' },
      rate: { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });
  const oneOf = <T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T => {
    if (!allowed.includes(v as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
  const num = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return n;
  };
  return {
    out: values.out,
    list: values.list,
    scenarios: values.scenario ?? [],
    durationS: num('duration', values.duration, 0.1),
    connections: Math.floor(num('connections', values.connections ?? '10', 1)),
    connectionsGiven: values.connections !== undefined,
    warmupS: num('warmup', values.warmup, 0),
    maxRequests: values.requests === undefined ? undefined : Math.floor(num('requests', values.requests, 1)),
    processes: Math.floor(num('processes', values.processes, 1)),
    // One process is served directly unless --proxy asks for the proxy in front of it too (to see the proxy's own cost).
    proxy: values.proxy || Number(values.processes) >= 2,
    proxyServer: oneOf('proxy-server', values['proxy-server'], ['node', 'nginx'] as const),
    load: oneOf('load', values.load, ['node', 'wrk'] as const),
    // Requests a second on a schedule (an open loop) instead of each connection's next on its answer.
    ratePerSecond: values.rate === undefined ? undefined : num('rate', values.rate, 1),
  };
}

function checkOptions(o: ReturnType<typeof parseOptions>) {
  if (o.ratePerSecond !== undefined && o.load !== 'wrk') throw new Error('--rate needs --load wrk');
  if (o.ratePerSecond !== undefined && o.ratePerSecond > PREPARED_PER_SECOND) throw new Error(`--rate is at most ${PREPARED_PER_SECOND} (the requests are made before the run)`);
  if (o.load === 'wrk') {
    if (o.maxRequests !== undefined) throw new Error('--requests is not supported with --load wrk');
    if (o.durationS > WRK_MAX_DURATION_S) throw new Error(`--load wrk runs at most ${WRK_MAX_DURATION_S} s`);
    if (!fs.existsSync('/usr/bin/wrk')) throw new Error('--load wrk needs Debian\'s wrk (apt-get install wrk)');
  }
  if (o.proxy && o.proxyServer === 'nginx' && !fs.existsSync('/usr/sbin/nginx')) throw new Error('--proxy-server nginx needs Debian\'s nginx (apt-get install nginx-light)');
  return o;
}

/** An agency by name: the one a kept database already has, or a new one. */
async function benchAgency(db: Db, name: string, type: 'ngo' | 'coordinator'): Promise<{ id: string }> {
  return (await db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirst()) ?? (await createAgency(db, SYSTEM_ACTOR, { name, type }));
}

/** A user by email: the one a kept database already has (same password), or a new one. */
async function benchUser(db: Db, email: string, agencyId: string, roles: ('administrator' | 'case_worker' | 'operator' | 'supervisor')[]): Promise<BenchUser> {
  const password = 'benchmark password 1';
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) return { id: existing.id, email, password, agencyId };
  const { user } = await createUser(db, SYSTEM_ACTOR, { email, name: email, language: 'en', agencyId, roles, isServiceAccount: false, password });
  return { id: user.id, email, password, agencyId };
}

async function prepareHotline(db: Db): Promise<{ agencyId: string; operator: BenchUser; supervisor: BenchUser }> {
  const agency = await benchAgency(db, 'Benchmark hotline', 'ngo');
  const make = (email: string, role: 'operator' | 'supervisor') => benchUser(db, email, agency.id, [role]);
  return { agencyId: agency.id, operator: await make('operator@bench.pathway.local', 'operator'), supervisor: await make('supervisor@bench.pathway.local', 'supervisor') };
}

async function prepareUsers(db: Db): Promise<{ admin: BenchUser; user: BenchUser }> {
  const agency = await benchAgency(db, 'Benchmark agency', 'coordinator');
  const make = (email: string, roles: ('administrator' | 'case_worker')[]) => benchUser(db, email, agency.id, roles);
  return { admin: await make('admin@bench.pathway.local', ['administrator']), user: await make('user@bench.pathway.local', ['case_worker']) };
}

let signIns = 0;
async function signIn(baseUrl: string, user: BenchUser): Promise<BenchSession> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${++signIns % 250}` },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${user.email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pathway_session='))?.split(';')[0];
  if (!cookie) throw new Error('sign-in gave no session cookie');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

function machine(postgres: string, databaseKind: string) {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    postgres,
    database: databaseKind,
    commit,
  };
}

async function main(): Promise<void> {
  const opts = checkOptions(parseOptions());
  const all = await loadScenarios();
  if (opts.list) {
    for (const s of all) process.stdout.write(`${s.name.padEnd(20)} ${s.description}\n`);
    return;
  }
  if (!opts.out) throw new Error('give --out results.json (and optionally --scenario, --duration, --connections)');
  const unknown = opts.scenarios.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')}; there are: ${all.map((s) => s.name).join(', ')}`);
  const chosen = opts.scenarios.length > 0 ? all.filter((s) => opts.scenarios.includes(s.name)) : all;

  const database = await freshDatabase(say);
  const db = createDb(database.url, 2);
  let servers: ServerProcess[] = [];
  let proxy: ProxyProcess | null = null;
  const results: ScenarioResult[] = [];
  try {
    await migrateToLatest(db);
    await ensureRoles(db);
    const { admin, user } = await prepareUsers(db);
    const hotlineSetup = await prepareHotline(db);
    const hotline = { ...hotlineSetup, twilioAuthToken: crypto.randomBytes(16).toString('hex') };
    const postgres = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db)).rows[0]!.v;
    const serverEnv = {
      PATHWAY_HOTLINE_AGENCY_ID: hotline.agencyId,
      PATHWAY_TWILIO_AUTH_TOKEN: hotline.twilioAuthToken,
      // A key of its own, so that the server writes no data/secret.key into the working folder; fixed, as
      // the generated people are sealed under it (a kept database serves many runs).
      PATHWAY_SECRET_KEY: BENCH_SECRET_KEY.toString('base64'),
    };
    // N alike processes on one database, as a deployment runs them (each also runs the reminder sweep and
    // housekeeping: the server has no switch to keep them to one, and they are written to run everywhere).
    const started = await Promise.allSettled(Array.from({ length: opts.processes }, () => startServer(database.url, say, serverEnv)));
    servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (opts.proxy) proxy = opts.proxyServer === 'nginx' ? await startNginx(servers.map((s) => s.port), say) : await startProxy(servers.map((s) => s.port), say);
    const baseUrl = proxy?.baseUrl ?? servers[0]!.baseUrl;
    for (const scenario of chosen) {
      const ctx: BenchContext = { baseUrl, databaseUrl: database.url, db, admin, user, hotline, signIn: (u) => signIn(baseUrl, u), state: {} };
      const connections = opts.connectionsGiven ? opts.connections : (scenario.connections ?? opts.connections);
      if (scenario.measure && opts.ratePerSecond !== undefined) throw new Error(`--rate: ${scenario.name} measures in its own way, not with wrk`);
      const measure = scenario.measure
        ? (o: { connections: number; durationS: number; maxRequests?: number | undefined }, offset: number) => scenario.measure!(ctx, { ...o, offset })
        : opts.load === 'wrk'
          ? (o: { connections: number; durationS: number; maxRequests?: number | undefined }, offset: number) => runWrk({ baseUrl, ...o, ratePerSecond: opts.ratePerSecond }, (n) => scenario.request(ctx, n + offset))
          : (o: { connections: number; durationS: number; maxRequests?: number | undefined }, offset: number) => runLoad({ baseUrl, ...o }, (n) => scenario.request(ctx, n + offset));
      await scenario.setup?.(ctx);
      try {
        if (opts.warmupS > 0) await measure({ connections, durationS: opts.warmupS }, 1_000_000);
        const pids = [...servers.map((s) => s.pid), ...(proxy ? [proxy.pid] : [])];
        const peakIsPerScenario = pids.map((pid) => resetPeakRss(pid)).every(Boolean);
        await proxy?.reset();
        const cpuBefore = pids.map((pid) => cpuSeconds(pid));
        const loadBefore = process.cpuUsage();
        const postgresBefore = postgresCpuSeconds();
        say(`bench: ${scenario.name} for ${opts.durationS}s over ${connections} connections${opts.ratePerSecond === undefined ? '' : ` at ${opts.ratePerSecond} requests a second`}${proxy ? ` through the proxy to ${servers.length} process${servers.length === 1 ? '' : 'es'}` : ''}`);
        const load: LoadResult & { loadCpuS?: number; lateSends?: number | null; maxLateMs?: number | null } = await measure({ connections, durationS: opts.durationS, maxRequests: opts.maxRequests }, 0);
        const loadUsage = process.cpuUsage(loadBefore);
        const postgresAfter = postgresCpuSeconds();
        const cpu = pids.map((pid, i) => {
          const [after, before] = [cpuSeconds(pid), cpuBefore[i]];
          return after === null || before === null || before === undefined ? null : Math.round((after - before) * 100) / 100;
        });
        const peaks = servers.map((s) => peakRssMb(s.pid));
        const known = peaks.filter((p): p is number => p !== null);
        const result: ScenarioResult = {
          scenario: scenario.name,
          description: scenario.description,
          connections,
          processes: servers.length,
          ...load,
          serverPeakRssMb: known.length > 0 ? Math.max(...known) : null,
          serverPeakRssMbByProcess: peaks,
          serverCpuSByProcess: cpu.slice(0, servers.length),
          proxyPeakRssMb: proxy ? peakRssMb(proxy.pid) : null,
          proxyCpuS: proxy ? (cpu[servers.length] ?? null) : null,
          requestsByProcess: proxy ? await proxy.requests() : null,
          // This process (it also reads the live streams); with --load wrk, wrk's and this process's during the run.
          loadCpuS: load.loadCpuS ?? Math.round((loadUsage.user + loadUsage.system) / 10_000) / 100,
          postgresCpuS: postgresBefore === null || postgresAfter === null ? null : Math.round((postgresAfter - postgresBefore) * 100) / 100,
        };
        if (!peakIsPerScenario) say('bench: could not reset the peak RSS; serverPeakRssMb is the peak since start');
        results.push(result);
        say(`  ${result.opsPerSec} req/s  p50 ${result.p50Ms} ms  p95 ${result.p95Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}  peak RSS ${peaks.join(' + ')} MB`);
        say(`  CPU: servers ${result.serverCpuSByProcess.join(' + ')} s, load generator ${result.loadCpuS} s, PostgreSQL ${result.postgresCpuS ?? '?'} s${proxy ? `, proxy ${result.proxyCpuS} s` : ''}`);
        if (proxy) say(`  requests by process ${result.requestsByProcess!.join(' / ')}  proxy peak RSS ${result.proxyPeakRssMb} MB, CPU ${result.proxyCpuS} s; servers' CPU ${result.serverCpuSByProcess.join(' + ')} s`);
        if (load.lateSends !== undefined && load.lateSends !== null) say(`  sent on schedule at ${opts.ratePerSecond}/s: ${load.lateSends} sends more than 5 ms late, at most ${load.maxLateMs} ms`);
        if (result.errorSample) say(`  first error: ${result.errorSample}`);
      } finally {
        await scenario.teardown?.(ctx);
      }
    }
    const report = { machine: machine(postgres, database.kept ? `kept (${process.env.BENCH_DATABASE_NAME})` : process.env.BENCH_DATABASE_URL ? 'external' : 'embedded'), startedAt: new Date().toISOString(), options: { durationS: opts.durationS, connections: opts.connections, warmupS: opts.warmupS, processes: opts.processes, proxy: opts.proxy, proxyServer: opts.proxy ? opts.proxyServer : null, load: opts.load, ratePerSecond: opts.ratePerSecond ?? null }, results };
    fs.writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
    say(`bench: results written to ${opts.out}`);
  } finally {
    await proxy?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await db.destroy();
    await database.drop();
  }
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  say(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
