/**
 * npm run dev: the API server (src/server/main.ts on PORT, default 3000) and Vite's dev server with
 * hot reload of the web app (it proxies /api to the server). Restart it after changing server code.
 * Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'vite';

const API_PORT = process.env.PORT ?? '3000';

function startApi(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: API_PORT, HOST: process.env.HOST ?? '127.0.0.1' },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`dev: the API server stopped (${signal ?? `exit code ${code}`}); stopping\n`);
      void stop(1);
    }
  });
  return child;
}

let stopping = false;
const api = startApi();
const vite = await createServer({ configFile: 'vite.config.ts' });
await vite.listen();
const url = vite.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
process.stdout.write(`\nPathway dev: open ${url}  (API on http://127.0.0.1:${API_PORT}, /api is proxied)\n`);
process.stdout.write('Pathway dev: the first start prints a one-time /setup link; open it on the Vite URL above.\n\n');

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  await vite.close().catch(() => undefined);
  if (api.exitCode === null) {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
