import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import type { ReferralPurpose } from '../../../shared/nrm.ts';
import type { ConsentView, RecordConsentBody, WithdrawConsentBody } from '../../../shared/schemas/cases.ts';
import { CASES } from './policy.ts';
import { lockForCaseWrite } from './access.ts';
import { openField, sealField } from '../../crypto/record-keys.ts';

import { countryToday } from '../../nrm-profile.ts';

export const consentsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('caseConsents as k')
    .leftJoin('agencies as a', 'a.id', 'k.agencyId')
    .selectAll('k')
    .select('a.name as agencyName')
    .where('k.caseId', '=', caseId)
    .orderBy('k.recordedAt')
    .orderBy('k.id');
type ConsentRow = Awaited<ReturnType<ReturnType<typeof consentsQuery>['execute']>>[number];

export async function consentViews(db: DbOrTx, p: Principal, caseId: string): Promise<z.infer<typeof ConsentView>[]> {
  return toConsentViews(p, await consentsQuery(db, caseId).execute());
}

export function toConsentViews(p: Principal, rows: readonly ConsentRow[]): z.infer<typeof ConsentView>[] {
  return rows.map(
    (k) =>
      redact(p, CASES, {
        id: k.id,
        personId: k.personId,
        kind: k.kind,
        service: k.service,
        agencyId: k.agencyId,
        agencyName: k.agencyName,
        purpose: k.purpose,
        givenOn: k.givenOn,
        form: k.form,
        givenBy: k.givenBy,
        note: openField('case_consents', 'note', k.id, k.noteEnc),
        recordedBy: k.recordedBy,
        recordedAt: k.recordedAt.toISOString(),
        active: k.withdrawnOn === null,
        withdrawnOn: k.withdrawnOn,
        withdrawnRecordedBy: k.withdrawnRecordedBy,
        withdrawnAt: k.withdrawnAt?.toISOString() ?? null,
        withdrawalNote: openField('case_consents', 'withdrawal_note', k.id, k.withdrawalNoteEnc),
      }) as z.infer<typeof ConsentView>,
  );
}

/** The person's consent, not withdrawn, to sharing their data with this agency for this purpose. */
export async function hasSharingConsent(db: DbOrTx, caseId: string, personId: string, agencyId: string, purpose: ReferralPurpose): Promise<boolean> {
  const row = await db
    .selectFrom('caseConsents')
    .select('id')
    .where('caseId', '=', caseId)
    .where('personId', '=', personId)
    .where('kind', '=', 'data_sharing')
    .where('agencyId', '=', agencyId)
    .where('purpose', '=', purpose)
    .where('withdrawnOn', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a consent of a person of the case, dated, with who recorded it. */
export async function recordConsent(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof RecordConsentBody>) {
  if (body.givenOn > (await countryToday(db))) throw badRequest('validation_failed', 'Consent cannot be given in the future', { givenOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const inCase = await tx.selectFrom('casePeople').select('id').where('caseId', '=', caseId).where('personId', '=', body.personId).executeTakeFirst();
    if (!inCase) throw badRequest('validation_failed', 'Consent is recorded for a person of this case', { personId: 'not a person of this case' });
    if (body.agencyId && !(await tx.selectFrom('agencies').select('id').where('id', '=', body.agencyId).executeTakeFirst()))
      throw badRequest('validation_failed', 'No such agency', { agencyId: 'no such agency' });
    const id = crypto.randomUUID();
    const row = await tx
      .insertInto('caseConsents')
      .values({
        id,
        caseId,
        personId: body.personId,
        kind: body.kind,
        service: body.service ?? null,
        agencyId: body.agencyId ?? null,
        purpose: body.purpose ?? null,
        givenOn: body.givenOn,
        form: body.form,
        givenBy: body.givenBy ?? 'person',
        noteEnc: sealField('case_consents', 'note', id, body.note ?? null),
        recordedBy: p.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const view = (await consentViews(tx, p, caseId)).find((k) => k.id === row.id)!;
    return {
      result: view,
      audit: {
        action: 'case.consent_recorded',
        recordType: 'case',
        recordId: caseId,
        changes: { consentId: row.id, personId: body.personId, kind: body.kind, service: body.service ?? null, agencyId: body.agencyId ?? null, purpose: body.purpose ?? null, givenOn: body.givenOn, form: body.form },
      },
    };
  });
}

/**
 * Withdraws a consent: the record stays, with the withdrawal's date and who recorded it. A referral
 * that relied on a data-sharing consent loses its identifying sections (`onSharingConsentWithdrawn`).
 */
export async function withdrawConsent(
  db: Db,
  p: Principal,
  actor: AuditActor,
  caseId: string,
  consentId: string,
  body: z.infer<typeof WithdrawConsentBody>,
  onSharingConsentWithdrawn?: (tx: Tx, actor: AuditActor, caseId: string, consent: { personId: string; agencyId: string; purpose: ReferralPurpose }) => Promise<void>,
) {
  if (body.withdrawnOn > (await countryToday(db))) throw badRequest('validation_failed', 'A withdrawal cannot be in the future', { withdrawnOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const k = await tx.selectFrom('caseConsents').selectAll().where('id', '=', consentId).where('caseId', '=', caseId).forUpdate().executeTakeFirst();
    if (!k) throw notFound('Consent');
    if (k.withdrawnOn) throw conflict('already_withdrawn', 'This consent was withdrawn already');
    if (body.withdrawnOn < k.givenOn) throw badRequest('validation_failed', 'A consent is withdrawn after it was given', { withdrawnOn: 'before the consent was given' });
    await tx
      .updateTable('caseConsents')
      .set({ withdrawnOn: body.withdrawnOn, withdrawnRecordedBy: p.userId, withdrawnAt: new Date(), withdrawalNoteEnc: sealField('case_consents', 'withdrawal_note', consentId, body.note ?? null) })
      .where('id', '=', consentId)
      .execute();
    if (k.kind === 'data_sharing' && onSharingConsentWithdrawn)
      await onSharingConsentWithdrawn(tx, actor, caseId, { personId: k.personId, agencyId: k.agencyId!, purpose: k.purpose as ReferralPurpose });
    const view = (await consentViews(tx, p, caseId)).find((x) => x.id === consentId)!;
    return {
      result: view,
      audit: { action: 'case.consent_withdrawn', recordType: 'case', recordId: caseId, changes: { consentId, personId: k.personId, kind: k.kind, agencyId: k.agencyId, purpose: k.purpose, withdrawnOn: body.withdrawnOn } },
    };
  });
}
