import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Capability folders import one way (docs/ARCHITECTURE.md): no folder under src/server/modules
 * reaches, through its imports, a folder that reaches it back. What several share sits below them,
 * what combines several sits above them.
 */

const modulesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'modules');

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return filesOf(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Folder → the folders its (non-test) files import, each with the files that do. */
export function folderImports(root: string): Map<string, Map<string, string[]>> {
  const folders = readdirSync(root).filter((f) => statSync(path.join(root, f)).isDirectory());
  const edges = new Map<string, Map<string, string[]>>(folders.map((f) => [f, new Map()]));
  for (const from of folders) {
    for (const file of filesOf(path.join(root, from))) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        const rel = path.relative(root, path.resolve(path.dirname(file), ref.fileName));
        const to = rel.split(path.sep)[0]!;
        if (rel.startsWith('..') || to === from || !edges.has(to)) continue;
        const by = edges.get(from)!;
        by.set(to, [...(by.get(to) ?? []), path.relative(root, file)]);
      }
    }
  }
  return edges;
}

/** The strongly connected groups of more than one folder (Tarjan), each a circle of imports. */
export function circles(edges: Map<string, Map<string, string[]>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!.keys()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('capability folders', () => {
  it('finds a circle when there is one (the check itself)', () => {
    const edges = new Map([
      ['a', new Map([['b', ['a/x.ts']]])],
      ['b', new Map([['c', ['b/x.ts']]])],
      ['c', new Map([['a', ['c/x.ts']]])],
      ['d', new Map([['a', ['d/x.ts']]])],
    ]);
    expect(circles(edges)).toEqual([['a', 'b', 'c']]);
  });

  it('import one way: no circle between folders of src/server/modules', () => {
    const edges = folderImports(modulesDir);
    expect(edges.get('case-file')?.has('cases')).toBe(true); // the scan sees imports at all
    const report = circles(edges).map((group) =>
      group.flatMap((a) => group.filter((b) => edges.get(a)!.has(b)).map((b) => `${a} -> ${b} (${edges.get(a)!.get(b)!.join(', ')})`)).join('; '),
    );
    expect(report).toEqual([]);
  });
});
