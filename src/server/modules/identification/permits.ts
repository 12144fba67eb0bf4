import crypto from 'node:crypto';
import { openField, sealField } from '../../crypto/record-keys.ts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict } from '../../errors.ts';
import { addDays, dayIn } from '../../../domain/deadlines.ts';
import type { CountryProfile } from '../../../domain/country-profile.ts';
import type { PermitBody, PermitView } from '../../../shared/schemas/identification.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { CASES } from '../cases/policy.ts';
import { lockForCaseWrite } from '../cases/access.ts';

/** The case's residence permits, oldest first, each marked current unless a later one renews it. */
export const permitsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('residencePermits as r')
    .selectAll('r')
    .select(sql<boolean>`NOT EXISTS (SELECT 1 FROM residence_permits x WHERE x.renews_id = r.id)`.as('current'))
    .where('r.caseId', '=', caseId)
    .orderBy('r.issuedOn')
    .orderBy('r.createdAt')
    .orderBy('r.id');

export type PermitRow = Awaited<ReturnType<ReturnType<typeof permitsQuery>['execute']>>[number];

export function toPermitView(p: Principal, profile: CountryProfile, r: PermitRow, today: string): z.infer<typeof PermitView> {
  const remindOn = addDays(r.expiresOn, -profile.permitExpiryReminderDays);
  return redact(p, CASES, {
    id: r.id,
    personId: r.personId,
    ground: r.ground,
    issuedOn: r.issuedOn,
    expiresOn: r.expiresOn,
    authority: r.authority,
    permitNumber: openField('residence_permits', 'permit_number', r.id, r.permitNumberEnc),
    renewsId: r.renewsId,
    current: r.current,
    remindOn,
    expiringSoon: r.current && today >= remindOn && today <= r.expiresOn,
    expired: r.current && today > r.expiresOn,
    recordedBy: r.recordedBy,
    createdAt: r.createdAt.toISOString(),
  }) as z.infer<typeof PermitView>;
}

/**
 * Records a victim's residence permit (CETS art. 14), or its renewal (`renews`: the person's current
 * permit on this case, which then stays in the history). Only the agency that holds the case records
 * permits. The case worker is reminded `permitExpiryReminderDays` before it expires (reminder sweep,
 * `permit_expiry`). Audited on the case; the permit number, which identifies, only as "changed".
 */
export async function recordPermit(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof PermitBody>): Promise<z.infer<typeof PermitView>> {
  const profile = await loadCountryProfile(db);
  const today = dayIn(profile.timeZone, new Date());
  if (body.issuedOn > today) throw badRequest('validation_failed', 'A permit is recorded once issued', { issuedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const victim = await tx.selectFrom('casePeople').select('personId').where('caseId', '=', caseId).where('personId', '=', body.personId).where('role', '=', 'victim').executeTakeFirst();
    if (!victim) throw badRequest('validation_failed', 'Permits are recorded for a victim of this case', { personId: 'not a victim of this case' });
    if (body.renews) {
      const renewed = await permitsQuery(tx, caseId).where('r.id', '=', body.renews).executeTakeFirst();
      if (!renewed || renewed.personId !== body.personId) throw badRequest('validation_failed', 'Not a permit of this person on this case', { renews: 'not a permit of this person on this case' });
      if (!renewed.current) throw conflict('permit_renewed', 'That permit was already renewed; renew the newest one', { renews: 'already renewed' });
      if (body.expiresOn <= renewed.expiresOn) throw badRequest('validation_failed', 'A renewal runs past the permit it renews', { expiresOn: `after ${renewed.expiresOn}` });
    }
    const id = crypto.randomUUID();
    const row = await tx
      .insertInto('residencePermits')
      .values({
        id,
        caseId,
        personId: body.personId,
        ground: body.ground,
        issuedOn: body.issuedOn,
        expiresOn: body.expiresOn,
        authority: body.authority ?? null,
        permitNumberEnc: sealField('residence_permits', 'permit_number', id, body.permitNumber ?? null),
        renewsId: body.renews ?? null,
        recordedBy: p.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const saved = await permitsQuery(tx, caseId).where('r.id', '=', row.id).executeTakeFirstOrThrow();
    return {
      result: toPermitView(p, profile, saved, today),
      audit: {
        action: body.renews ? 'case.permit_renewed' : 'case.permit_recorded',
        recordType: 'case',
        recordId: caseId,
        changes: {
          permitId: row.id,
          personId: body.personId,
          ground: body.ground,
          issuedOn: body.issuedOn,
          expiresOn: body.expiresOn,
          ...(body.renews ? { renews: body.renews } : {}),
          ...(body.permitNumber ? { permitNumber: 'changed' } : {}),
        },
      },
    };
  });
}
