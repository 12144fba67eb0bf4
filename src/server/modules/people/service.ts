import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { appendAudit, auditedTransaction, auditRead, diff, type AuditActor } from '../../audit/audit.ts';
import { searchedName } from '../../audit/withhold.ts';
import type { Keys } from '../../crypto/keys.ts';
import { sealField } from '../../crypto/record-keys.ts';
import { redact, scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { compareNames, detectScript, nameMatchKeys, parseName, parseNameParts, queryKeyTiers, searchScore } from '../../../domain/name-match.ts';
import { duplicateScore, DUPLICATE_SHOW_THRESHOLD } from '../../../domain/person-match.ts';
import type { NameKind, NameScript, PersonSex } from '../../../shared/people.ts';
import type {
  CreatePersonBody,
  DuplicatesBody,
  DuplicatesResult,
  MergeBody,
  NameMatchView,
  PersonNameInput,
  PersonSearchResult,
  PersonView,
  UpdatePersonBody,
} from '../../../shared/schemas/people.ts';
import { PEOPLE } from './policy.ts';
import * as repo from './repository.ts';

const clean = (s: string | null | undefined) => (s?.trim() ? s.trim().replace(/\s+/g, ' ') : null);

/** A name as stored: parts trimmed, as entered (or the parts joined), its script and matching keys. */
export function toNewName(n: PersonNameInput, kind: NameKind): repo.NewName {
  const givenName = clean(n.givenName);
  const familyName = clean(n.familyName);
  const patronymic = clean(n.patronymic);
  const asEntered = clean(n.asEntered) ?? [givenName, patronymic, familyName].filter(Boolean).join(' ');
  return { givenName, familyName, patronymic, asEntered, script: detectScript(asEntered), kind, keys: nameMatchKeys({ givenName, familyName, patronymic }) };
}

/** The birth fields as stored: the date sealed, bound to the person's id. */
const storedBirth = (personId: string, b: { birthDate: string | null; birthYear: number | null; birthYearEstimated: boolean }) => ({
  birthDateEnc: repo.sealBirthDate(personId, b.birthDate),
  birthYear: b.birthYear,
  birthYearEstimated: b.birthYearEstimated,
});

/** Birth date and year agree: a date sets the year; a year alone may be an estimate. */
function birthFields(b: { birthDate?: string | null; birthYear?: number | null; birthYearEstimated?: boolean }) {
  const birthDate = b.birthDate ?? null;
  if (birthDate) {
    const year = Number(birthDate.slice(0, 4));
    if (b.birthYear != null && b.birthYear !== year) throw badRequest('validation_failed', 'The birth year differs from the date of birth', { birthYear: `the date of birth says ${year}` });
    if (b.birthYearEstimated) throw badRequest('validation_failed', 'A known date of birth is not an estimate', { birthYearEstimated: 'only with a year alone' });
    return { birthDate, birthYear: year, birthYearEstimated: false };
  }
  const birthYear = b.birthYear ?? null;
  if (birthYear !== null && birthYear > new Date().getUTCFullYear()) throw badRequest('validation_failed', 'A birth year cannot be in the future', { birthYear: 'in the future' });
  return { birthDate: null, birthYear, birthYearEstimated: birthYear === null ? false : Boolean(b.birthYearEstimated) };
}

export function toPersonView(p: Principal, row: repo.PersonRow, names: readonly repo.NameRow[]): PersonView {
  const view: PersonView = {
    id: row.id,
    ownerAgencyId: row.ownerAgencyId,
    sex: row.sex as PersonSex,
    birthDate: row.birthDate,
    birthYear: row.birthYear,
    birthYearEstimated: row.birthYearEstimated,
    citizenship: row.citizenship,
    languages: row.languages,
    names: names.map((n) => ({
      id: n.id,
      givenName: n.givenName,
      familyName: n.familyName,
      patronymic: n.patronymic,
      asEntered: n.asEntered,
      script: n.script as NameScript,
      kind: n.kind as NameKind,
      createdAt: n.createdAt.toISOString(),
    })),
    mergedInto: row.mergedInto,
    mergedAt: row.mergedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  return redact(p, PEOPLE, view) as PersonView;
}

/**
 * Records a person, owned by the principal's agency, in the caller's transaction and audited there.
 * For modules that add a person as part of a larger write (a case); `createPerson` is the same on its own.
 */
export async function insertPerson(tx: Tx, p: Principal, actor: AuditActor, body: CreatePersonBody): Promise<PersonView> {
  if (scopesFor(p, 'person', 'create').size === 0) throw forbidden();
  return recordPerson(tx, p, actor, body);
}

/**
 * `insertPerson` without its permission check, for a write whose own permission covers the person:
 * opening a case records its victim (an operator may open cases from contacts, not keep a registry).
 * The name may be unknown (a caller who gave none): the person is then found through the case only.
 */
export async function recordPerson(tx: Tx, p: Principal, actor: AuditActor, body: Omit<CreatePersonBody, 'name'> & { name?: CreatePersonBody['name'] | undefined }): Promise<PersonView> {
  const birth = birthFields(body);
  const names = [...(body.name ? [toNewName(body.name, 'primary')] : []), ...(body.aliases ?? []).map((a) => toNewName(a, 'alias'))];
  const now = new Date();
  const id = crypto.randomUUID();
  const row = await tx
    .insertInto('people')
    .values({
      id,
      ownerAgencyId: p.agencyId,
      createdBy: p.userId,
      sex: body.sex ?? 'unknown',
      ...storedBirth(id, birth),
      citizenship: body.citizenship ?? null,
      languages: [...new Set(body.languages ?? [])],
      nameKeys: repo.nameKeyTokens(names.flatMap((n) => n.keys)),
      createdAt: now,
      updatedAt: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await repo.insertNames(tx, row.id, p.userId, names);
  await appendAudit(tx, actor, {
    action: 'person.created',
    recordType: 'person',
    recordId: row.id,
    changes: { sex: body.sex ?? 'unknown', ...birth, citizenship: body.citizenship ?? null, names: names.map((n) => ({ kind: n.kind, asEntered: n.asEntered })) },
  });
  // The creator sees what they recorded, even with a role that may create but not read people.
  return toPersonView(p, await repo.loadPerson(tx, row.id), await repo.listNames(tx, [row.id]));
}

export async function createPerson(db: Db, p: Principal, actor: AuditActor, body: CreatePersonBody): Promise<PersonView> {
  return auditedTransaction(db, actor, async (tx) => ({ result: await insertPerson(tx, p, actor, body), audit: [] }));
}

/** `POST /names/match`: the name-matching module as a service. */
export function matchNames(a: string, b: string): z.infer<typeof NameMatchView> {
  return compareNames(a, b);
}

async function viewOf(db: DbOrTx, p: Principal, id: string, action: 'read' | 'update' = 'read') {
  const row = await repo.findPerson(db, p, id, action);
  if (!row) throw notFound('Person');
  return toPersonView(p, row, await repo.listNames(db, [id]));
}

/** One person with all their names; the read is audited (names and dates of birth of possible victims). */
export async function getPerson(db: Db, p: Principal, actor: AuditActor, id: string): Promise<PersonView> {
  const view = await viewOf(db, p, id);
  await auditRead(db, actor, { action: 'person.read', recordType: 'person', recordId: id, changes: { fields: Object.keys(view).sort() } });
  return view;
}

/** Birth fields after an update: a new date sets the year; a new year alone clears the date. */
function updatedBirth(row: repo.PersonRow, body: UpdatePersonBody) {
  if (body.birthDate !== undefined) return birthFields({ birthDate: body.birthDate, birthYear: body.birthYear, birthYearEstimated: body.birthYearEstimated });
  if (body.birthYear !== undefined) return birthFields({ birthDate: null, birthYear: body.birthYear, birthYearEstimated: body.birthYearEstimated });
  if (body.birthYearEstimated !== undefined) return birthFields({ birthDate: row.birthDate, birthYear: row.birthYear, birthYearEstimated: body.birthYearEstimated });
  return { birthDate: row.birthDate, birthYear: row.birthYear, birthYearEstimated: row.birthYearEstimated };
}

const requireNotMerged = (row: repo.PersonRow) => {
  if (row.mergedInto) throw conflict('person_merged', 'This record was merged into another; change that one', { mergedInto: row.mergedInto });
};

/** Changes a person's details; a new primary name keeps the old one as an alias. */
export async function updatePerson(db: Db, p: Principal, actor: AuditActor, id: string, body: UpdatePersonBody): Promise<PersonView> {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await repo.lockPerson(tx, p, id);
    if (!row) throw notFound('Person');
    requireNotMerged(row);
    const before = { sex: row.sex, birthDate: row.birthDate, birthYear: row.birthYear, birthYearEstimated: row.birthYearEstimated, citizenship: row.citizenship, languages: row.languages };
    const after = {
      sex: body.sex ?? row.sex,
      ...updatedBirth(row, body),
      citizenship: body.citizenship !== undefined ? body.citizenship : row.citizenship,
      languages: body.languages !== undefined ? [...new Set(body.languages)] : row.languages,
    };
    const changes: Record<string, unknown> = diff(before, after);
    if (body.name) {
      const primary = (await repo.listNames(tx, [id])).find((n) => n.kind === 'primary');
      const name = toNewName(body.name, 'primary');
      if (primary) await tx.updateTable('personNames').set({ kind: 'alias' }).where('id', '=', primary.id).execute();
      await repo.insertNames(tx, id, p.userId, [name]);
      changes.primaryName = { old: primary?.asEntered ?? null, new: name.asEntered };
    }
    const { birthDate, birthYear, birthYearEstimated, ...rest } = after;
    await tx.updateTable('people').set({ ...rest, ...storedBirth(id, { birthDate, birthYear, birthYearEstimated }), updatedAt: new Date() }).where('id', '=', id).execute();
    if (body.name) await repo.refreshNameKeys(tx, id);
    return { result: await viewOf(tx, p, id, 'update'), audit: Object.keys(changes).length > 0 ? { action: 'person.updated', recordType: 'person', recordId: id, changes } : [] };
  });
}

/** Adds another name the person is known by. */
export async function addName(db: Db, p: Principal, actor: AuditActor, id: string, input: PersonNameInput): Promise<PersonView> {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await repo.lockPerson(tx, p, id);
    if (!row) throw notFound('Person');
    requireNotMerged(row);
    const name = toNewName(input, 'alias');
    const [added] = await repo.insertNames(tx, id, p.userId, [name]);
    await repo.refreshNameKeys(tx, id);
    await tx.updateTable('people').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    return {
      result: await viewOf(tx, p, id, 'update'),
      audit: { action: 'person.name_added', recordType: 'person', recordId: id, changes: { nameId: added!.id, asEntered: name.asEntered } },
    };
  });
}

/** Removes an alias; the primary name can only be replaced (PATCH with `name`), never removed. */
export async function removeName(db: Db, p: Principal, actor: AuditActor, id: string, nameId: string): Promise<PersonView> {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await repo.lockPerson(tx, p, id);
    if (!row) throw notFound('Person');
    requireNotMerged(row);
    const name = (await repo.listNames(tx, [id])).find((n) => n.id === nameId);
    if (!name) throw notFound('Name');
    if (name.kind === 'primary') throw conflict('primary_name', 'The primary name cannot be removed; give another primary name instead');
    await tx.deleteFrom('personNames').where('id', '=', nameId).execute();
    await repo.refreshNameKeys(tx, id);
    await tx.updateTable('people').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    return {
      result: await viewOf(tx, p, id, 'update'),
      audit: { action: 'person.name_removed', recordType: 'person', recordId: id, changes: { nameId, asEntered: name.asEntered } },
    };
  });
}

/** Below this many exact finds, a search also looks up consonant skeletons (spellings the keys keep apart). */
export const LOOSE_LOOKUP_BELOW = 5;

/**
 * Candidates for a name: those whose keys hold every word's key, then (when that finds fewer than
 * `LOOSE_LOOKUP_BELOW`) those whose keys hold every word's consonant skeleton. Only people the principal may read.
 */
async function candidates(db: DbOrTx, p: Principal, tiers: { exact: string[]; loose: string[] }, exclude: string[] = []) {
  const rows = await repo.searchCandidates(db, p, tiers.exact, exclude);
  if (rows.length < LOOSE_LOOKUP_BELOW) rows.push(...(await repo.searchCandidates(db, p, tiers.loose, [...exclude, ...rows.map((r) => r.id)])));
  return rows.map(({ names, ...row }) => ({ row, names }));
}

/**
 * People the principal may see whose names answer the query, best first, in any script: the database
 * narrows by keys, `searchScore` ranks by each person's best name. The search is audited with its results.
 */
export async function searchPeople(db: Db, p: Principal, actor: AuditActor, q: string, limit: number, keys: Pick<Keys, 'nameKeyHash'>): Promise<z.infer<typeof PersonSearchResult>> {
  const items = await rankPeople(db, p, q, limit);
  await auditRead(db, actor, { action: 'person.searched', recordType: 'person', changes: { ...searchedName(keys, q), results: items.map((i) => i.person.id) } });
  return { items };
}

/** The search without its audit entry: candidates by keys, ranked by the name module. */
export async function rankPeople(db: DbOrTx, p: Principal, q: string, limit: number): Promise<z.infer<typeof PersonSearchResult>['items']> {
  const query = parseName(q);
  const tiers = queryKeyTiers(query);
  if (tiers.exact.length === 0) throw badRequest('validation_failed', 'Search for a name', { q: 'no letters to search by' });
  const found = await candidates(db, p, tiers);
  const ranked = found
    .map(({ row, names }) => {
      let best = { score: 0, name: '' };
      for (const n of names) {
        const s = searchScore(query, parseNameParts(n));
        if (s > best.score) best = { score: s, name: n.asEntered };
      }
      return { row, names, ...best };
    })
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || b.row.createdAt.getTime() - a.row.createdAt.getTime() || a.row.id.localeCompare(b.row.id))
    .slice(0, limit);
  return ranked.map((h) => {
    const person = toPersonView(p, h.row, h.names);
    return { person, score: h.score, ...(person.names ? { matchedName: h.name } : {}) };
  });
}

/**
 * Likely duplicates of a person about to be recorded (or of an existing one, `excludeId`), among the
 * people the principal may see: name across scripts, birth year, citizenship and sex (`duplicateScore`).
 */
export async function findDuplicates(db: Db, p: Principal, actor: AuditActor, body: z.infer<typeof DuplicatesBody>, keys: Pick<Keys, 'nameKeyHash'>): Promise<z.infer<typeof DuplicatesResult>> {
  const items = await duplicateCandidates(db, p, body);
  const n = body.name;
  await auditRead(db, actor, { action: 'person.duplicates_checked', recordType: 'person', changes: { ...searchedName(keys, n.givenName, n.familyName, n.patronymic, n.asEntered), results: items.map((i) => i.person.id) } });
  return { items };
}

/** The duplicate check without its audit entry, for a caller that audits the whole of its work (an import). */
export async function duplicateCandidates(db: DbOrTx, p: Principal, body: z.infer<typeof DuplicatesBody>): Promise<z.infer<typeof DuplicatesResult>['items']> {
  const name = parseNameParts(body.name);
  const tiers = queryKeyTiers(name);
  if (tiers.exact.length === 0) throw badRequest('validation_failed', 'Give a name to compare', { 'name.givenName': 'no letters to compare' });
  const birthYear = body.birthDate ? Number(body.birthDate.slice(0, 4)) : (body.birthYear ?? null);
  const facts = { sex: body.sex ?? null, birthYear, birthYearEstimated: body.birthDate ? false : Boolean(body.birthYearEstimated), citizenship: body.citizenship ?? null };
  const found = await candidates(db, p, tiers, body.excludeId ? [body.excludeId] : []);
  const items = found
    .map(({ row, names }) => {
      const parsed = names.map((n) => parseNameParts(n));
      const d = duplicateScore(name, facts, parsed, { sex: row.sex as PersonSex, birthYear: row.birthYear, birthYearEstimated: row.birthYearEstimated, citizenship: row.citizenship });
      let matched = '';
      let best = -1;
      names.forEach((n, k) => {
        const s = compareNames(name, parsed[k]!).score;
        if (s > best) [best, matched] = [s, n.asEntered];
      });
      return { row, names, d, matched };
    })
    .filter((h) => h.d.score >= DUPLICATE_SHOW_THRESHOLD)
    .sort((a, b) => b.d.score - a.d.score || a.row.id.localeCompare(b.row.id))
    .slice(0, 10)
    .map((h) => {
      const person = toPersonView(p, h.row, h.names);
      return { person, ...h.d, ...(person.names ? { matchedName: h.matched } : {}) };
    });
  return items;
}

/**
 * Two records of one person become one: `id` is merged into `intoId`. The merged record stays (marked
 * with `mergedInto`, its names and history untouched) and its names are copied onto the kept record as
 * aliases; the kept record gains what it lacked (birth, citizenship, languages). Both need update rights.
 */
export async function mergePerson(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof MergeBody>): Promise<PersonView> {
  if (id === body.intoId) throw badRequest('validation_failed', 'A record cannot be merged into itself', { intoId: 'the same record' });
  return auditedTransaction(db, actor, async (tx) => {
    // Lock in id order so that two merges of the same pair cannot deadlock.
    const [firstId, secondId] = [id, body.intoId].sort();
    const first = await repo.lockPerson(tx, p, firstId!);
    const second = await repo.lockPerson(tx, p, secondId!);
    const locked = [first, second].filter((r): r is repo.PersonRow => r !== undefined);
    const from = locked.find((r) => r.id === id);
    const into = locked.find((r) => r.id === body.intoId);
    if (!from) throw notFound('Person');
    if (!into) throw new AppError('not_found', 404, 'Person not found', { intoId: 'not found' });
    if (from.mergedInto) throw conflict('person_merged', 'This record was already merged', { mergedInto: from.mergedInto });
    if (into.mergedInto) throw conflict('person_merged', 'The record to merge into was itself merged; merge into that one', { intoId: into.mergedInto });
    const [fromNames, intoNames] = [await repo.listNames(tx, [from.id]), await repo.listNames(tx, [into.id])];
    const have = new Set(intoNames.map((n) => n.asEntered.toLowerCase()));
    const copies = fromNames
      .filter((n) => !have.has(n.asEntered.toLowerCase()))
      .map((n) => ({ givenName: n.givenName, familyName: n.familyName, patronymic: n.patronymic, asEntered: n.asEntered, script: n.script as NameScript, kind: 'alias' as const, keys: nameMatchKeys(n) }));
    await repo.insertNames(tx, into.id, p.userId, copies);
    await repo.refreshNameKeys(tx, into.id);
    const filled = {
      ...(into.birthYear === null && from.birthYear !== null ? { birthDate: from.birthDate, birthYear: from.birthYear, birthYearEstimated: from.birthYearEstimated } : {}),
      ...(into.citizenship === null && from.citizenship !== null ? { citizenship: from.citizenship } : {}),
      ...(into.sex === 'unknown' && from.sex !== 'unknown' ? { sex: from.sex } : {}),
      languages: [...new Set([...into.languages, ...from.languages])],
    };
    const now = new Date();
    const { birthDate: filledDate, ...filledRest } = filled;
    const filledBirth = 'birthYear' in filled && filled.birthYear !== undefined ? storedBirth(into.id, { birthDate: filledDate ?? null, birthYear: filled.birthYear, birthYearEstimated: filled.birthYearEstimated ?? false }) : {};
    await tx.updateTable('people').set({ ...filledRest, ...filledBirth, updatedAt: now }).where('id', '=', into.id).execute();
    await tx
      .updateTable('people')
      .set({ mergedInto: into.id, mergedAt: now, mergedBy: p.userId, mergeReasonEnc: sealField('people', 'merge_reason', from.id, body.reason), updatedAt: now })
      .where('id', '=', from.id)
      .execute();
    return {
      result: await viewOf(tx, p, into.id, 'update'),
      audit: [
        { action: 'person.merged', recordType: 'person', recordId: from.id, purpose: body.reason, changes: { mergedInto: into.id } },
        {
          action: 'person.merged_from',
          recordType: 'person',
          recordId: into.id,
          purpose: body.reason,
          changes: { mergedFrom: from.id, namesCopied: copies.map((c) => c.asEntered), ...diff({ birthYear: into.birthYear, citizenship: into.citizenship, sex: into.sex, languages: into.languages }, { birthYear: into.birthYear, citizenship: into.citizenship, sex: into.sex, ...filled }) },
        },
      ],
    };
  });
}
