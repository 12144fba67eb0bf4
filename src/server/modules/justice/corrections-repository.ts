/** SQL of the corrections of a criminal case's records and of the NRM case's criminal cases. */
import type { DbOrTx, Tx } from '../../db/database.ts';
import { visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { CRIMINAL_CASES } from './policy.ts';
import { openBelowMinimumGround } from './repository.ts';

export const findEvent = (tx: Tx, caseId: string, eventId: string) =>
  tx.selectFrom('criminalCaseEvents').selectAll().where('id', '=', eventId).where('criminalCaseId', '=', caseId).where('withdrawnAt', 'is', null).executeTakeFirst();

export const findCharge = (tx: Tx, defendantId: string, chargeId: string) =>
  tx.selectFrom('criminalCharges').selectAll().where('id', '=', chargeId).where('defendantId', '=', defendantId).executeTakeFirst();

export const findVerdict = (tx: Tx, defendantId: string, verdictId: string) =>
  tx.selectFrom('criminalVerdicts').selectAll().where('id', '=', verdictId).where('defendantId', '=', defendantId).executeTakeFirst();

export const verdictsOf = (tx: Tx, defendantId: string) => tx.selectFrom('criminalVerdicts').selectAll().where('defendantId', '=', defendantId).execute();

/** A sentence row with its below-minimum ground opened (sealed at rest, migration 0114). */
const opened = <T extends { id: string; belowMinimumGroundEnc: Buffer | null }>(s: T) => ({ ...s, belowMinimumGround: openBelowMinimumGround(s) });

export const findSentence = async (tx: Tx, defendantId: string, sentenceId: string) => {
  const s = await tx.selectFrom('criminalSentences').selectAll().where('id', '=', sentenceId).where('defendantId', '=', defendantId).executeTakeFirst();
  return s && opened(s);
};

export const sentencesOf = async (tx: Tx, defendantId: string) => (await tx.selectFrom('criminalSentences').selectAll().where('defendantId', '=', defendantId).execute()).map(opened);

export const findVictim = (tx: Tx, caseId: string, victimId: string) =>
  tx.selectFrom('criminalCaseVictims').selectAll().where('id', '=', victimId).where('criminalCaseId', '=', caseId).executeTakeFirst();

export const findCooperation = (tx: Tx, caseId: string, requestId: string) =>
  tx.selectFrom('criminalCooperationRequests').selectAll().where('id', '=', requestId).where('criminalCaseId', '=', caseId).executeTakeFirst();

/** The criminal cases about an NRM case (linked, or holding one of its victims) that the principal may read, newest first. */
export const criminalCasesOfNrmCase = (db: DbOrTx, p: Principal, nrmCaseId: string) =>
  db
    .selectFrom('criminalCases as cc')
    .innerJoin('agencies as a', 'a.id', 'cc.ownerAgencyId')
    .select(['cc.id', 'cc.caseNumber', 'a.name as ownerAgencyName', 'cc.openedOn', 'cc.status'])
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('criminalCaseNrmLinks as l').select('l.criminalCaseId').whereRef('l.criminalCaseId', '=', 'cc.id').where('l.nrmCaseId', '=', nrmCaseId)),
        eb.exists(eb.selectFrom('criminalCaseVictims as v').select('v.id').whereRef('v.criminalCaseId', '=', 'cc.id').where('v.nrmCaseId', '=', nrmCaseId)),
      ]),
    )
    .where(visibleFilter(p, 'read', CRIMINAL_CASES))
    .orderBy('cc.openedOn', 'desc')
    .orderBy('cc.id', 'desc')
    .limit(100)
    .execute();
