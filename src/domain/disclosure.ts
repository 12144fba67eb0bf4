import type { StatisticsTable, Suppression, TableCell } from './statistics-table.ts';

/**
 * Statistical disclosure control for public releases (docs/statistics.md, reporting.md "Disclosure
 * control for public releases"): primary suppression under a threshold, children's figures below
 * region level never published, secondary suppression by hypercubes (each primary moved together
 * with the corners of a box so that every line's sum stays true), an exact audit of every suppressed
 * cell's feasible range by linear programming over all tables of the release and every earlier one,
 * and group disclosure flags. Pure: no I/O.
 */

export type DisclosureRules = {
  /** k: a count 0 < x < k is sensitive, and every suppressed cell's feasible range must be at least k wide. */
  threshold: number;
  /** Published values rounded to this base (open data) after suppression; null: exact. */
  rounding?: number | null;
  /** The dimension and value that mark children (default ageGroup = child). */
  child?: { dimension: string; value: string };
  /** Dimensions finer than a region (a district, a city): children's figures over them are never published. */
  belowRegion?: string[];
  /**
   * Group disclosure: a row over any other dimension (nationality, country, region) whose whole total
   * falls in one value of one of these dimensions is flagged; a list restricts the values that count
   * (ageGroup: only "child").
   */
  groupAttributes?: Record<string, string[] | null>;
};

export const DEFAULT_RULES: Required<Omit<DisclosureRules, 'threshold'>> = {
  rounding: null,
  child: { dimension: 'ageGroup', value: 'child' },
  belowRegion: ['district', 'city', 'settlement'],
  groupAttributes: { ageGroup: ['child'], form: null },
};

/**
 * A table with the population it counts: cells of two tables with the same universe and key are the
 * same number (a margin shared by linked tables). `universeOf` builds it from the population and period.
 */
export type ReleaseTable = { universe: string; table: StatisticsTable };

/** One published (or suppressed) number of an earlier release: the ledger audited before a new one. */
export type LedgerCell = { universe: string; key: Record<string, string>; value: number | null; release: string; table?: string; total?: boolean };

export type DisclosureFlag =
  | { kind: 'group_disclosure'; tableId: string; key: Record<string, string>; dimension: string; value: string }
  | { kind: 'recoverable'; universe: string; key: Record<string, string>; release: string | null; min: number; max: number }
  | { kind: 'revised'; universe: string; key: Record<string, string>; release: string; before: number; after: number };

export const universeOf = (population: string, from: string, to: string) => `${population}@${from}/${to}`;

function parseUniverse(u: string): { population: string; from: string; to: string } | null {
  const m = /^(.*)@(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/.exec(u);
  return m ? { population: m[1]!, from: m[2]!, to: m[3]! } : null;
}

export const keyId = (key: Record<string, string>) => JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));
const cellId = (universe: string, key: Record<string, string>) => `${universe}|${keyId(key)}`;

// ------------------------------------------------------------------------------------------------
// Linear programming: the feasible range of each unknown given the published equations

type Equation = { coef: Map<string, number>; rhs: number };

const EPS = 1e-9;

/**
 * min and max of each variable subject to A x = b, x >= 0 (two-phase simplex, Bland's rule).
 * Returns null when the equations have no non-negative solution.
 */
export function feasibleRanges(vars: string[], eqs: Equation[]): Map<string, { min: number; max: number }> | null {
  const n = vars.length;
  const index = new Map(vars.map((v, i) => [v, i]));
  const rows = eqs.filter((e) => [...e.coef.keys()].some((v) => index.has(v)));
  const m = rows.length;
  const out = new Map<string, { min: number; max: number }>();
  if (m === 0) {
    for (const v of vars) out.set(v, { min: 0, max: Infinity });
    return out;
  }
  // Tableau: m rows of [A | I (artificials) | b].
  const width = n + m + 1;
  let T: number[][] = rows.map((e, i) => {
    const row = new Array<number>(width).fill(0);
    for (const [v, c] of e.coef) {
      const j = index.get(v);
      if (j !== undefined) row[j]! += c;
    }
    row[n + i] = 1;
    row[width - 1] = e.rhs;
    if (e.rhs < 0) for (let j = 0; j < width; j++) if (j < n || j === width - 1) row[j] = -row[j]!;
    return row;
  });
  let basis = rows.map((_, i) => n + i);

  const pivot = (T: number[][], r: number, c: number) => {
    const pr = T[r]!;
    const pv = pr[c]!;
    for (let j = 0; j < pr.length; j++) pr[j]! /= pv;
    for (let i = 0; i < T.length; i++) {
      if (i === r) continue;
      const row = T[i]!;
      const f = row[c]!;
      if (Math.abs(f) < EPS) continue;
      for (let j = 0; j < row.length; j++) row[j]! -= f * pr[j]!;
    }
  };
  /** Minimises cost·x over the tableau in place; false when unbounded. */
  const run = (T: number[][], basis: number[], cost: number[], cols: number): boolean => {
    for (let guard = 0; guard < 10000; guard++) {
      let enter = -1;
      for (let j = 0; j < cols; j++) {
        if (basis.includes(j)) continue;
        let r = cost[j] ?? 0;
        for (let i = 0; i < T.length; i++) r -= (cost[basis[i]!] ?? 0) * T[i]![j]!;
        if (r < -EPS) {
          enter = j;
          break;
        }
      }
      if (enter < 0) return true;
      let leave = -1;
      let best = Infinity;
      for (let i = 0; i < T.length; i++) {
        const a = T[i]![enter]!;
        if (a <= EPS) continue;
        const ratio = T[i]![T[i]!.length - 1]! / a;
        if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) {
          best = ratio;
          leave = i;
        }
      }
      if (leave < 0) return false;
      pivot(T, leave, enter);
      basis[leave] = enter;
    }
    return true;
  };

  // Phase 1: minimise the artificials.
  const phase1 = new Array<number>(n + m).fill(0).map((_, j) => (j >= n ? 1 : 0));
  run(T, basis, phase1, n + m);
  const infeasibility = basis.reduce((s, b, i) => s + (b >= n ? T[i]![width - 1]! : 0), 0);
  if (infeasibility > 1e-6) return null;
  // Drive artificials out of the basis; a row where none can leave is redundant.
  for (let i = T.length - 1; i >= 0; i--) {
    if (basis[i]! < n) continue;
    const j = T[i]!.findIndex((a, j) => j < n && Math.abs(a) > EPS);
    if (j >= 0) {
      pivot(T, i, j);
      basis[i] = j;
    } else {
      T.splice(i, 1);
      basis.splice(i, 1);
    }
  }
  T = T.map((row) => [...row.slice(0, n), row[width - 1]!]);
  basis = [...basis];

  const solve = (j: number, sign: 1 | -1): number => {
    const t = T.map((r) => [...r]);
    const b = [...basis];
    const cost = new Array<number>(n).fill(0);
    cost[j] = sign;
    if (!run(t, b, cost, n)) return sign === 1 ? -Infinity : Infinity;
    const at = b.indexOf(j);
    return at >= 0 ? t[at]![n]! : 0;
  };
  vars.forEach((v, j) => {
    const min = Math.max(0, solve(j, 1));
    const max = solve(j, -1);
    out.set(v, { min: Math.round(min * 1e6) / 1e6, max: Number.isFinite(max) ? Math.round(max * 1e6) / 1e6 : Infinity });
  });
  return out;
}

// ------------------------------------------------------------------------------------------------
// The cells of a release as one system of equations

type Cell = { id: string; tableIndex: number; cell: TableCell; total: boolean; value: number };

type System = {
  cells: Cell[];
  /** Cells by id (one id can appear in several tables). */
  byId: Map<string, Cell[]>;
  /** Equations over cell ids: total − Σ inner = 0 per table; period tilings across universes. */
  equations: Array<Map<string, number>>;
};

function buildSystem(tables: ReleaseTable[], ledger: LedgerCell[]): System {
  const cells: Cell[] = [];
  const byId = new Map<string, Cell[]>();
  const equations: Array<Map<string, number>> = [];
  tables.forEach(({ universe, table }, tableIndex) => {
    const inner = table.cells.map((c) => ({ id: cellId(universe, c.key), tableIndex, cell: c, total: false, value: c.value ?? 0 }));
    const totals = table.totals.map((c) => ({ id: cellId(universe, c.key), tableIndex, cell: c, total: true, value: c.value ?? 0 }));
    for (const c of [...inner, ...totals]) {
      cells.push(c);
      byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
    }
    for (const t of totals) {
      const eq = new Map<string, number>([[t.id, 1]]);
      for (const c of inner) if (Object.entries(t.cell.key).every(([d, v]) => c.cell.key[d] === v)) eq.set(c.id, (eq.get(c.id) ?? 0) - 1);
      equations.push(eq);
    }
  });
  // The equations of earlier releases' tables: their totals are the sums of their inner cells.
  const earlierTables = new Map<string, LedgerCell[]>();
  for (const l of ledger) if (l.table !== undefined) earlierTables.set(`${l.release}\u0001${l.table}`, [...(earlierTables.get(`${l.release}\u0001${l.table}`) ?? []), l]);
  for (const cells of earlierTables.values()) {
    const inner = cells.filter((c) => !c.total);
    for (const tot of cells.filter((c) => c.total)) {
      const eq = new Map<string, number>([[cellId(tot.universe, tot.key), 1]]);
      for (const c of inner) if (Object.entries(tot.key).every(([d, v]) => c.key[d] === v)) eq.set(cellId(c.universe, c.key), (eq.get(cellId(c.universe, c.key)) ?? 0) - 1);
      equations.push(eq);
    }
  }
  // Periods: a universe whose period is exactly covered by others of the same population is their sum.
  const keysOf = new Map<string, Set<string>>();
  const add = (u: string, k: Record<string, string>) => keysOf.set(u, (keysOf.get(u) ?? new Set()).add(keyId(k)));
  for (const { universe, table } of tables) for (const c of [...table.cells, ...table.totals]) add(universe, c.key);
  for (const l of ledger) add(l.universe, l.key);
  const universes = [...keysOf.keys()].map((u) => ({ u, p: parseUniverse(u) })).filter((x): x is { u: string; p: NonNullable<ReturnType<typeof parseUniverse>> } => x.p !== null);
  for (const whole of universes) {
    const parts = universes.filter((x) => x.u !== whole.u && x.p.population === whole.p.population && x.p.from >= whole.p.from && x.p.to <= whole.p.to);
    const tiling = tile(whole.p.from, whole.p.to, parts.map((x) => ({ u: x.u, from: x.p.from, to: x.p.to })));
    if (!tiling) continue;
    for (const k of keysOf.get(whole.u)!) {
      if (!tiling.every((t) => keysOf.get(t)!.has(k))) continue;
      const eq = new Map<string, number>([[`${whole.u}|${k}`, 1]]);
      for (const t of tiling) eq.set(`${t}|${k}`, -1);
      equations.push(eq);
    }
  }
  return { cells, byId, equations };
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Universes whose periods follow each other without gap or overlap from `from` to `to` (at least two). */
function tile(from: string, to: string, parts: Array<{ u: string; from: string; to: string }>): string[] | null {
  const go = (at: string, used: string[]): string[] | null => {
    for (const p of parts.filter((x) => x.from === at)) {
      if (p.to === to) return used.length > 0 ? [...used, p.u] : null;
      if (p.to < to) {
        const r = go(nextDay(p.to), [...used, p.u]);
        if (r) return r;
      }
    }
    return null;
  };
  return go(from, []);
}

type Known = Map<string, number>;

/** The feasible range of every unknown cell: unknown = suppressed now and never published before. */
function ranges(sys: System, suppressed: Set<string>, ledger: LedgerCell[], focus?: Set<string>) {
  const known: Known = new Map();
  for (const l of ledger) if (l.value !== null) known.set(cellId(l.universe, l.key), l.value);
  for (const c of sys.cells) if (!suppressed.has(c.id)) known.set(c.id, c.value);
  const unknown = new Set<string>();
  for (const l of ledger) {
    const id = cellId(l.universe, l.key);
    if (l.value === null && !known.has(id)) unknown.add(id);
  }
  for (const id of suppressed) if (!known.has(id)) unknown.add(id);
  const eqs: Equation[] = [];
  const touched = new Set<string>();
  for (const e of sys.equations) {
    if (focus && [...e.keys()].some((id) => focus.has(id))) for (const id of e.keys()) if (unknown.has(id)) touched.add(id);
    let rhs = 0;
    const coef = new Map<string, number>();
    let complete = true;
    for (const [id, c] of e) {
      if (unknown.has(id)) coef.set(id, c);
      else if (known.has(id)) rhs -= c * known.get(id)!;
      else complete = false; // a cell nobody published: the equation tells nothing
    }
    if (complete && coef.size > 0) eqs.push({ coef, rhs });
  }
  // Independent groups of unknowns are solved apart.
  const parent = new Map([...unknown].map((u) => [u, u]));
  const find = (x: string): string => (parent.get(x) === x ? x : find(parent.get(x)!));
  for (const e of eqs) {
    const [first, ...rest] = [...e.coef.keys()];
    for (const r of rest) parent.set(find(r), find(first!));
  }
  const groups = new Map<string, string[]>();
  for (const u of unknown) groups.set(find(u), [...(groups.get(find(u)) ?? []), u]);
  const result = new Map<string, { min: number; max: number } | null>();
  for (const vars of groups.values()) {
    // Groups this release does not touch were audited when their release was approved.
    if (focus && !vars.some((v) => touched.has(v))) continue;
    const set = new Set(vars);
    const r = feasibleRanges(vars, eqs.filter((e) => [...e.coef.keys()].some((k) => set.has(k))));
    for (const v of vars) result.set(v, r ? r.get(v)! : null);
  }
  return result;
}

const narrow = (r: { min: number; max: number } | null | undefined, k: number) => r !== null && r !== undefined && r.max - r.min < k;

// ------------------------------------------------------------------------------------------------
// Hypercubes

const TOTAL = '*';

function gridOf(table: StatisticsTable) {
  const dims = table.dimensions.map((d) => d.id);
  const pos = (key: Record<string, string>) => dims.map((d) => key[d] ?? TOTAL);
  const at = new Map<string, TableCell>();
  for (const c of [...table.cells, ...table.totals]) at.set(pos(c.key).join('\u0001'), c);
  return { dims, pos, at, values: table.dimensions.map((d) => d.values.map((v) => v.code)) };
}

/**
 * The cheapest box around `target` whose corners, moved together by ±t, keep every sum of the table:
 * along each dimension the target's value pairs with another (two inner values move in opposite
 * directions, an inner value and the total in the same). Its width is min(plus corners) + min(minus
 * corners). Returns the corners to suppress (those present in the table), or null when none is wide.
 */
function bestHypercube(table: StatisticsTable, target: TableCell, suppressed: (c: TableCell) => boolean, k: number): TableCell[] | null {
  const g = gridOf(table);
  const p = g.pos(target.key);
  const choices = g.dims.map((_, d) => [...g.values[d]!, TOTAL].filter((v) => v !== p[d]));
  let best: { corners: TableCell[]; cost: [number, number, number] } | null = null;
  let widest: { corners: TableCell[]; width: number } | null = null;
  const pick = (d: number, w: string[]) => {
    if (d === g.dims.length) {
      const corners: Array<{ cell: TableCell; sign: number }> = [];
      for (let mask = 0; mask < 1 << g.dims.length; mask++) {
        let sign = 1;
        const at = p.map((v, i) => {
          if (!(mask & (1 << i))) return v;
          if (v !== TOTAL && w[i] !== TOTAL) sign = -sign;
          return w[i]!;
        });
        const cell = g.at.get(at.join('\u0001'));
        if (cell) corners.push({ cell, sign });
      }
      const plus = corners.filter((c) => c.sign > 0).map((c) => c.cell.value ?? 0);
      const minus = corners.filter((c) => c.sign < 0).map((c) => c.cell.value ?? 0);
      const width = (plus.length ? Math.min(...plus) : Infinity) + (minus.length ? Math.min(...minus) : Infinity);
      const cells = corners.map((c) => c.cell);
      if (!widest || width > widest.width) widest = { corners: cells, width };
      if (width < k) return;
      const fresh = cells.filter((c) => !suppressed(c));
      const cost: [number, number, number] = [fresh.length, fresh.filter((c) => Object.keys(c.key).length < g.dims.length).length, fresh.reduce((s, c) => s + (c.value ?? 0), 0)];
      if (!best || cost[0] < best.cost[0] || (cost[0] === best.cost[0] && (cost[1] < best.cost[1] || (cost[1] === best.cost[1] && cost[2] < best.cost[2])))) best = { corners: cells, cost };
      return;
    }
    for (const v of choices[d]!) pick(d + 1, [...w, v]);
  };
  pick(0, []);
  return (best as { corners: TableCell[] } | null)?.corners ?? (widest as { corners: TableCell[] } | null)?.corners ?? null;
}

// ------------------------------------------------------------------------------------------------
// Protection

const copyTable = (t: StatisticsTable): StatisticsTable => ({
  ...t,
  cells: t.cells.map((c) => ({ ...c, key: { ...c.key }, suppressed: null })),
  totals: t.totals.map((c) => ({ ...c, key: { ...c.key }, suppressed: null })),
});

/**
 * Suppresses what must not be published: every inner or total cell with 0 < value < k and every
 * child's figure over a dimension finer than a region (primary); then, for each, the cheapest
 * hypercube of other cells (secondary); cells that are one number in several tables (shared
 * margins, the same universe and key) or that an earlier release suppressed are suppressed
 * everywhere; finally an exact audit of the equations of this release with all earlier ones, and
 * for every cell whose feasible range is still narrower than k one more cell of its equations,
 * until none is. Values stay in the result (inside Pathway); `publicTable` blanks them.
 */
export function protect(input: ReleaseTable[], rules: DisclosureRules, ledger: LedgerCell[] = []): { tables: StatisticsTable[]; flags: DisclosureFlag[] } {
  const k = rules.threshold;
  const child = rules.child ?? DEFAULT_RULES.child;
  const belowRegion = rules.belowRegion ?? DEFAULT_RULES.belowRegion;
  const tables = input.map((t) => ({ universe: t.universe, table: copyTable(t.table) }));
  const sys = buildSystem(tables, ledger);
  const state = new Map<TableCell, Suppression>();
  const idOf = new Map<TableCell, string>();
  for (const c of sys.cells) idOf.set(c.cell, c.id);
  const isSuppressed = (c: TableCell) => state.get(c) != null;
  const earlierSuppressed = new Set(ledger.filter((l) => l.value === null).map((l) => cellId(l.universe, l.key)));
  const queue: Cell[] = [];
  const suppress = (c: Cell, kind: 'primary' | 'secondary') => {
    if (isSuppressed(c.cell)) return;
    state.set(c.cell, kind);
    queue.push(c);
  };

  for (const c of sys.cells) {
    const v = c.value;
    const childBelowRegion = c.cell.key[child.dimension] === child.value && Object.keys(c.cell.key).some((d) => belowRegion.includes(d));
    if ((v > 0 && v < k) || (childBelowRegion && v > 0)) suppress(c, 'primary');
  }
  for (const c of sys.cells) if (earlierSuppressed.has(c.id)) suppress(c, 'secondary');

  const drain = () => {
    while (queue.length > 0) {
      const c = queue.shift()!;
      // The same number elsewhere in the release.
      for (const twin of sys.byId.get(c.id) ?? []) if (twin !== c) suppress(twin, 'secondary');
      const table = tables[c.tableIndex]!.table;
      const corners = bestHypercube(table, c.cell, isSuppressed, k) ?? [];
      for (const corner of corners) {
        const cc = sys.cells.find((x) => x.cell === corner)!;
        suppress(cc, 'secondary');
      }
    }
  };
  drain();

  // Audit and widen until every unknown is wide, or everything of the release in its way is hidden.
  const own = new Set(sys.cells.map((c) => c.id));
  for (let round = 0; round < 200; round++) {
    const ids = new Set(sys.cells.filter((c) => isSuppressed(c.cell)).map((c) => c.id));
    const r = ranges(sys, ids, ledger, own);
    const tight = [...r.entries()].filter(([, x]) => narrow(x, k)).map(([id]) => id);
    if (tight.length === 0) break;
    let widened = false;
    for (const id of tight) {
      // The smallest published cell of this release sharing an equation with the tight one.
      const candidates = sys.equations
        .filter((e) => e.has(id))
        .flatMap((e) => [...e.keys()])
        .flatMap((x) => sys.byId.get(x) ?? [])
        .filter((c) => !isSuppressed(c.cell))
        .sort((a, b) => (a.value === 0 ? 1 : 0) - (b.value === 0 ? 1 : 0) || a.value - b.value);
      const pickOne = candidates[0];
      if (pickOne) {
        suppress(pickOne, 'secondary');
        widened = true;
      }
    }
    if (!widened) {
      // Nothing next to a tight cell is published in this release: hide the rest of its equations' reach.
      const before = queue.length;
      for (const id of tight) for (const e of sys.equations.filter((x) => x.has(id))) for (const x of e.keys()) for (const c of sys.byId.get(x) ?? []) suppress(c, 'secondary');
      if (queue.length === before) break;
    }
    drain();
  }

  for (const { table } of tables) for (const c of [...table.cells, ...table.totals]) c.suppressed = state.get(c) ?? null;
  const flags: DisclosureFlag[] = [...groupDisclosure(tables.map((t) => t.table), rules), ...auditRelease(tables, rules, ledger).filter((f) => f.kind !== 'group_disclosure')];
  return { tables: tables.map((t) => t.table), flags };
}

/**
 * The audit before approval: every cell suppressed in this release or an earlier one whose feasible
 * range, given everything published in both, is narrower than k (`recoverable`: for example an
 * annual figure minus published quarters), and every number published before with another value now.
 */
export function auditRelease(tables: ReleaseTable[], rules: DisclosureRules, ledger: LedgerCell[] = []): DisclosureFlag[] {
  const sys = buildSystem(tables, ledger);
  const suppressed = new Set(sys.cells.filter((c) => c.cell.suppressed !== null).map((c) => c.id));
  const r = ranges(sys, suppressed, ledger, new Set(sys.cells.map((c) => c.id)));
  const releaseOf = new Map(ledger.map((l) => [cellId(l.universe, l.key), l]));
  const flags: DisclosureFlag[] = [];
  for (const [id, x] of r) {
    if (!narrow(x, rules.threshold)) continue;
    const sep = id.indexOf('|');
    const earlier = releaseOf.get(id);
    flags.push({ kind: 'recoverable', universe: id.slice(0, sep), key: Object.fromEntries(JSON.parse(id.slice(sep + 1)) as Array<[string, string]>), release: earlier?.release ?? null, min: x!.min, max: x!.max });
  }
  for (const c of sys.cells) {
    const earlier = releaseOf.get(c.id);
    if (earlier && earlier.value !== null && c.cell.suppressed === null && earlier.value !== c.value) {
      const sep = c.id.indexOf('|');
      flags.push({ kind: 'revised', universe: c.id.slice(0, sep), key: { ...c.cell.key }, release: earlier.release, before: earlier.value, after: c.value });
    }
  }
  return [...groupDisclosure(tables.map((t) => t.table), rules), ...flags];
}

/**
 * Group disclosure (reporting.md): a nationality, country or place row whose whole total lies in one
 * value of an attribute (all children, one form of exploitation) tells something of every person in it.
 */
export function groupDisclosure(tables: StatisticsTable[], rules: DisclosureRules): DisclosureFlag[] {
  const attributes = rules.groupAttributes ?? DEFAULT_RULES.groupAttributes;
  const flags: DisclosureFlag[] = [];
  for (const t of tables) {
    if (t.dimensions.length < 2) continue;
    for (const attr of t.dimensions.filter((d) => d.id in attributes)) {
      const only = attributes[attr.id];
      for (const group of t.dimensions.filter((d) => d.id !== attr.id && !(d.id in attributes))) {
        for (const gv of group.values) {
          const row = t.cells.filter((c) => c.key[group.id] === gv.code);
          const total = row.reduce((s, c) => s + (c.value ?? 0), 0);
          if (total === 0) continue;
          for (const av of attr.values) {
            if (only && !only.includes(av.code)) continue;
            const inValue = row.filter((c) => c.key[attr.id] === av.code).reduce((s, c) => s + (c.value ?? 0), 0);
            if (inValue === total) flags.push({ kind: 'group_disclosure', tableId: t.id, key: { [group.id]: gv.code }, dimension: attr.id, value: av.code });
          }
        }
      }
    }
  }
  return flags;
}

/** What the public sees: suppressed values blanked, the others rounded if the rules round. */
export function publicTable(t: StatisticsTable, rules: Pick<DisclosureRules, 'rounding'> = {}): StatisticsTable {
  const base = rules.rounding ?? null;
  const show = (c: TableCell): TableCell => ({
    key: c.key,
    value: c.suppressed !== null || c.value === null ? null : base ? Math.round(c.value / base) * base : c.value,
    suppressed: c.suppressed,
  });
  return { ...t, cells: t.cells.map(show), totals: t.totals.map(show) };
}

/** The ledger entries of a release as published: what later releases are audited against. */
export function ledgerOf(release: string, tables: ReleaseTable[]): LedgerCell[] {
  return tables.flatMap(({ universe, table }) =>
    [...table.cells.map((c) => [c, false] as const), ...table.totals.map((c) => [c, true] as const)].map(([c, total]) => ({ universe, key: c.key, value: c.suppressed !== null ? null : c.value, release, table: table.id, total })),
  );
}
