import http from 'node:http';
import type { BenchRequest } from './scenario.ts';

/** `ratePerSecond`: an open loop at that rate (`--rate`; only wrk sends so, bench/wrk.ts). */
export type LoadOptions = { baseUrl: string; connections: number; durationS: number; maxRequests?: number | undefined; ratePerSecond?: number | undefined };
export type LoadResult = {
  requests: number;
  errors: number;
  errorSample: string | null;
  durationS: number;
  opsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
};

type Sent = { status: number; body: string };

export function send(agent: http.Agent, base: URL, req: BenchRequest): Promise<Sent> {
  const json = req.rawBody === undefined && req.body !== undefined;
  const body = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { ...(body === undefined ? {} : { ...(json ? { 'content-type': 'application/json' } : {}), 'content-length': Buffer.byteLength(body) }), ...req.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** The value below which `q` of the sorted samples fall (nearest rank). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * `connections` loops, each sending one request and waiting for its answer before the next, over
 * keep-alive sockets to loopback, until `durationS` has passed (or `maxRequests` were sent).
 * Latency is measured per request from send to the last byte of the answer.
 */
export async function runLoad(opts: LoadOptions, next: (n: number) => BenchRequest): Promise<LoadResult> {
  const base = new URL(opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let issued = 0;
  let errors = 0;
  let errorSample: string | null = null;
  const start = performance.now();
  const deadline = start + opts.durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && (opts.maxRequests === undefined || issued < opts.maxRequests)) {
      const n = issued++;
      const req = next(n);
      const t0 = performance.now();
      let failure: string | null = null;
      try {
        const res = await send(agent, base, req);
        const ok = req.expect === undefined ? res.status >= 200 && res.status < 300 : res.status === req.expect;
        if (!ok) failure = `${req.method} ${req.path}: ${res.status} ${res.body.slice(0, 200)}`;
      } catch (e) {
        failure = `${req.method} ${req.path}: ${e instanceof Error ? e.message : String(e)}`;
      }
      const ms = performance.now() - t0;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
      if (failure) {
        errors++;
        errorSample ??= failure;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  agent.destroy();
  return summarize(latencies.slice(0, count), errors, errorSample, elapsedS);
}

/** The figures of a run from its latencies (ms), its errors and how long it took. */
export function summarize(latenciesMs: Float64Array, errors: number, errorSample: string | null, elapsedS: number): LoadResult {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    requests: sorted.length,
    errors,
    errorSample,
    durationS: round(elapsedS),
    opsPerSec: round(sorted.length / elapsedS, 1),
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    p99Ms: round(percentile(sorted, 0.99)),
  };
}
