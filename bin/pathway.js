#!/usr/bin/env node
// `npx pathway <command>`: runs the compiled CLI (dist/cli/main.js, `npm run build`) when it is there
// and not older than the sources; otherwise the TypeScript CLI through tsx. From wherever it is called.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CLI_MAIN, serverStale } from '../scripts/build-state.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// tsx is resolved from this package, not from the folder the command is run in.
const command = serverStale()
  ? ['--import', import.meta.resolve('tsx'), path.join(root, 'src/cli/main.ts')]
  : [CLI_MAIN];
const result = spawnSync(process.execPath, [...command, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
