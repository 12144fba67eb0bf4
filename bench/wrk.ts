import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadOptions, LoadResult } from './load.ts';
import type { BenchRequest } from './scenario.ts';
import { CLOCK_TICKS } from './server.ts';

/**
 * The load generator `--load wrk` (issue 16): the same closed loop as `runLoad` (each connection sends
 * one request and waits for its answer before the next), driven by wrk (Debian's `wrk`, C and
 * LuaJIT) instead of Node's HTTP client. On a machine whose two cores also run the servers, the proxy
 * and PostgreSQL, Node's client costs about a quarter of a millisecond of CPU a request, which the
 * servers then lack; wrk costs a few microseconds. The requests are the scenario's own
 * (`request(ctx, n)` for n = 0, 1, 2, ...), made before the clock starts and written to a file that a
 * small Lua script hands out in order (a run that would need more than were made fails). Latency is
 * wrk's, per request from send to the last byte of the answer (microseconds); answers with a status
 * of 400 or more, and socket errors, are errors (a scenario's `expect` is not checked: run it with
 * `--load node` for that). Runs of at most two minutes: every request is made up front.
 *
 * `ratePerSecond` (`--rate`): an open loop instead, requests sent on a schedule of that many a second
 * whatever the answers do, so the latency is that of the system at that rate rather than of a
 * saturated one. Each send takes the next slot of one schedule (`delay()`, ms resolution) on the next
 * free connection; a send that finds its slot already past (every connection was busy) is counted
 * late, since its latency is measured from when it went, not from its slot. `lateSends` counts those
 * more than 5 ms late and `maxLateMs` says by how much at most: when few are late, the latencies are
 * those of the schedule.
 */

/** How many requests to prepare a second of the run: above any rate this machine reaches. */
export const PREPARED_PER_SECOND = 5_000;
export const WRK_MAX_DURATION_S = 120;

/** One request as its bytes on the wire (HTTP/1.1, keep-alive). */
export function rawRequest(base: URL, req: BenchRequest): string {
  const json = req.rawBody === undefined && req.body !== undefined;
  const body = req.rawBody ?? (req.body === undefined ? '' : JSON.stringify(req.body));
  // Names in lower case, so that a scenario's own Host or Content-Length replaces ours instead of going twice.
  const given = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const headers: Record<string, string> = { host: base.host, ...(json ? { 'content-type': 'application/json' } : {}), ...given };
  if (body !== '' || req.method !== 'GET') headers['content-length'] = String(Buffer.byteLength(body));
  const lines = Object.entries(headers).map(([k, v]) => {
    if (/[\r\n\0]/.test(k + v)) throw new Error(`bench: header ${k} holds a line break or NUL`);
    return `${k}: ${v}`;
  });
  if (body.includes('\0')) throw new Error('bench: a request body holds NUL, which the wrk request file separates with');
  return `${req.method} ${req.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

const SCRIPT = `
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

local requests = {}
local count = 0
local next = 0

init = function(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  for r in data:gmatch("([^%z]+)") do
    count = count + 1
    requests[count] = r
  end
  if args[2] then
    interval = 1000000 / tonumber(args[2])
  end
end

request = function()
  next = next + 1
  if next > count then
    next = 1
  end
  return requests[next]
end

done = function(summary, latency, requests)
  local e = summary.errors
  local late, maxLate = 0, 0
  for _, t in ipairs(threads) do
    late = late + (t:get("late") or 0)
    maxLate = math.max(maxLate, t:get("maxLate") or 0)
  end
  if untaken then
    late = late + untaken()
  end
  io.write(string.format('WRK {"requests":%d,"durationUs":%d,"p50Us":%d,"p95Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"late":%d,"maxLateUs":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout, late, math.floor(maxLate)))
end
`;

/**
 * The schedule of `--rate`, added to the script only then (wrk waits on a timer before every send
 * once the script has a `delay`). `late` and `maxLate` (microseconds) are globals for done().
 */
const PACED = `
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } pw_timespec; int clock_gettime(int, pw_timespec *); ]]
local ts = ffi.new("pw_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end
nextSlot = nil
late = 0
maxLate = 0

delay = function()
  local now = now_us()
  if nextSlot == nil then
    nextSlot = now
  end
  local mine = nextSlot
  nextSlot = nextSlot + interval
  if mine < now then
    local by = now - mine
    if by > 5000 then
      late = late + 1
    end
    if by > maxLate then
      maxLate = by
    end
    return 0
  end
  return math.floor((mine - now) / 1000)
end

-- In done(): the slots that came due (more than 5 ms before the end) and that no connection took,
-- every one of them busy until the run stopped, are late too.
untaken = function()
  local now = now_us()
  local n = 0
  for _, t in ipairs(threads) do
    local s, i = t:get("nextSlot"), t:get("interval")
    if s and i and now - 5000 > s then
      n = n + math.floor((now - 5000 - s) / i) + 1
    end
  end
  return n
end
`;

/** CPU seconds of the children this process has collected (wrk, once it has exited). */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** `loadCpuS`: wrk's CPU and the bench process's own during the run (not the making of the requests). */
export type WrkResult = LoadResult & { loadCpuS: number; lateSends: number | null; maxLateMs: number | null };

export async function runWrk(opts: LoadOptions, next: (n: number) => BenchRequest): Promise<WrkResult> {
  if (opts.maxRequests !== undefined) throw new Error('bench: --requests is not supported with --load wrk');
  if (opts.durationS > WRK_MAX_DURATION_S) throw new Error(`bench: --load wrk runs at most ${WRK_MAX_DURATION_S} s (every request is made up front)`);
  const base = new URL(opts.baseUrl);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-wrk-'));
  try {
    // On a schedule, what the schedule sends (and a tenth more); otherwise more than this machine answers.
    const perSecond = opts.ratePerSecond === undefined ? PREPARED_PER_SECOND : Math.min(PREPARED_PER_SECOND, opts.ratePerSecond * 1.1);
    const prepared = Math.ceil(Math.max(1, opts.durationS) * perSecond) + opts.connections;
    const file = path.join(dir, 'requests');
    const out = fs.openSync(file, 'w');
    for (let n = 0; n < prepared; n++) fs.writeSync(out, `${rawRequest(base, next(n))}\0`);
    fs.closeSync(out);
    fs.writeFileSync(path.join(dir, 'script.lua'), opts.ratePerSecond === undefined ? SCRIPT : `${SCRIPT}${PACED}`);
    // From here on: wrk's CPU and this process's own (it reads the live streams meanwhile), not the
    // making of the requests above.
    const cpuBefore = childrenCpuSeconds();
    const ownBefore = process.cpuUsage();
    const args = ['-t1', `-c${opts.connections}`, `-d${Math.max(1, Math.round(opts.durationS))}s`, '--timeout', '30s', '-s', path.join(dir, 'script.lua'), opts.baseUrl, '--', file, ...(opts.ratePerSecond === undefined ? [] : [String(opts.ratePerSecond)])];
    const text = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`wrk exited with ${code}: ${stderr.trim() || stdout.trim()}`))));
    });
    const line = /^WRK (\{.*\})$/m.exec(text);
    if (!line) throw new Error(`bench: wrk printed no summary:\n${text}`);
    const w = JSON.parse(line[1]!) as { requests: number; durationUs: number; p50Us: number; p95Us: number; p99Us: number; connect: number; read: number; write: number; status: number; timeout: number; late: number; maxLateUs: number };
    const own = process.cpuUsage(ownBefore);
    // Up to one request per connection was sent after the last answer counted.
    if (w.requests + opts.connections > prepared) throw new Error(`bench: wrk may have sent some of the ${prepared} prepared requests twice; raise PREPARED_PER_SECOND`);
    const errors = w.connect + w.read + w.write + w.status + w.timeout;
    const durationS = w.durationUs / 1e6;
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      requests: w.requests,
      errors,
      errorSample: errors === 0 ? null : `wrk: ${w.status} answers with a status of 400 or more, ${w.connect + w.read + w.write} socket errors, ${w.timeout} timeouts`,
      durationS: Math.round(durationS * 100) / 100,
      opsPerSec: Math.round((w.requests / durationS) * 10) / 10,
      p50Ms: ms(w.p50Us),
      p95Ms: ms(w.p95Us),
      p99Ms: ms(w.p99Us),
      loadCpuS: Math.round((childrenCpuSeconds() - cpuBefore + (own.user + own.system) / 1e6) * 100) / 100,
      lateSends: opts.ratePerSecond === undefined ? null : w.late,
      maxLateMs: opts.ratePerSecond === undefined ? null : ms(w.maxLateUs),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
