import type { Db, Tx } from '../../db/database.ts';
import { appendAudit, auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact, scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, forbidden, notFound } from '../../errors.ts';
import { detectScript, personNameKeys } from '../../../domain/name-match.ts';
import type { NameKind, NameScript, PersonSex } from '../../../shared/people.ts';
import type { CreatePersonBody, PersonNameInput, PersonView } from '../../../shared/schemas/people.ts';
import { PEOPLE } from './policy.ts';
import * as repo from './repository.ts';

const clean = (s: string | null | undefined) => (s?.trim() ? s.trim().replace(/\s+/g, ' ') : null);

/** A name as stored: parts trimmed, as entered (or the parts joined), its script and matching keys. */
export function toNewName(n: PersonNameInput, kind: NameKind): repo.NewName {
  const givenName = clean(n.givenName);
  const familyName = clean(n.familyName);
  const patronymic = clean(n.patronymic);
  const asEntered = clean(n.asEntered) ?? [givenName, patronymic, familyName].filter(Boolean).join(' ');
  return { givenName, familyName, patronymic, asEntered, script: detectScript(asEntered), kind, keys: personNameKeys({ givenName, familyName, patronymic }) };
}

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
  if (!scopesFor(p, 'person', 'create').has('agency') && !scopesFor(p, 'person', 'create').has('all')) throw forbidden();
  const birth = birthFields(body);
  const names = [toNewName(body.name, 'primary'), ...(body.aliases ?? []).map((a) => toNewName(a, 'alias'))];
  const now = new Date();
  const row = await tx
    .insertInto('people')
    .values({
      ownerAgencyId: p.agencyId,
      createdBy: p.userId,
      sex: body.sex ?? 'unknown',
      ...birth,
      citizenship: body.citizenship ?? null,
      languages: [...new Set(body.languages ?? [])],
      nameKeys: [...new Set(names.flatMap((n) => n.keys))].sort(),
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
  const created = await repo.findPerson(tx, p, row.id);
  if (!created) throw notFound('Person');
  return toPersonView(p, created, await repo.listNames(tx, [row.id]));
}

export async function createPerson(db: Db, p: Principal, actor: AuditActor, body: CreatePersonBody): Promise<PersonView> {
  return auditedTransaction(db, actor, async (tx) => ({ result: await insertPerson(tx, p, actor, body), audit: [] }));
}
