import { describe, expect, it } from 'vitest';
import { auditRelease, feasibleRanges, groupDisclosure, ledgerOf, protect, publicTable, universeOf, type ReleaseTable } from './disclosure.ts';
import type { StatisticsTable, TableCell } from './statistics-table.ts';

/** A table over dimensions with every margin (all subsets of the dimensions left out). */
function table(id: string, dims: Array<[string, string[]]>, value: (key: Record<string, string>) => number): StatisticsTable {
  const keys: Array<Record<string, string>> = [{}];
  for (const [d, values] of dims) {
    const next: Array<Record<string, string>> = [];
    for (const k of keys) for (const v of values) next.push({ ...k, [d]: v });
    keys.splice(0, keys.length, ...next);
  }
  const cells: TableCell[] = keys.map((key) => ({ key, value: value(key), suppressed: null }));
  const totals: TableCell[] = [];
  for (let mask = 1; mask < 1 << dims.length; mask++) {
    const kept = dims.filter((_, i) => !(mask & (1 << i)));
    const groups = new Map<string, { key: Record<string, string>; value: number }>();
    for (const c of cells) {
      const key = Object.fromEntries(kept.map(([d]) => [d, c.key[d]!]));
      const id = JSON.stringify(key);
      groups.set(id, { key, value: (groups.get(id)?.value ?? 0) + c.value! });
    }
    for (const g of groups.values()) totals.push({ key: g.key, value: g.value, suppressed: null });
  }
  return { id, title: id, dimensions: dims.map(([d, values]) => ({ id: d, label: d, values: values.map((v) => ({ code: v, label: v })) })), cells, totals };
}

const matrix = (id: string, rows: [string, string[]], cols: [string, string[]], m: number[][]) =>
  table(id, [rows, cols], (k) => m[rows[1].indexOf(k[rows[0]]!)]![cols[1].indexOf(k[cols[0]]!)]!);

const cellOf = (t: StatisticsTable, key: Record<string, string>) =>
  [...t.cells, ...t.totals].find((c) => Object.keys(c.key).length === Object.keys(key).length && Object.entries(key).every(([d, v]) => c.key[d] === v))!;

const U = universeOf('nrm-victims', '2024-01-01', '2024-12-31');

/**
 * The intruder, written apart from the algorithm: integer solutions of the published equations
 * (each table's totals = the sum of its inner cells, the same universe and key = the same number,
 * published values fixed, suppressed ones unknown, 0 <= x <= cap), searched with bounds propagation.
 * For each suppressed cell the smallest and largest value it can take in some solution. Values above
 * `cap` are not explored: a range reaching the cap is at least that wide.
 */
function enumerateRanges(tables: ReleaseTable[], cap: number): Map<string, { min: number; max: number }> {
  const idOf = (u: string, key: Record<string, string>) => `${u}|${JSON.stringify(Object.entries(key).sort())}`;
  const known = new Map<string, number>();
  const unknown = new Set<string>();
  const raw: Array<Array<[string, number]>> = [];
  for (const { universe, table: t } of tables) {
    for (const c of [...t.cells, ...t.totals]) {
      const id = idOf(universe, c.key);
      if (c.suppressed === null) known.set(id, c.value!);
      else unknown.add(id);
    }
    for (const tot of t.totals) {
      const eq: Array<[string, number]> = [[idOf(universe, tot.key), 1]];
      for (const c of t.cells) if (Object.entries(tot.key).every(([d, v]) => c.key[d] === v)) eq.push([idOf(universe, c.key), -1]);
      raw.push(eq);
    }
  }
  for (const id of known.keys()) unknown.delete(id);
  const vars = [...unknown];
  // Equations over the unknowns: sum(coef * x) = rhs.
  const eqs = raw.map((eq) => {
    let rhs = 0;
    const terms: Array<[number, number]> = [];
    for (const [id, c] of eq) {
      const v = known.get(id);
      if (v === undefined) terms.push([vars.indexOf(id), c]);
      else rhs -= c * v;
    }
    return { terms, rhs };
  });
  type Box = Array<[number, number]>;
  const narrowDown = (box: Box): Box | null => {
    const b = box.map(([lo, hi]) => [lo, hi] as [number, number]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const { terms, rhs } of eqs) {
        if (terms.length === 0) {
          if (rhs !== 0) return null;
          continue;
        }
        for (const [i, c] of terms) {
          // c*x_i = rhs - sum(others): bounds of the others give bounds of x_i.
          let lo = rhs;
          let hi = rhs;
          for (const [j, cj] of terms) {
            if (j === i) continue;
            lo -= cj > 0 ? cj * b[j]![1] : cj * b[j]![0];
            hi -= cj > 0 ? cj * b[j]![0] : cj * b[j]![1];
          }
          const [nlo, nhi] = c > 0 ? [Math.ceil(lo / c), Math.floor(hi / c)] : [Math.ceil(hi / c), Math.floor(lo / c)];
          const cur = b[i]!;
          if (nlo > cur[0]) { cur[0] = nlo; changed = true; }
          if (nhi < cur[1]) { cur[1] = nhi; changed = true; }
          if (cur[0] > cur[1]) return null;
        }
      }
    }
    return b;
  };
  const solvable = (box: Box): boolean => {
    const b = narrowDown(box);
    if (!b) return false;
    const open = b.findIndex(([lo, hi]) => lo < hi);
    if (open < 0) return true;
    for (let x = b[open]![0]; x <= b[open]![1]; x++) {
      const next = b.map((r) => [...r] as [number, number]);
      next[open] = [x, x];
      if (solvable(next)) return true;
    }
    return false;
  };
  const start: Box = vars.map(() => [0, cap]);
  const out = new Map<string, { min: number; max: number }>();
  vars.forEach((v, i) => {
    const at = (x: number) => solvable(start.map((r, j) => (j === i ? [x, x] : r)));
    let min = 0;
    while (min <= cap && !at(min)) min++;
    let max = cap;
    while (max >= min && !at(max)) max--;
    out.set(v, { min, max });
  });
  return out;
}

function expectWide(tables: ReleaseTable[], k: number, cap = 60) {
  const r = enumerateRanges(tables, cap);
  expect(r.size).toBeGreaterThan(0);
  for (const [id, x] of r) expect(x.max - x.min, `${id} lies in [${x.min}, ${x.max}]`).toBeGreaterThanOrEqual(k);
}

describe('primary and secondary suppression (reporting.md worked examples)', () => {
  it('1-D, k = 3: sexual 14, labour 2, begging 1, other 6 → labour and begging hidden, each in [0, 3]', () => {
    const t = table('forms', [['form', ['sexual', 'labour', 'begging', 'other']]], (k) => ({ sexual: 14, labour: 2, begging: 1, other: 6 })[k.form!]!);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 3 });
    const s = tables[0]!;
    expect(Object.fromEntries(s.cells.map((c) => [c.key.form, c.suppressed]))).toEqual({ sexual: null, labour: 'primary', begging: 'primary', other: null });
    expect(cellOf(s, {}).suppressed).toBeNull();
    const r = enumerateRanges([{ universe: U, table: s }], 30);
    expect([...r.values()]).toEqual([{ min: 0, max: 3 }, { min: 0, max: 3 }]);
  });

  it('2-D, k = 3: F-labour = 1 is protected by a rectangle, not by one more cell of its row', () => {
    const t = matrix('sex-form', ['sex', ['F', 'M']], ['form', ['sexual', 'labour', 'other']], [[12, 1, 5], [3, 9, 4]]);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 3 });
    const s = tables[0]!;
    expect(cellOf(s, { sex: 'F', form: 'labour' }).suppressed).toBe('primary');
    const hidden = [...s.cells, ...s.totals].filter((c) => c.suppressed !== null);
    expect(hidden).toHaveLength(4);
    expect(s.totals.every((c) => c.suppressed === null)).toBe(true);
    const r = enumerateRanges([{ universe: U, table: s }], 40);
    for (const x of r.values()) expect(x.max - x.min).toBeGreaterThanOrEqual(3);
    // The published table: values blanked, kinds kept.
    const pub = publicTable(s);
    expect(cellOf(pub, { sex: 'F', form: 'labour' })).toEqual({ key: { sex: 'F', form: 'labour' }, value: null, suppressed: 'primary' });
    expect(cellOf(pub, { sex: 'F' }).value).toBe(18);
  });

  it('a margin under the threshold is hidden with enough of its line', () => {
    const t = matrix('sex-age', ['sex', ['F', 'M', 'X']], ['age', ['child', 'adult']], [[4, 9], [6, 11], [0, 2]]);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 3 });
    const s = tables[0]!;
    expect(cellOf(s, { sex: 'X' }).suppressed).toBe('primary');
    expect(cellOf(s, { sex: 'X', age: 'adult' }).suppressed).toBe('primary');
    expectWide([{ universe: U, table: s }], 3);
  });

  it('nothing under the threshold: nothing hidden; zeros are published', () => {
    const t = matrix('t', ['a', ['x', 'y']], ['b', ['p', 'q']], [[5, 0], [7, 9]]);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 5 });
    expect([...tables[0]!.cells, ...tables[0]!.totals].every((c) => c.suppressed === null)).toBe(true);
  });

  it('rounding applies to published values only, after suppression', () => {
    const t = table('forms', [['form', ['a', 'b', 'c']]], (k) => ({ a: 17, b: 2, c: 23 })[k.form!]!);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 5 });
    const pub = publicTable(tables[0]!, { rounding: 5 });
    expect(pub.cells.map((c) => c.value)).toEqual([null, null, 25]);
    expect(cellOf(pub, {}).value).toBe(40);
  });

  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('random table %i: every suppressed cell ranges at least k wide when the published equations are solved', (seed) => {
    const rnd = random(seed);
    const rows = 2 + Math.floor(rnd() * 2);
    const cols = 2 + Math.floor(rnd() * 2);
    const k = rnd() < 0.5 ? 3 : 5;
    const m = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rnd() < 0.4 ? Math.floor(rnd() * k) : Math.floor(rnd() * 12))));
    const t = matrix('r', ['row', Array.from({ length: rows }, (_, i) => `r${i}`)], ['col', Array.from({ length: cols }, (_, i) => `c${i}`)], m);
    const { tables } = protect([{ universe: U, table: t }], { threshold: k });
    const s = tables[0]!;
    // Every primary is hidden.
    for (const c of [...s.cells, ...s.totals]) if (c.value! > 0 && c.value! < k) expect(c.suppressed).not.toBeNull();
    if ([...s.cells, ...s.totals].some((c) => c.suppressed !== null)) expectWide([{ universe: U, table: s }], k, m.flat().reduce((a, b) => a + b, 0) + 2 * k);
  });

  it.each([1, 2, 3, 4, 5, 6])('random 3-D table %i (sex × age × form with every margin) stays protected', (seed) => {
    const rnd = random(seed * 7919);
    const t = table('3d', [['sex', ['F', 'M']], ['age', ['child', 'adult']], ['form', ['s', 'l', 'o']]], () => (rnd() < 0.35 ? 1 + Math.floor(rnd() * 2) : Math.floor(rnd() * 8)));
    const { tables } = protect([{ universe: U, table: t }], { threshold: 3 });
    expectWide([{ universe: U, table: tables[0]! }], 3, t.cells.reduce((a, c) => a + c.value!, 0) + 6);
  });
});

describe('linked tables of one release', () => {
  it('a margin shared by two tables is hidden in both and stays wide over both together', () => {
    const a = matrix('sex-form', ['sex', ['F', 'M']], ['form', ['s', 'l']], [[1, 1], [7, 9]]);
    const b = matrix('sex-age', ['sex', ['F', 'M']], ['age', ['child', 'adult']], [[0, 2], [6, 10]]);
    const release = [{ universe: U, table: a }, { universe: U, table: b }];
    const { tables } = protect(release, { threshold: 3 });
    expect(cellOf(tables[0]!, { sex: 'F' }).suppressed).not.toBeNull();
    expect(cellOf(tables[1]!, { sex: 'F' }).suppressed).not.toBeNull();
    expectWide([{ universe: U, table: tables[0]! }, { universe: U, table: tables[1]! }], 3);
  });

  it('a 1-D table repeating another table’s margin cannot reveal it', () => {
    const a = matrix('sex-form', ['sex', ['F', 'M']], ['form', ['s', 'l']], [[2, 4], [6, 9]]);
    const b = table('sex', [['sex', ['F', 'M']]], (k) => (k.sex === 'F' ? 6 : 15));
    const { tables } = protect([{ universe: U, table: a }, { universe: U, table: b }], { threshold: 3 });
    expectWide(tables.map((t) => ({ universe: U, table: t })), 3);
  });
});

describe('children and groups', () => {
  it('children’s figures below region level are never published, whatever their size', () => {
    const t = matrix('district-age', ['district', ['d1', 'd2', 'd3']], ['ageGroup', ['child', 'adult']], [[7, 10], [6, 12], [5, 9]]);
    const { tables } = protect([{ universe: U, table: t }], { threshold: 3 });
    const s = tables[0]!;
    for (const d of ['d1', 'd2', 'd3']) expect(cellOf(s, { district: d, ageGroup: 'child' }).suppressed).toBe('primary');
    expect(publicTable(s).cells.filter((c) => c.key.ageGroup === 'child').every((c) => c.value === null)).toBe(true);
    // Region-level or national child totals are not below region level.
    expect(cellOf(s, { ageGroup: 'child' }).suppressed).toBeNull();
    expectWide([{ universe: U, table: s }], 3);
  });

  it('flags a nationality whose victims are all children, or all of one form', () => {
    const t = matrix('citizenship-age', ['citizenship', ['AZ', 'UZ', 'NP']], ['ageGroup', ['child', 'adult']], [[4, 20], [6, 0], [0, 8]]);
    const f = groupDisclosure([t], { threshold: 3 });
    expect(f).toEqual([{ kind: 'group_disclosure', tableId: 'citizenship-age', key: { citizenship: 'UZ' }, dimension: 'ageGroup', value: 'child' }]);
    const forms = matrix('citizenship-form', ['citizenship', ['AZ', 'UZ']], ['form', ['s', 'l']], [[4, 20], [6, 0]]);
    expect(groupDisclosure([forms], { threshold: 3 })).toEqual([{ kind: 'group_disclosure', tableId: 'citizenship-form', key: { citizenship: 'UZ' }, dimension: 'form', value: 's' }]);
  });
});

describe('differencing across releases', () => {
  const forms = (u: string, s: number, l: number) => ({ universe: u, table: table('forms', [['form', ['s', 'l', 'o']]], (k) => ({ s, l, o: 10 })[k.form!]!) });
  const Q1 = universeOf('nrm-victims', '2024-01-01', '2024-03-31');
  const Q2 = universeOf('nrm-victims', '2024-04-01', '2024-06-30');
  const H1 = universeOf('nrm-victims', '2024-01-01', '2024-06-30');

  it('a half year published in full after its quarters, one of them suppressed, is flagged; protected against the ledger it is not', () => {
    const q1 = protect([forms(Q1, 8, 2)], { threshold: 3 }).tables;
    expect(q1[0]!.cells.find((c) => c.key.form === 'l')!.suppressed).toBe('primary');
    const q2 = protect([forms(Q2, 9, 4)], { threshold: 3 }).tables;
    const ledger = [...ledgerOf('R-Q1', [{ universe: Q1, table: q1[0]! }]), ...ledgerOf('R-Q2', [{ universe: Q2, table: q2[0]! }])];

    // Prepared without the ledger: nothing in it is under 3, so nothing is hidden…
    const naive = protect([forms(H1, 17, 6)], { threshold: 3 }).tables;
    expect(naive[0]!.cells.every((c) => c.suppressed === null)).toBe(true);
    // …and the audit before approval finds Q1's labour figure: 6 − 4 = 2.
    const flags = auditRelease([{ universe: H1, table: naive[0]! }], { threshold: 3 }, ledger);
    expect(flags).toContainEqual({ kind: 'recoverable', universe: Q1, key: { form: 'l' }, release: 'R-Q1', min: 2, max: 2 });

    // Prepared against the ledger, the half year hides enough that Q1 stays safe.
    const safe = protect([forms(H1, 17, 6)], { threshold: 3 }, ledger);
    expect(safe.flags.filter((f) => f.kind === 'recoverable')).toEqual([]);
    expect(safe.tables[0]!.cells.find((c) => c.key.form === 'l')!.suppressed).not.toBeNull();
    expect(auditRelease([{ universe: H1, table: safe.tables[0]! }], { threshold: 3 }, ledger)).toEqual([]);
  });

  it('republishing the same period keeps the earlier suppression pattern', () => {
    const first = protect([forms(Q1, 8, 2)], { threshold: 3 }).tables;
    const ledger = ledgerOf('R1', [{ universe: Q1, table: first[0]! }]);
    const again = protect([forms(Q1, 8, 3)], { threshold: 3 }, ledger);
    expect(again.tables[0]!.cells.find((c) => c.key.form === 'l')!.suppressed).not.toBeNull();
  });

  it('a number published before with another value is reported as a revision', () => {
    const first = protect([forms(Q1, 8, 5)], { threshold: 3 }).tables;
    const ledger = ledgerOf('R1', [{ universe: Q1, table: first[0]! }]);
    const second = protect([forms(Q1, 9, 5)], { threshold: 3 }, ledger);
    expect(second.flags).toContainEqual({ kind: 'revised', universe: Q1, key: { form: 's' }, release: 'R1', before: 8, after: 9 });
  });
});

describe('feasibleRanges (the audit’s linear programme)', () => {
  it('x + y = 3, x + z = 5, y, z >= 0', () => {
    const r = feasibleRanges(['x', 'y', 'z'], [
      { coef: new Map([['x', 1], ['y', 1]]), rhs: 3 },
      { coef: new Map([['x', 1], ['z', 1]]), rhs: 5 },
    ])!;
    expect(r.get('x')).toEqual({ min: 0, max: 3 });
    expect(r.get('z')).toEqual({ min: 2, max: 5 });
  });
  it('an unbounded variable and an infeasible system', () => {
    expect(feasibleRanges(['x', 'y'], [{ coef: new Map([['x', 1], ['y', -1]]), rhs: 2 }])!.get('x')).toEqual({ min: 2, max: Infinity });
    expect(feasibleRanges(['x'], [{ coef: new Map([['x', 1]]), rhs: -1 }])).toBeNull();
  });
});
