import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { percentile } from '../../bench/load.ts';
import { loadScenarios } from '../../bench/registry.ts';
import { startNginx } from '../../bench/nginx.ts';
import { startProxy } from '../../bench/server.ts';
import { rawRequest } from '../../bench/wrk.ts';
import { debianProgram } from '../helpers/debian-package.ts';

/** Runs bench/run.ts with these arguments against the test PostgreSQL; answers its exit code. */
function runBench(args: string[], env: Record<string, string> = {}): Promise<number> {
  const root = path.resolve(import.meta.dirname, '../..');
  return new Promise<number>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', ...args],
      // The bench makes its own database in the test server and drops it after.
      { cwd: root, env: { PATH: process.env.PATH, BENCH_DATABASE_URL: inject('pgUrl'), ...env } },
      (error, _stdout, stderr) => {
        if (error) process.stderr.write(stderr);
      },
    );
    child.on('close', (c) => resolve(c ?? -1));
  });
}

describe('bench harness', () => {
  it('percentile takes the nearest rank', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99), percentile(sorted, 1)]).toEqual([50, 95, 99, 100]);
    expect(percentile(Float64Array.from([7]), 0.99)).toBe(7);
    expect(percentile(new Float64Array(0), 0.5)).toBe(0);
  });

  it('writes a request for wrk as its bytes on the wire', () => {
    const base = new URL('http://127.0.0.1:4000');
    expect(rawRequest(base, { method: 'POST', path: '/api/v1/x', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sig': 'abc' }, rawBody: 'a=1&b=é' })).toBe(
      'POST /api/v1/x HTTP/1.1\r\nhost: 127.0.0.1:4000\r\ncontent-type: application/x-www-form-urlencoded\r\nx-sig: abc\r\ncontent-length: 8\r\n\r\na=1&b=é',
    );
    expect(rawRequest(base, { method: 'POST', path: '/j', body: { a: 1 } })).toBe('POST /j HTTP/1.1\r\nhost: 127.0.0.1:4000\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n{"a":1}');
    expect(rawRequest(base, { method: 'GET', path: '/g' })).toBe('GET /g HTTP/1.1\r\nhost: 127.0.0.1:4000\r\n\r\n');
    // A line break in a header would split the request; a NUL would split the request file.
    expect(() => rawRequest(base, { method: 'GET', path: '/g', headers: { 'x-a': 'b\r\nx-c: d' } })).toThrow(/line break/);
    expect(() => rawRequest(base, { method: 'POST', path: '/g', rawBody: 'a\0b' })).toThrow(/NUL/);
  });

  it('finds every scenario file', async () => {
    const names = (await loadScenarios()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['login', 'me', 'audited-write', 'hotline-dashboard', 'hotline-intake', 'hotline-live', 'hotline-queue']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs every scenario against the real server without errors and writes the results', { timeout: 120_000 }, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-bench-test-'));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const out = path.join(tmp, 'results.json');
    // Small press, people and hotline datasets keep it quick.
    const code = await runBench(['--out', out, '--duration', '0.5', '--connections', '2', '--warmup', '0'], {
      BENCH_PRESS_INCIDENTS: '2000',
      BENCH_PEOPLE: '3000',
      BENCH_OPEN_CONTACTS: '300',
      BENCH_CLOSED_CONTACTS: '300',
      BENCH_DASHBOARD_CONTACTS: '500',
      BENCH_JUSTICE_CASES: '2000',
      BENCH_CONTACTS: '3000',
    });
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { machine: { node: string; cpus: number }; results: Record<string, unknown>[] };
    expect(report.machine).toMatchObject({ node: process.version, cpus: os.cpus().length });
    expect(report.results.map((r) => r.scenario)).toEqual(expect.arrayContaining(['login', 'me', 'audited-write', 'hotline-dashboard', 'hotline-intake', 'hotline-live', 'hotline-queue']));
    for (const r of report.results) {
      expect(r.errors, String(r.scenario)).toBe(0);
      for (const key of ['p50Ms', 'p95Ms', 'p99Ms', 'opsPerSec', 'durationS', 'serverPeakRssMb', 'loadCpuS', 'postgresCpuS']) expect(typeof r[key], key).toBe('number');
      expect(r.requests as number).toBeGreaterThan(0);
      // PostgreSQL (embedded here, or the machine's) and the load generator both worked in the loop.
      expect(r.postgresCpuS as number).toBeGreaterThanOrEqual(0);
      expect(r.loadCpuS as number).toBeGreaterThan(0);
      expect(r.p99Ms as number).toBeGreaterThanOrEqual(r.p50Ms as number);
      expect(r).toMatchObject({ processes: 1, requestsByProcess: null, proxyPeakRssMb: null });
    }
  });

  it.each(['node', 'nginx'] as const)('the %s proxy sends requests to each backend in turn, as the client sent them, and streams answers unbuffered', { timeout: 180_000 }, async (kind) => {
    // Two backends that say who they are and what they were sent; /stream sends one event and waits.
    const streams: http.ServerResponse[] = [];
    const backends = [0, 1].map((n) =>
      http.createServer((req, res) => {
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: ready\ndata: {}\n\n');
          streams.push(res);
          return;
        }
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.end(JSON.stringify({ backend: n, method: req.method, url: req.url, host: req.headers.host, xff: req.headers['x-forwarded-for'] ?? null, body }));
        });
      }),
    );
    await Promise.all(backends.map((b) => new Promise<void>((resolve) => b.listen(0, '127.0.0.1', resolve))));
    if (kind === 'nginx') debianProgram('/usr/sbin/nginx', 'nginx-light', 'bench tests');
    const ports = backends.map((b) => (b.address() as AddressInfo).port);
    const proxy = kind === 'nginx' ? await startNginx(ports, () => undefined) : await startProxy(ports, () => undefined);
    onTestFinished(async () => {
      await proxy.stop();
      for (const s of streams) s.end();
      await Promise.all(backends.map((b) => new Promise((resolve) => b.close(resolve))));
    });
    const host = new URL(proxy.baseUrl).host;
    const answers: { backend: number; method: string; url: string; host: string; xff: string | null; body: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${proxy.baseUrl}/api/x?i=${i}`, { method: 'POST', headers: i < 3 ? { 'x-forwarded-for': `10.0.0.${i}` } : {}, body: `body ${i}` });
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      answers.push((await res.json()) as (typeof answers)[number]);
    }
    expect(answers.map((a) => a.backend)).toEqual([0, 1, 0, 1]);
    expect(answers.map((a) => a.xff)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '127.0.0.1']);
    expect(answers.every((a) => a.method === 'POST' && a.host === host)).toBe(true);
    expect(answers.map((a) => `${a.url} ${a.body}`)).toEqual([0, 1, 2, 3].map((i) => `/api/x?i=${i} body ${i}`));
    expect(await proxy.requests()).toEqual([2, 2]);
    await proxy.reset();
    expect(await proxy.requests()).toEqual([0, 0]);
    // The stream's first event arrives while the backend still holds it open.
    const first = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${proxy.baseUrl}/stream`, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          resolve(chunk);
          req.destroy();
        });
      });
      req.on('error', reject);
      setTimeout(() => reject(new Error('no event through the proxy within 5 s')), 5000).unref();
    });
    expect(first).toContain('event: ready');
    expect(streams).toHaveLength(1);
  });

  it('runs two server processes behind the proxy: both serve requests, a live stream crosses them', { timeout: 120_000 }, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-bench-test-'));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const out = path.join(tmp, 'results.json');
    // login: each attempt from its own X-Forwarded-For address, which must reach the servers through the proxy;
    // hotline-live: webhooks to both processes, the console's stream on one of them.
    const code = await runBench(['--out', out, '--processes', '2', '--scenario', 'me', '--scenario', 'login', '--scenario', 'hotline-live', '--duration', '0.5', '--connections', '2', '--warmup', '0']);
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { options: Record<string, unknown>; results: Record<string, unknown>[] };
    expect(report.options).toMatchObject({ processes: 2, proxy: true });
    expect(report.results.map((r) => r.scenario).sort()).toEqual(['hotline-live', 'login', 'me']);
    for (const r of report.results) {
      expect(r.errors, String(r.scenario)).toBe(0);
      expect(r.processes).toBe(2);
      const byProcess = r.requestsByProcess as number[];
      expect(byProcess, String(r.scenario)).toHaveLength(2);
      expect(Math.min(...byProcess), String(r.scenario)).toBeGreaterThan(0);
      expect(byProcess[0]! + byProcess[1]!).toBeGreaterThanOrEqual(r.requests as number);
      const peaks = r.serverPeakRssMbByProcess as number[];
      expect(peaks).toHaveLength(2);
      for (const p of peaks) expect(typeof p).toBe('number');
      expect(r.serverPeakRssMb).toBe(Math.max(...peaks));
      expect(typeof r.proxyPeakRssMb).toBe('number');
    }
  });

  it('drives the intake with wrk through nginx to two server processes', { timeout: 240_000 }, async () => {
    debianProgram('/usr/sbin/nginx', 'nginx-light', 'bench tests');
    debianProgram('/usr/bin/wrk', 'wrk', 'bench tests');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-bench-test-'));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const out = path.join(tmp, 'results.json');
    const code = await runBench(['--out', out, '--processes', '2', '--proxy-server', 'nginx', '--load', 'wrk', '--scenario', 'hotline-intake', '--duration', '1', '--connections', '4', '--warmup', '0']);
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { options: Record<string, unknown>; results: Record<string, unknown>[] };
    expect(report.options).toMatchObject({ processes: 2, proxy: true, proxyServer: 'nginx', load: 'wrk' });
    const [r] = report.results;
    expect(r).toMatchObject({ scenario: 'hotline-intake', errors: 0, processes: 2 });
    expect(r!.requests as number).toBeGreaterThan(0);
    const byProcess = r!.requestsByProcess as number[];
    expect(Math.min(...byProcess)).toBeGreaterThan(0);
    // Every request wrk sent reached a server (the console's live stream is counted when it ends).
    expect(byProcess[0]! + byProcess[1]!).toBeGreaterThanOrEqual(r!.requests as number);
    expect(r!.loadCpuS as number).toBeGreaterThan(0);
    expect(r!.p99Ms as number).toBeGreaterThanOrEqual(r!.p50Ms as number);
    expect(r!.lateSends).toBeNull();
  });

  it('sends on a schedule with --rate: the rate asked, whatever the answers, and the late sends counted', { timeout: 240_000 }, async () => {
    debianProgram('/usr/bin/wrk', 'wrk', 'bench tests');
    expect(await runBench(['--out', '/dev/null', '--rate', '50', '--scenario', 'me'])).not.toBe(0);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-bench-test-'));
    onTestFinished(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const out = path.join(tmp, 'results.json');
    // 8 connections could send hundreds a second to this scenario; at 40 a second over 3 s, about 120 go.
    const code = await runBench(['--out', out, '--load', 'wrk', '--rate', '40', '--scenario', 'me', '--duration', '3', '--connections', '8', '--warmup', '0']);
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { options: Record<string, unknown>; results: Record<string, unknown>[] };
    expect(report.options).toMatchObject({ load: 'wrk', ratePerSecond: 40 });
    const [r] = report.results;
    expect(r).toMatchObject({ scenario: 'me', errors: 0 });
    expect(r!.opsPerSec as number).toBeGreaterThan(30);
    expect(r!.opsPerSec as number).toBeLessThan(50);
    expect(r!.lateSends).toEqual(expect.any(Number));
    expect(r!.maxLateMs).toEqual(expect.any(Number));
  });
});
