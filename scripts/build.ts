/**
 * `npm run build`: the production build. The server and the CLI are bundled by esbuild (it comes
 * with tsx, a dependency) into dist/server/main.js and dist/cli/main.js: one ES module each, with
 * Pathway's own code (migrations and the JSON it imports included) and the packages in node_modules
 * left as imports. Then the web app (scripts/build-web.ts, rebuilt only when its sources changed).
 * `npm start` runs the bundles with plain Node (scripts/start.mjs); tsx is for development, tests
 * and scripts. Files read at run time resolve from dist/ as from src/: package.json (the version)
 * two folders up, the translations in src/web/i18n (src/server/i18n.ts looks there too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const started = Date.now();

const web = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build-web.ts'), '--if-changed'], { cwd: ROOT, stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);
// An unchanged web app is not rebuilt; its stamp's time still says it was checked against these sources.
const now = new Date();
fs.utimesSync(path.join(ROOT, 'dist/web/build-stamp'), now, now);

fs.rmSync(path.join(ROOT, 'dist/server'), { recursive: true, force: true });
fs.rmSync(path.join(ROOT, 'dist/cli'), { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: { 'server/main': 'src/server/main.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  logLevel: 'warning',
  // One copy of the code both bundles share would be loaded once per process anyway: no splitting.
  splitting: false,
});
fs.writeFileSync(path.join(ROOT, 'dist/server/build-stamp'), `${new Date().toISOString()}\n`);
process.stdout.write(`Built dist/server/main.js and dist/cli/main.js in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
