/**
 * The compiled start smoke (.ci/run): starts the built server (dist/server/main.js, `npm run build`
 * first) with the given Node command on a free port and a new embedded data folder, signs in as the
 * administrator it creates, and sends one signed-in GET per module (the first list operation of each
 * `/api/v1/<module>` in its OpenAPI document); every answer must be 2xx, or a 403 that names a
 * permission the administrator does not hold. Any failure exits 1 naming it.
 *
 *   node --import tsx scripts/smoke.ts                  # this Node
 *   node --import tsx scripts/smoke.ts npx -y node@22   # Node 22 from the npm registry
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/server/db/embedded.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const command = process.argv.slice(2);
// `npx -y node@22` fetches that Node from the npm registry; the server is then run by that binary
// itself (found with -p process.execPath), so signals reach it and not only npx. A Node that cannot
// be fetched fails the smoke: it is never skipped.
const program = command.length > 0 ? await binaryOf(command) : process.execPath;
const args: string[] = [];
const main = path.join(ROOT, 'dist/server/main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('smoke: dist/server/main.js is missing: run npm run build first\n');
  process.exit(1);
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-smoke-'));
const port = await freePort();
const email = 'smoke-admin@example.org';
const password = 'smoke test password 1234';
const child = spawn(program!, [...args, main], {
  cwd: ROOT,
  env: { ...process.env, PATHWAY_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', LOG_LEVEL: 'warn', PATHWAY_ADMIN_EMAIL: email, PATHWAY_ADMIN_PASSWORD: password },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d: Buffer) => (output += d.toString()));
child.stderr.on('data', (d: Buffer) => (output += d.toString()));
const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

const fail = (why: string): never => {
  process.stderr.write(`smoke (${command.join(' ') || 'node'}): FAILED: ${why}\n--- server output ---\n${output}\n`);
  child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
};

try {
  const base = `http://127.0.0.1:${port}`;
  // A Node fetched from the registry on first use takes a while; then the server starts.
  const until = Date.now() + 240_000;
  while (!output.includes('is running at')) {
    if (child.exitCode !== null) fail(`the server exited with ${child.exitCode}`);
    if (Date.now() > until) fail('the server did not start within 4 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
  const version = /Pathway \S+ is running/.exec(output)?.[0] ?? '';
  const health = await fetch(`${base}/api/health`);
  if (health.status !== 200) fail(`/api/health answered ${health.status}`);
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) fail(`sign-in answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const modules = new Map<string, string>();
  for (const [p, ops] of Object.entries(doc.paths)) {
    const m = /^\/api\/v1\/([a-z-]+)/.exec(p);
    if (!m || !ops.get || p.includes('{') || /stream|export|download|\.csv|\.xlsx|\.pdf/.test(p) || modules.has(m[1]!)) continue;
    modules.set(m[1]!, p);
  }
  if (modules.size < 10) fail(`only ${modules.size} modules found in the OpenAPI document`);
  const answers: string[] = [];
  for (const [mod, p] of modules) {
    const res = await fetch(`${base}${p}`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
    const body = await res.text();
    answers.push(`${res.status} ${p}`);
    if (res.status >= 500 || res.status === 401 || (res.status >= 400 && !(res.status === 403 && /forbidden|permission|not allowed|may not/i.test(body)) && res.status !== 400))
      fail(`${mod}: GET ${p} answered ${res.status}: ${body.slice(0, 300)}`);
  }
  const ok = answers.filter((a) => a.startsWith('2')).length;
  if (ok < modules.size / 2) fail(`only ${ok} of ${modules.size} module requests succeeded:\n${answers.join('\n')}`);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`the server stopped with exit code ${code} on SIGTERM`);
  process.stdout.write(`smoke (${command.join(' ') || process.version}): ${version} on ${(await runVersion()).trim()}: signed in, ${ok} of ${modules.size} module requests 2xx, stopped cleanly\n`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function binaryOf(cmd: string[]): Promise<string> {
  const c = spawn(cmd[0]!, [...cmd.slice(1), '-p', 'process.execPath'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((r) => c.on('exit', r));
  const bin = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !path.isAbsolute(bin) || !fs.existsSync(bin)) {
    process.stderr.write(`smoke: FAILED: could not get a Node binary with "${cmd.join(' ')}" (exit ${String(code)})\n`);
    process.exit(1);
  }
  return bin;
}

/** The Node version the command runs (it is the one that ran the server). */
async function runVersion(): Promise<string> {
  const c = spawn(program!, [...args, '--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => c.on('exit', r));
  return out;
}
