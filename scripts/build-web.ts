/**
 * `npm run build:web`: builds the web app into dist/web (Vite, then brotli and gzip copies of each
 * asset, then the public report pages prerendered: scripts/prerender-public.ts), and records a hash of everything the build reads in dist/web/build-stamp.
 * `--if-changed` (what `npm start`, `npm run demo` and `npm test` use): builds only when that hash
 * differs from the stamp, so a restart with unchanged sources starts at once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const OUT = path.resolve('dist/web');
const STAMP = path.join(OUT, 'build-stamp');

/** What the web build reads: its sources, the shared code, the build's configuration and the exact dependencies. */
const INPUTS = ['src/web', 'src/shared', 'src/server/prerendered.ts', 'vite.config.ts', 'scripts/precompress.ts', 'scripts/build-web.ts', 'scripts/prerender-public.ts', 'package-lock.json', 'tsconfig.json'];

function filesOf(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** SHA-256 over each input file's path and content, in a fixed order. */
export function sourcesHash(): string {
  const hash = crypto.createHash('sha256');
  const files = INPUTS.flatMap(filesOf)
    .map((f) => path.relative('.', f).split(path.sep).join('/'))
    .sort();
  for (const f of files) {
    hash.update(`${f}\0`);
    hash.update(fs.readFileSync(f));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const ifChanged = process.argv.includes('--if-changed');
  const hash = sourcesHash();
  const built = fs.existsSync(path.join(OUT, 'index.html')) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8').trim() === hash;
  if (ifChanged && built) return;
  if (ifChanged) process.stderr.write('Building the web app (its sources changed since the last build)...\n');
  // Vite is loaded only to build: a start with nothing to build does not wait for it.
  const { build } = await import('vite');
  await build({ logLevel: 'warn' });
  // The public report pages with their form already in the HTML (shown before any JavaScript).
  const { prerenderPublicPages } = await import('./prerender-public.ts');
  await prerenderPublicPages();
  fs.writeFileSync(STAMP, `${hash}\n`);
}

await main();
