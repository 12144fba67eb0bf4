// `npm start` (and `npm run demo`): runs the compiled server with plain Node, building it first only
// when dist/ is missing or older than the sources (scripts/build-state.mjs). `--check` only says
// whether a build would run (exit 0: fresh, 1: stale). The server runs in this process, so its Node
// flags (src/server/node-flags.ts: the heap's bounds) are on the `node` command of package.json's
// `start` and `demo`; V8 reads them only when the process starts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SERVER_MAIN, serverStale, webStale } from './build-state.mjs';

const stale = serverStale() || webStale();
if (process.argv.includes('--check')) process.exit(stale ? 1 : 0);
if (stale) {
  process.stderr.write('Pathway: building (dist/ is missing or older than the sources)...\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(pathToFileURL(SERVER_MAIN).href);
