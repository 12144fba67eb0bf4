import { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/database.ts';
import { onOneServer, type ReadPool } from '../../db/read-replica.ts';
import { badRequest, notFound } from '../../errors.ts';
import { queryKeys } from '../../../domain/names.ts';
import { ACT_OUTCOMES, ACT_TYPES, PERPETRATOR_CATEGORIES } from '../../../shared/press.ts';
import type { PublicIncident, PublicListQuery, PublicSummary } from '../../../shared/schemas/press.ts';
import * as repo from './repository.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { indexView } from './service.ts';
import { CSV_COLUMNS, servedDoc, todayIso } from './views.ts';
import { safeCell } from '../hotline-dashboard/export.ts';

type StoredDoc = Omit<PublicIncident, 'related'>;

/** Public cursors: opaque, over (occurred_on, id), the public list's order. */
export function encodePublicCursor(c: repo.PublicCursor): string {
  return Buffer.from(JSON.stringify([c.occurredOn, c.id])).toString('base64url');
}
export function decodePublicCursor(cursor: string | undefined): repo.PublicCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [occurredOn, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof occurredOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(occurredOn) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error();
    return { occurredOn, id };
  } catch {
    throw badRequest('validation_failed', 'The cursor is not one this API gave out', { cursor: 'invalid cursor' });
  }
}

/**
 * One page of the public list as JSON text (`{"items":[...],"nextCursor":...}`, the shape of the
 * route's schema): the items are the list items written at publication (`publicListItem`, public
 * fields only) with the days since the last investigative act counted by the query, joined as they
 * come from PostgreSQL. Parsing and re-serialising 50 documents per request was most of the list's
 * cost (docs/benchmarks.md).
 */
export async function listPublicJson(db: Db, query: PublicListQuery, today = todayIso()): Promise<string> {
  const { impunityMinDays } = await loadCountryProfile(db);
  const rows = await repo.listPublic(db, { ...query, keys: query.q ? queryKeys(query.q) : [], after: decodePublicCursor(query.cursor), today, impunityMinDays });
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  const nextCursor = more && last ? encodePublicCursor({ occurredOn: last.occurredOn, id: last.incidentId }) : null;
  return `{"items":[${page.map((r) => r.itemJson).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
}

export async function getPublic(db: Db, id: string, today = todayIso()): Promise<PublicIncident> {
  const row = await repo.findPublic(db, id);
  if (!row) throw notFound('Incident');
  const doc = servedDoc(row.doc as StoredDoc, today, (await loadCountryProfile(db)).impunityMinDays);
  // Links show only while the other incident is published too.
  const titles = new Map((await repo.publishedTitles(db, row.relatedIds)).map((r) => [r.incidentId, r.title]));
  const kinds = await db.selectFrom('pressIncidentLinks').select(['relatedId', 'kind']).where('incidentId', '=', id).orderBy('seq').execute();
  const related = kinds.flatMap((k) => {
    const title = titles.get(k.relatedId);
    return title !== undefined && row.relatedIds.includes(k.relatedId) ? [{ id: k.relatedId, title, kind: k.kind }] : [];
  });
  return { ...doc, related };
}

/**
 * Pages of the public list, cached per process like the summary: keyed by the public version (which
 * every publication, withdrawal and published index bumps in the database, in its transaction), the
 * day (the days since the last act move with it) and the query. Every request reads the version
 * row, so a process never serves a page from before a publication it can see; a page is computed
 * at most once per version, day and query while it stays among the most recently used (at most
 * `max` pages and `maxChars` characters).
 */
export class PublicListCache {
  private readonly pages: LRUCache<string, string>;
  /** Version and page on one server (the read replica when one is set): a page is never kept under a newer version than its own. */
  private readonly onOne: <T>(work: (db: Db) => Promise<T>) => Promise<T>;
  constructor(db: Db | ReadPool, max = 1000, maxChars = 32 * 1024 * 1024) {
    this.onOne = onOneServer(db);
    // Bounded by count and by size: a page of 200 items is about 150 KB.
    this.pages = new LRUCache({ max, maxSize: maxChars, sizeCalculation: (page) => page.length });
  }

  async get(query: PublicListQuery, today = todayIso()): Promise<string> {
    return this.onOne(async (db) => {
      const version = await repo.publicVersion(db);
      const key = JSON.stringify([version, today, ...Object.entries(query).sort(([a], [b]) => a.localeCompare(b))]);
      const hit = this.pages.get(key);
      if (hit !== undefined) return hit;
      const page = await listPublicJson(db, query, today);
      this.pages.set(key, page);
      return page;
    });
  }
}

/**
 * The charts' figures, cached per process. Any process that publishes bumps a version number in
 * the database in the same transaction; every request reads that one row and recomputes only when
 * it moved (or the day changed, since "days since" moves with the calendar).
 */
export class SummaryCache {
  private cached: { key: string; value: PublicSummary } | null = null;
  private pending: Promise<PublicSummary> | null = null;
  private pendingKey = '';
  /** Version and figures on one server (the read replica when one is set). */
  private readonly onOne: <T>(work: (db: Db) => Promise<T>) => Promise<T>;
  constructor(db: Db | ReadPool) {
    this.onOne = onOneServer(db);
  }

  async get(today = todayIso()): Promise<PublicSummary> {
    return this.onOne((db) => this.getOn(db, today));
  }

  private async getOn(db: Db, today: string): Promise<PublicSummary> {
    const version = await repo.publicVersion(db);
    const key = `${version}:${today}`;
    if (this.cached?.key === key) return this.cached.value;
    if (this.pending && this.pendingKey === key) return this.pending;
    this.pendingKey = key;
    this.pending = computeSummary(db, version, today).then(
      (value) => {
        this.cached = { key, value };
        this.pending = null;
        return value;
      },
      (e: unknown) => {
        this.pending = null;
        throw e;
      },
    );
    return this.pending;
  }
}

export async function computeSummary(db: Db, version: number, today: string): Promise<PublicSummary> {
  const { impunityMinDays } = await loadCountryProfile(db);
  const { byYear, totals: t } = await repo.publicAggregates(db, today, impunityMinDays);
  const index = await repo.latestPublishedIndex(db);
  const full = byYear.reduce((n, y) => n + y.full, 0);
  const partial = byYear.reduce((n, y) => n + y.partial, 0);
  const none = byYear.reduce((n, y) => n + y.none, 0);
  const early = byYear.reduce((n, y) => n + y.early, 0);
  let indexOut: PublicSummary['impunityIndex'] = null;
  if (index) {
    const { published: _p, ...rest } = indexView(index);
    indexOut = rest;
  }
  return {
    version,
    total: t.total,
    synthetic: t.synthetic,
    byYear: byYear.map((y) => ({ year: y.year, total: y.total, full_justice: y.full, partial_justice: y.partial, complete_impunity: y.none, too_early: y.early })),
    justice: { full_justice: full, partial_justice: partial, complete_impunity: none, too_early: early, perpetratorConvicted: t.perpetrator, mastermindConvicted: t.mastermind },
    impunityMinDays,
    investigation: { resolved: t.resolved, ongoing: t.ongoing, no_information: t.noinfo },
    sinceLastInvestigativeAct: [
      { bucket: 'under_1_year', count: t.b1 },
      { bucket: '1_to_3_years', count: t.b3 },
      { bucket: '3_to_5_years', count: t.b5 },
      { bucket: '5_to_10_years', count: t.b10 },
      { bucket: 'over_10_years', count: t.bover },
      { bucket: 'never', count: t.bnever },
    ],
    impunityIndex: indexOut,
  };
}

/** Every published incident as CSV, streamed in batches: one row each, columns as the dictionary says. */
export function exportCsv(db: Db, today = todayIso()): Readable {
  async function* rows() {
    yield stringify([CSV_COLUMNS.map((c) => c.name)]);
    const { impunityMinDays } = await loadCountryProfile(db);
    for await (const batch of repo.publicBatches(db)) {
      yield stringify(
        batch.map((r) => {
          const d = servedDoc(r.doc as StoredDoc, today, impunityMinDays);
          return CSV_COLUMNS.map((c) => {
            const v = c.get(d);
            // Titles, places and names are typed by staff: a spreadsheet must never run one as a formula.
            return v === null ? '' : typeof v === 'string' ? safeCell(v) : v;
          });
        }),
        { cast: { boolean: (b) => (b ? 'true' : 'false') } },
      );
    }
  }
  return Readable.from(rows());
}

/** Every published incident as a JSON array of public documents, streamed. */
export function exportJson(db: Db, today = todayIso()): Readable {
  async function* parts() {
    yield '[';
    const { impunityMinDays } = await loadCountryProfile(db);
    let first = true;
    for await (const batch of repo.publicBatches(db)) {
      for (const r of batch) {
        yield (first ? '' : ',') + JSON.stringify(servedDoc(r.doc as StoredDoc, today, impunityMinDays));
        first = false;
      }
    }
    yield ']';
  }
  return Readable.from(parts());
}

const VALUES: Record<string, readonly string[]> = { act_types: ACT_TYPES, outcomes: ACT_OUTCOMES, perpetrator_categories: PERPETRATOR_CATEGORIES };

export function dataDictionary() {
  return {
    title: 'Attacks on journalists and the state investigations: published incidents',
    licence: 'CC BY 4.0',
    notes: [
      'Only incidents a reviewer has published are included; the exact place, confidential sources, victims\' contact details and internal notes are never published.',
      'Places are given to the city only.',
      'Derived figures (impunity status, investigation status, days since the last investigative act) are computed from the recorded milestones, never typed in; status_overridden marks an analyst\'s override, whose reason is kept in the audit log.',
      'Days since the last investigative act count from the end of the period when a milestone is known only to the month or year; statements and anniversaries are not investigative acts.',
      'Rows with synthetic = true are generated demonstration data, not real incidents.',
      'Lists within a cell are separated by "|".',
    ],
    csvColumns: CSV_COLUMNS.map((c) => ({ name: c.name, type: c.type, description: c.description, ...(c.values || VALUES[c.name] ? { values: [...(c.values ?? VALUES[c.name]!)] } : {}) })),
    json: 'export.json is an array of the same documents as GET /api/public/press/incidents/{id}, without "related".',
  };
}
