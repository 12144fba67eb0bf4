import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import { visibleFilter, type GrantFacts } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { listNames, personColumns } from '../people/repository.ts';
import { REFERRALS } from '../referrals/policy.ts';
import { openEvent, openNote } from '../cases/repository.ts';
import { openCasePerson } from '../cases/people.ts';
import { openPlan, openServiceNote } from '../assistance/service.ts';

/**
 * Everything an HTCDS record is made from, for a batch of cases at once (one query per part, not per
 * case), so that an export of many cases costs a handful of queries per batch. No access check on the
 * case here: the service loads only the parts the principal may see and only for cases they may read.
 * Referrals are records of their own, though, and are filtered as on the case page.
 * Every loader takes at least one case id (the caller never asks for none).
 */
const byCase = <T extends { caseId: string }>(rows: T[]) => {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.caseId) ?? [];
    list.push(r);
    out.set(r.caseId, list);
  }
  return out;
};

export async function grantsFor(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, GrantFacts[]>> {
  const rows = await db
    .selectFrom('accessGrants')
    .select([
      'recordId as caseId',
      'granteeAgencyId',
      'granteeUserId',
      'sections',
      'createdAt',
      'expiresAt',
      'revokedAt',
    ])
    .where('recordType', '=', 'case')
    .where('recordId', 'in', caseIds)
    .execute();
  return byCase(rows);
}

export async function peopleFor(db: DbOrTx, caseIds: readonly string[]) {
  const rows = await db
    .selectFrom('casePeople as cp')
    .innerJoin('people as p', 'p.id', 'cp.personId')
    .select([
      ...personColumns,
      'cp.caseId',
      'cp.role',
      'cp.ageDisputed',
      'cp.unaccompanied',
      'cp.id as casePersonId',
      'cp.guardianNameEnc',
      'cp.returnedToEnc',
      'cp.guardianAppointedOn',
    ])
    .where('cp.caseId', 'in', caseIds)
    .orderBy('cp.addedAt')
    .orderBy('cp.id')
    .execute();
  return { people: byCase(rows.map(openCasePerson)), names: await listNames(db, [...new Set(rows.map((r) => r.id))]) };
}
export type CasePersonRow =
  Awaited<ReturnType<typeof peopleFor>>['people'] extends Map<string, (infer R)[]> ? R : never;

export const eventsFor = async (db: DbOrTx, caseIds: readonly string[]) =>
  byCase(
    (
      await db
        .selectFrom('caseEvents')
        .selectAll()
        .where('caseId', 'in', caseIds)
        .orderBy(sql`occurred_on NULLS LAST`)
        .orderBy('createdAt')
        .orderBy('id')
        .execute()
    ).map(openEvent),
  );

export const consentsFor = async (db: DbOrTx, caseIds: readonly string[]) =>
  byCase(
    await db
      .selectFrom('caseConsents as k')
      .leftJoin('agencies as a', 'a.id', 'k.agencyId')
      .selectAll('k')
      .select('a.name as agencyName')
      .where('k.caseId', 'in', caseIds)
      .orderBy('k.recordedAt')
      .orderBy('k.id')
      .execute(),
  );

export const notesFor = async (db: DbOrTx, caseIds: readonly string[]) =>
  byCase(
    (
      await db
        .selectFrom('caseNotes')
        .select(['id', 'caseId', 'bodyEnc'])
        .where('caseId', 'in', caseIds)
        .orderBy('createdAt')
        .orderBy('id')
        .execute()
    ).map(openNote),
  );

export async function supportFor(db: DbOrTx, caseIds: readonly string[]) {
  const plans = await db
    .selectFrom('caseAssistancePlans')
    .select(['caseId', 'needsAssessmentEnc', 'goalsEnc'])
    .where('caseId', 'in', caseIds)
    .execute();
  const services = await db
    .selectFrom('caseAssistanceServices')
    .selectAll()
    .where('caseId', 'in', caseIds)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return {
    plans: new Map(plans.map((r) => [r.caseId, { caseId: r.caseId, goals: openPlan(r.caseId, r).goals }])),
    services: byCase(services.map(({ noteEnc, ...s }) => ({ ...s, note: openServiceNote({ id: s.id, noteEnc }) }))),
  };
}

/**
 * The referrals of the cases that the principal may see, with the agencies' names, oldest first. The
 * same filter as the case page's referrals section (`caseReferralsQuery`): reading a case's referrals
 * section does not open every referral of it (after a transfer the sender keeps that section, but
 * not a view of where the new owner then refers the case).
 */
export const referralsFor = async (db: DbOrTx, p: Principal, caseIds: readonly string[]) =>
  byCase(
    await db
      .selectFrom('referrals as r')
      .innerJoin('agencies as f', 'f.id', 'r.fromAgencyId')
      .innerJoin('agencies as t', 't.id', 'r.toAgencyId')
      .select([
        'r.caseId',
        'r.fromAgencyId',
        'r.toAgencyId',
        'r.purpose',
        'r.status',
        'r.sentAt',
        'f.name as fromName',
        't.name as toName',
      ])
      .where('r.caseId', 'in', caseIds)
      .where(visibleFilter(p, 'read', REFERRALS))
      .orderBy('r.sentAt')
      .orderBy('r.id')
      .execute(),
  );

/** The type of the agency behind each case's latest current decision (reconsidered ones are left out). */
export async function decidersFor(db: DbOrTx, caseIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('identificationDecisions as d')
    .innerJoin('agencies as a', 'a.id', 'd.decidedByAgencyId')
    .select(['d.caseId', 'a.type'])
    .where('d.caseId', 'in', caseIds)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('identificationDecisions as n')
            .select('n.id')
            .whereRef('n.reconsidersId', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.decidedOn')
    .orderBy('d.createdAt')
    .execute();
  return new Map(rows.map((r) => [r.caseId, r.type]));
}
