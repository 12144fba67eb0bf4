import crypto from 'node:crypto';
import type { z } from 'zod';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { Db } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { treatedAsChild } from '../../../domain/child.ts';
import { openBirthDate } from '../people/repository.ts';
import type { BestInterestsBody, BestInterestsView, EndAccessBody, ReturnBody } from '../../../shared/schemas/cases.ts';
import { CASES } from './policy.ts';
import { lockForCaseWrite } from './access.ts';
import { casePeopleViews } from './people.ts';

import { countryToday } from '../../nrm-profile.ts';

/**
 * Records a prosecutor's or court's order ending access to the victim's record (Law No. 958-IIQ art.
 * 11-style privacy orders). From then on only auditors and the owning agency's supervisors open the
 * case, read-only; the entry is flagged to the auditors.
 */
export async function endAccess(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof EndAccessBody>) {
  if (body.orderedOn > (await countryToday(db))) throw badRequest('validation_failed', 'An order cannot be dated in the future', { orderedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const now = new Date();
    await tx
      .updateTable('cases')
      .set({ accessEndedAt: now, accessEndAuthority: body.authority, accessEndReferenceEnc: sealField('cases', 'access_end_reference', caseId, body.reference ?? null), accessEndOrderedOn: body.orderedOn, accessEndedBy: p.userId, updatedAt: now })
      .where('id', '=', caseId)
      .execute();
    return {
      result: { ok: true as const },
      audit: { action: 'case.access_ended', recordType: 'case', recordId: caseId, flagged: true, changes: { authority: body.authority, reference: body.reference ?? null, orderedOn: body.orderedOn } },
    };
  });
}

export async function recordBestInterests(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof BestInterestsBody>) {
  if (body.assessedOn > (await countryToday(db))) throw badRequest('validation_failed', 'An assessment cannot be dated in the future', { assessedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    if (!(await tx.selectFrom('casePeople').select('id').where('caseId', '=', caseId).where('personId', '=', body.personId).executeTakeFirst()))
      throw badRequest('validation_failed', 'The assessment is about a person of this case', { personId: 'not a person of this case' });
    // The summary is sealed to the assessment (docs/nrm.md, "Identity at rest").
    const { summary, ...plain } = body;
    const id = crypto.randomUUID();
    const { summaryEnc, ...row } = await tx
      .insertInto('bestInterestsAssessments')
      .values({ id, caseId, ...plain, summaryEnc: sealField('best_interests_assessments', 'summary', id, summary), recordedBy: p.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const opened = { ...row, summary: openField('best_interests_assessments', 'summary', id, summaryEnc) };
    const view = redact(p, CASES, { ...opened, recordedAt: row.recordedAt.toISOString() }) as z.infer<typeof BestInterestsView>;
    return {
      result: { id: view.id, personId: view.personId, assessedOn: view.assessedOn, assessedBy: view.assessedBy, conclusion: view.conclusion, ...('summary' in view ? { summary: view.summary } : {}), recordedBy: view.recordedBy, recordedAt: view.recordedAt },
      audit: { action: 'case.best_interests_recorded', recordType: 'case', recordId: caseId, changes: { personId: body.personId, assessmentId: row.id, conclusion: body.conclusion, assessedOn: body.assessedOn } },
    };
  });
}

/**
 * Records that a person returned to a country. A child (under 18 or age disputed on the day) is never
 * recorded as returned without a best-interests assessment that found return in their best
 * interests (CETS art. 16(7); trafficking.md: "the software blocks it").
 */
export async function recordReturn(db: Db, p: Principal, actor: AuditActor, caseId: string, casePersonId: string, body: z.infer<typeof ReturnBody>) {
  if (body.returnedOn > (await countryToday(db))) throw badRequest('validation_failed', 'A return cannot be in the future', { returnedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const cp = await tx
      .selectFrom('casePeople as cp')
      .innerJoin('people as pe', 'pe.id', 'cp.personId')
      .select(['cp.id', 'cp.personId', 'cp.ageDisputed', 'pe.birthDateEnc', 'pe.birthYear'])
      .where('cp.id', '=', casePersonId)
      .where('cp.caseId', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!cp) throw notFound('Person in the case');
    let assessmentId: string | null = null;
    if (body.assessmentId) {
      const a = await tx.selectFrom('bestInterestsAssessments').select(['id', 'conclusion']).where('id', '=', body.assessmentId).where('caseId', '=', caseId).where('personId', '=', cp.personId).executeTakeFirst();
      if (!a) throw badRequest('validation_failed', 'Not an assessment of this person', { assessmentId: 'not an assessment of this person' });
      assessmentId = a.id;
      if (a.conclusion !== 'return_in_best_interests') throw new AppError('best_interests_required', 409, 'The assessment found return not in the child\'s best interests', { assessmentId: 'concluded against return' });
    }
    if (treatedAsChild({ ...cp, birthDate: openBirthDate(cp.personId, cp.birthDateEnc) }, body.returnedOn) && !assessmentId)
      throw new AppError('best_interests_required', 409, 'A child is never returned without a best-interests assessment', { assessmentId: 'required for a child' });
    await tx.updateTable('casePeople').set({ returnedOn: body.returnedOn, returnedToEnc: sealField('case_people', 'returned_to', casePersonId, body.returnedTo), returnAssessmentId: assessmentId, updatedAt: new Date() }).where('id', '=', casePersonId).execute();
    const view = (await casePeopleViews(tx, p, caseId)).find((x) => x.id === casePersonId)!;
    return {
      result: view,
      audit: { action: 'case.person_returned', recordType: 'case', recordId: caseId, changes: { personId: cp.personId, returnedOn: body.returnedOn, returnedTo: body.returnedTo, assessmentId } },
    };
  });
}
