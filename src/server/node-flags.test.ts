import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe("the server's Node flags", () => {
  const flags = SERVER_NODE_FLAGS.join(' ');

  it('are on every command that starts the server in production', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(`node ${flags} scripts/start.mjs`);
    expect(scripts.demo).toContain(`node ${flags} scripts/start.mjs`);
    expect(read('Dockerfile')).toContain(`CMD ["node", ${SERVER_NODE_FLAGS.map((f) => JSON.stringify(f)).join(', ')}, "dist/server/main.js"]`);
    expect(read('docs/deployment.md')).toContain(`ExecStart=/usr/bin/node ${flags} dist/server/main.js`);
  });

  it('are flags this Node accepts', () => {
    for (const flag of SERVER_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
  });
});
