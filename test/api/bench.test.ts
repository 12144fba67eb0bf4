import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { percentile } from '../../bench/load.ts';
import { loadScenarios } from '../../bench/registry.ts';

describe('bench harness', () => {
  it('percentile takes the nearest rank', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99), percentile(sorted, 1)]).toEqual([50, 95, 99, 100]);
    expect(percentile(Float64Array.from([7]), 0.99)).toBe(7);
    expect(percentile(new Float64Array(0), 0.5)).toBe(0);
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
    const root = path.resolve(import.meta.dirname, '../..');
    const code = await new Promise<number>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--out', out, '--duration', '0.5', '--connections', '2', '--warmup', '0'],
        // The bench makes its own database in the test server and drops it after; small press, people and hotline datasets keep it quick.
        { cwd: root, env: { PATH: process.env.PATH, BENCH_DATABASE_URL: inject('pgUrl'), BENCH_PRESS_INCIDENTS: '2000', BENCH_PEOPLE: '3000', BENCH_OPEN_CONTACTS: '300', BENCH_CLOSED_CONTACTS: '300', BENCH_DASHBOARD_CONTACTS: '500', BENCH_JUSTICE_CASES: '2000', BENCH_CONTACTS: '3000' } },
        (error, _stdout, stderr) => {
          if (error) process.stderr.write(stderr);
        },
      );
      child.on('close', (c) => resolve(c ?? -1));
    });
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { machine: { node: string; cpus: number }; results: Record<string, unknown>[] };
    expect(report.machine).toMatchObject({ node: process.version, cpus: os.cpus().length });
    expect(report.results.map((r) => r.scenario)).toEqual(expect.arrayContaining(['login', 'me', 'audited-write', 'hotline-dashboard', 'hotline-intake', 'hotline-live', 'hotline-queue']));
    for (const r of report.results) {
      expect(r.errors, String(r.scenario)).toBe(0);
      for (const key of ['p50Ms', 'p95Ms', 'p99Ms', 'opsPerSec', 'durationS', 'serverPeakRssMb']) expect(typeof r[key], key).toBe('number');
      expect(r.requests as number).toBeGreaterThan(0);
      expect(r.p99Ms as number).toBeGreaterThanOrEqual(r.p50Ms as number);
    }
  });
});
