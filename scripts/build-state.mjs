// Is the compiled build missing or older than its sources? Plain JavaScript (no tsx), so that
// `npm start` and `bin/pathway.js` decide in milliseconds. By modification time: a source file
// newer than the build's stamp means the build is stale (scripts/build.ts writes the stamps).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** What the server and CLI bundles are built from. */
const SERVER_INPUTS = ['src/server', 'src/cli', 'src/domain', 'src/shared', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.ts'];
/** What the web app is built from (as scripts/build-web.ts hashes it). */
const WEB_INPUTS = ['src/web', 'src/shared', 'vite.config.ts', 'scripts/precompress.ts', 'scripts/build-web.ts', 'package-lock.json', 'tsconfig.json'];

export const SERVER_STAMP = path.join(ROOT, 'dist/server/build-stamp');
export const WEB_STAMP = path.join(ROOT, 'dist/web/build-stamp');
export const SERVER_MAIN = path.join(ROOT, 'dist/server/main.js');
export const CLI_MAIN = path.join(ROOT, 'dist/cli/main.js');

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    // Tests are not in the build: editing one does not make it stale.
    if (e.isFile() && /\.test\.ts$/.test(e.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e.name)));
  }
  return newest;
}

function stale(stamp, inputs, also = []) {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  if (also.some((f) => !fs.existsSync(f))) return true;
  return inputs.some((i) => newestMtime(path.join(ROOT, i)) > built);
}

export const serverStale = () => stale(SERVER_STAMP, SERVER_INPUTS, [SERVER_MAIN, CLI_MAIN]);
export const webStale = () => stale(WEB_STAMP, WEB_INPUTS, [path.join(ROOT, 'dist/web/index.html')]);
