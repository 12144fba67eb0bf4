import crypto from 'node:crypto';
import type { z } from 'zod';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { treatedAsChild } from '../../../domain/child.ts';
import type { CasePersonRole } from '../../../shared/nrm.ts';
import type { AddCasePersonBody, CasePersonView, CaseVictimInput, UpdateCasePersonBody } from '../../../shared/schemas/cases.ts';
import { PersonInput as ContactPersonInput } from '../../../shared/schemas/contacts.ts';
import { alpha3Of } from '../../../shared/countries.ts';
import { personColumns, findPerson, listNames, namesQuery, openPerson, type NameRow } from '../people/repository.ts';
import { insertPerson, recordPerson, toPersonView } from '../people/service.ts';
import { PEOPLE } from '../people/policy.ts';
import { loadRecordFacts } from '../../access/repository.ts';
import { CASES } from './policy.ts';
import { lockForCaseWrite } from './access.ts';

const today = () => new Date().toISOString().slice(0, 10);
import { countryToday } from '../../nrm-profile.ts';

export const casePeopleQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('casePeople as cp')
    .innerJoin('people as p', 'p.id', 'cp.personId')
    .select([
      ...personColumns,
      'cp.id as casePersonId', 'cp.role', 'cp.ageDisputed', 'cp.unaccompanied', 'cp.guardianNameEnc', 'cp.guardianAppointedOn', 'cp.returnedOn', 'cp.returnedToEnc', 'cp.addedBy', 'cp.addedAt',
    ])
    .where('cp.caseId', '=', caseId)
    .orderBy('cp.addedAt')
    .orderBy('cp.id');
export const listCasePeople = async (db: DbOrTx, caseId: string) => (await casePeopleQuery(db, caseId).execute()).map(openCasePerson);

/**
 * A person of a case as read: the person opened (`openPerson`), and the guardian's name and the
 * country a child was returned to, sealed to the case-person row (docs/nrm.md, "Identity at rest").
 */
export function openCasePerson<R extends Parameters<typeof openPerson>[0] & { casePersonId: string; guardianNameEnc: Buffer | null; returnedToEnc: Buffer | null }>(row: R) {
  const { guardianNameEnc, returnedToEnc, ...rest } = openPerson(row);
  return { ...rest, ...openGuardian(row.casePersonId, { guardianNameEnc, returnedToEnc }) };
}

/** The guardian's name and the country of return of one case-person row, opened. */
export const openGuardian = (casePersonId: string, r: { guardianNameEnc: Buffer | null; returnedToEnc: Buffer | null }) => ({
  guardianName: openField('case_people', 'guardian_name', casePersonId, r.guardianNameEnc),
  returnedTo: openField('case_people', 'returned_to', casePersonId, r.returnedToEnc),
});
export type CasePersonRow = Awaited<ReturnType<typeof listCasePeople>>[number];

/** The names of everyone in the case, in the order `listNames` gives. */
export const casePeopleNamesQuery = (db: DbOrTx, caseId: string) =>
  namesQuery(db).where('personId', 'in', db.selectFrom('casePeople').select('personId').where('caseId', '=', caseId));

/** The people of a case as this user may see them: names and dates of birth only with `sensitive:identity`. */
export async function casePeopleViews(db: DbOrTx, p: Principal, caseId: string): Promise<z.infer<typeof CasePersonView>[]> {
  const rows = await listCasePeople(db, caseId);
  return toCasePeopleViews(p, rows, await listNames(db, rows.map((r) => r.id)));
}

export function toCasePeopleViews(p: Principal, rows: readonly CasePersonRow[], names: readonly NameRow[]): z.infer<typeof CasePersonView>[] {
  return rows.map((r) => {
    const view = {
      id: r.casePersonId,
      personId: r.id,
      role: r.role as CasePersonRole,
      ageDisputed: r.ageDisputed,
      unaccompanied: r.unaccompanied,
      child: treatedAsChild({ birthDate: r.birthDate, birthYear: r.birthYear, ageDisputed: r.ageDisputed }, today()),
      guardianName: r.guardianName,
      guardianAppointedOn: r.guardianAppointedOn,
      returnedOn: r.returnedOn,
      returnedTo: r.returnedTo,
      person: toPersonView(p, r, names.filter((n) => n.personId === r.id)),
      addedBy: r.addedBy,
      addedAt: r.addedAt.toISOString(),
    };
    return redact(p, CASES, view) as z.infer<typeof CasePersonView>;
  });
}

function guardian(
  today: string,
  b: { guardianName?: string | null | undefined; guardianAppointedOn?: string | null | undefined },
  before?: { guardianName: string | null; guardianAppointedOn: string | null },
) {
  const name = b.guardianName !== undefined ? b.guardianName : (before?.guardianName ?? null);
  const on = b.guardianAppointedOn !== undefined ? b.guardianAppointedOn : (before?.guardianAppointedOn ?? null);
  if ((name === null) !== (on === null))
    throw badRequest('validation_failed', 'A guardian is recorded with the date of appointment', name === null ? { guardianName: 'required with guardianAppointedOn' } : { guardianAppointedOn: 'required with guardianName' });
  if (on !== null && on > today) throw badRequest('validation_failed', 'The appointment cannot be in the future', { guardianAppointedOn: 'in the future' });
  return { guardianName: name, guardianAppointedOn: on };
}

/** Adds a person already recorded (whom the user may see) or a new one to the case, with their role. */
export async function addCasePerson(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof AddCasePersonBody>) {
  const g = guardian(await countryToday(db), body);
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    let personId: string;
    if (body.personId) {
      if (!(await findPerson(tx, p, body.personId, 'read'))) throw notFound('Person');
      // A person an order closed (with a case of theirs) is not carried into another case, where
      // its page would show them to everyone on it; only those who may still read them learn why.
      if ((await loadRecordFacts(tx, PEOPLE, body.personId))?.accessEnded)
        throw conflict('access_ended', 'Access to this person\'s record was ended by an order', { personId: 'access ended by an order' });
      personId = body.personId;
    } else {
      personId = (await insertPerson(tx, p, actor, body.person!)).id;
    }
    // The case row is locked, so no one else adds to this case between the check and the insert.
    if (await tx.selectFrom('casePeople').select('id').where('caseId', '=', caseId).where('personId', '=', personId).executeTakeFirst())
      throw conflict('already_in_case', 'This person is in the case already', { personId: 'already in the case' });
    const id = crypto.randomUUID();
    await tx
      .insertInto('casePeople')
      .values({
        id, caseId, personId, role: body.role, ageDisputed: body.ageDisputed ?? false, unaccompanied: body.unaccompanied ?? false,
        guardianNameEnc: sealField('case_people', 'guardian_name', id, g.guardianName), guardianAppointedOn: g.guardianAppointedOn, addedBy: p.userId,
      })
      .execute();
    await tx.updateTable('cases').set({ updatedAt: new Date() }).where('id', '=', caseId).execute();
    const view = (await casePeopleViews(tx, p, caseId)).find((x) => x.personId === personId)!;
    return {
      result: view,
      audit: { action: 'case.person_added', recordType: 'case', recordId: caseId, changes: { personId, role: body.role, ageDisputed: view.ageDisputed, unaccompanied: view.unaccompanied, guardian: g.guardianName !== null } },
    };
  });
}

export async function updateCasePerson(db: Db, p: Principal, actor: AuditActor, caseId: string, casePersonId: string, body: z.infer<typeof UpdateCasePersonBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const row = await tx.selectFrom('casePeople').selectAll().where('id', '=', casePersonId).where('caseId', '=', caseId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Person in the case');
    const before = { ...row, ...openGuardian(row.id, row) };
    const g = guardian(await countryToday(tx), body, before);
    const set = {
      role: body.role ?? before.role,
      ageDisputed: body.ageDisputed ?? before.ageDisputed,
      unaccompanied: body.unaccompanied ?? before.unaccompanied,
      ...g,
    };
    const { guardianName, ...plain } = set;
    await tx
      .updateTable('casePeople')
      .set({ ...plain, guardianNameEnc: sealField('case_people', 'guardian_name', casePersonId, guardianName), updatedAt: new Date() })
      .where('id', '=', casePersonId)
      .execute();
    const changes = diff(
      { role: before.role, ageDisputed: before.ageDisputed, unaccompanied: before.unaccompanied, guardianName: before.guardianName, guardianAppointedOn: before.guardianAppointedOn },
      set,
    );
    if ('guardianName' in changes) changes.guardianName = { changed: true };
    const view = (await casePeopleViews(tx, p, caseId)).find((x) => x.id === casePersonId)!;
    return { result: view, audit: { action: 'case.person_updated', recordType: 'case', recordId: caseId, changes: { personId: before.personId, ...changes } } };
  });
}

/** A victim to record with a new case, and whether their age is in doubt with reasons to think them a child. */
export type NewCaseVictim = { person: CaseVictimInput; ageDisputed: boolean };

/** What a hotline operator recorded about a person, as a registry person: age as an estimated birth year, nationality in alpha-3. */
function fromContactPerson(cp: { sex: CaseVictimInput['sex']; age: number | null; possiblyChild: boolean; nationality: string | null }, year: number): NewCaseVictim {
  return {
    person: {
      sex: cp.sex ?? 'unknown',
      ...(cp.age !== null ? { birthYear: year - cp.age, birthYearEstimated: true } : {}),
      ...(alpha3Of(cp.nationality) ? { citizenship: alpha3Of(cp.nationality) } : {}),
    },
    ageDisputed: cp.possiblyChild,
  };
}

/**
 * The victims of a case opened with `victim` and/or from a contact: the contact's potential victims
 * in the order recorded, the first completed (and overridden) by what the user gave; only the given
 * victim without a contact. Dates of birth given replace the contact's estimated year.
 */
export function newCaseVictims(given: CaseVictimInput | undefined, contactPersons: unknown, today: string): NewCaseVictim[] {
  const parsed = ContactPersonInput.array().safeParse(contactPersons ?? []);
  const year = Number(today.slice(0, 4));
  const recorded = (parsed.success ? parsed.data : []).filter((cp) => cp.role === 'potential_victim').map((cp) => fromContactPerson(cp, year));
  if (!given) return recorded;
  const [first, ...rest] = recorded;
  const base = { ...(first?.person ?? {}) };
  if (given.birthDate != null || given.birthYear != null) {
    delete base.birthYear;
    delete base.birthYearEstimated;
  }
  const stated = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as CaseVictimInput;
  return [{ person: { ...base, ...stated }, ageDisputed: first?.ageDisputed ?? false }, ...rest];
}

/** Records each victim in the person registry and adds them to the new case (role victim); the audit entries for the case. */
export async function addNewCaseVictims(tx: Tx, p: Principal, actor: AuditActor, caseId: string, victims: readonly NewCaseVictim[]) {
  const audit = [];
  const now = Date.now();
  for (const [i, v] of victims.entries()) {
    const person = await recordPerson(tx, p, actor, { ...v.person, sex: v.person.sex ?? 'unknown' });
    const id = crypto.randomUUID();
    // A millisecond apart, so that the case lists them in the order the operator recorded them.
    const addedAt = new Date(now + i);
    await tx.insertInto('casePeople').values({ id, caseId, personId: person.id, role: 'victim', ageDisputed: v.ageDisputed, unaccompanied: false, addedBy: p.userId, addedAt }).execute();
    audit.push({ action: 'case.person_added', recordType: 'case', recordId: caseId, changes: { personId: person.id, role: 'victim', ageDisputed: v.ageDisputed, unaccompanied: false, guardian: false } });
  }
  return audit;
}
