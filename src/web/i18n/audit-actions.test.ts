import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { translations, type Tree } from './resources.ts';

/** Every audit action the server writes (`action: '...'` and the few built from a known list). */
function serverActions(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/action: (?:[^'\n]*\? )?'([a-z_]+(?:\.[a-z_]+)+)'(?: : '([a-z_]+(?:\.[a-z_]+)+)')?/g)) {
          found.add(m[1]!);
          if (m[2]) found.add(m[2]);
        }
      }
    }
  };
  walk(path.resolve('src/server'));
  for (const result of ['created', 'updated']) found.add(`press.incident.import_${result}`);
  return [...found].filter((a) => !/^(probe|test)\./.test(a)).sort();
}

const lookup = (tree: Tree, key: string): unknown => key.split('.').reduce<unknown>((t, k) => (t && typeof t === 'object' ? (t as Tree)[k] : undefined), tree);

describe('audit log action names', () => {
  const actions = serverActions();

  it('finds the actions the server writes', () => {
    expect(actions).toContain('case.created');
    expect(actions).toContain('auth.locked_out');
    expect(actions.length).toBeGreaterThan(100);
  });

  it.each(['az', 'ru', 'en'] as const)('%s names every action the server writes', (lang) => {
    const missing = actions.filter((a) => typeof lookup(translations[lang], `auditLog.action.${a}`) !== 'string');
    expect(missing).toEqual([]);
  });
});
