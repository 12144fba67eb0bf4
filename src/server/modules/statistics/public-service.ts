import { LRUCache } from 'lru-cache';
import type { Db } from '../../db/database.ts';
import { onOneServer, type ReadPool } from '../../db/read-replica.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Language } from '../../../shared/schemas/common.ts';
import type { PublicRelease } from '../../../shared/schemas/statistics.ts';
import { publicTable } from '../../../domain/disclosure.ts';
import { textsIn } from '../../i18n.ts';
import * as repo from './repository.ts';
import { flatRows, toCsv, type StoredTables } from './service.ts';

/** A withdrawn release: a neutral answer, never the reason. */
const withdrawn = () => new AppError('withdrawn', 410, 'This statistical release has been withdrawn');

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/**
 * The public answers, cached per process. An approved release never changes (a new version is a new
 * release), so its page is computed once per language and kept while among the most used; the list
 * is keyed by the approved releases' count and latest approval, read on every request.
 */
export class PublicStatistics {
  private readonly pages = new LRUCache<string, string>({ max: 600, maxSize: 64 * 1024 * 1024, sizeCalculation: (s) => s.length });
  private list_: { key: string; json: string } | null = null;
  /** On one server per answer (the read replica when one is set): the list's key and rows agree. */
  private readonly onOne: <T>(work: (db: Db) => Promise<T>) => Promise<T>;
  /** Whether a release is public is read on the primary: a withdrawal holds at once, whatever a standby has replayed. */
  private readonly primary: Db;
  constructor(db: Db | ReadPool) {
    this.onOne = onOneServer(db);
    this.primary = 'primary' in db ? db.primary : db;
  }

  async list(): Promise<string> {
    return this.onOne((db) => this.listOn(db));
  }

  private async listOn(db: Db): Promise<string> {
    const key = await repo.publicVersion(db);
    if (this.list_?.key === key) return this.list_.json;
    const rows = await repo.approvedReleases(db);
    const json = JSON.stringify({ items: rows.map((r) => ({ id: r.id, title: r.title, period: { from: day(r.periodFrom), to: day(r.periodTo) }, version: r.version, approvedAt: new Date(r.approvedAt as unknown as string).toISOString() })) });
    this.list_ = { key, json };
    return json;
  }

  /** The release's public document: only an approved release (or one a newer version replaced). */
  async doc(id: string, lang: Language): Promise<PublicRelease> {
    const status = await repo.releaseStatus(this.primary, id);
    if (status === 'withdrawn') throw withdrawn();
    const r = status === 'approved' || status === 'superseded' ? await this.onOne((db) => repo.findRelease(db, id)) : undefined;
    if (!r || (r.status !== 'approved' && r.status !== 'superseded')) throw notFound('Release');
    const stored = r.tables as StoredTables;
    return { id: r.id, title: r.title, period: { from: day(r.periodFrom), to: day(r.periodTo) }, version: r.version, tables: stored.tables[lang].map((t) => publicTable(t, { rounding: r.rounding })) };
  }

  async release(id: string, lang: Language): Promise<string> {
    const key = `${id}:${lang}`;
    const hit = this.pages.get(key);
    if (hit !== undefined) {
      // A release may be withdrawn by another process: its status is read on every request (one
      // primary-key lookup), so a cached page is never served after a withdrawal.
      const status = await repo.releaseStatus(this.primary, id);
      if (status === 'approved' || status === 'superseded') return hit;
      this.pages.delete(key);
      throw status === 'withdrawn' ? withdrawn() : notFound('Release');
    }
    const json = JSON.stringify(await this.doc(id, lang));
    this.pages.set(key, json);
    return json;
  }

  private async rows(id: string, lang: Language) {
    const d = await this.doc(id, lang);
    return flatRows(d.tables, { release_id: d.id, release_version: d.version, period_from: d.period.from, period_to: d.period.to });
  }

  async csv(id: string, lang: Language): Promise<Buffer> {
    return toCsv(await this.rows(id, lang));
  }

  async json(id: string, lang: Language): Promise<string> {
    const { columns, rows } = await this.rows(id, lang);
    return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
  }
}

/** The open-data columns; a dimension's code and label columns are named after the dimension. */
export function dictionary(lang: Language) {
  const t = textsIn(lang);
  const d = (name: string, key = name) => ({ name, description: t(`statistics.dictionary.${key}`) });
  return {
    columns: [
      d('release_id'),
      d('release_version'),
      d('period_from'),
      d('period_to'),
      d('table_id'),
      d('table_title'),
      { name: '<dimension>, <dimension>_label', description: t('statistics.dictionary.dimension') },
      d('value'),
      d('suppressed'),
      d('total'),
    ],
  };
}
