import crypto from 'node:crypto';
import { sql, type Expression, type SqlBool } from 'kysely';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { redact, requirePermission, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { dayIn, identificationDates } from '../../../domain/deadlines.ts';
import { calendarFor, type CountryProfile } from '../../../domain/country-profile.ts';
import type { DecisionBody, DecisionView, PersonIdentificationView, QueueItem } from '../../../shared/schemas/identification.ts';
import { loadCountryProfile } from '../../nrm-profile.ts';
import { CASES } from '../cases/policy.ts';
import { REFERRALS } from '../referrals/policy.ts';
import { caseAccess } from '../cases/access.ts';
import { permitsQuery, toPermitView, type PermitRow } from './permits.ts';


const decisionsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('identificationDecisions as d')
    .innerJoin('users as u', 'u.id', 'd.decidedBy')
    .selectAll('d')
    .select(['u.name as decidedByName', sql<boolean>`NOT EXISTS (SELECT 1 FROM identification_decisions x WHERE x.reconsiders_id = d.id)`.as('current')])
    .where('d.caseId', '=', caseId)
    .orderBy('d.createdAt')
    .orderBy('d.id');
const listDecisions = (db: DbOrTx, caseId: string) => decisionsQuery(db, caseId).execute();
type DecisionRow = Awaited<ReturnType<typeof listDecisions>>[number];

const toDecisionView = (p: Principal, d: DecisionRow): z.infer<typeof DecisionView> =>
  redact(p, CASES, {
    id: d.id,
    caseId: d.caseId,
    personId: d.personId,
    referralId: d.referralId,
    stage: d.stage,
    outcome: d.outcome,
    decidedOn: d.decidedOn,
    // The decision's free text is sealed to it (docs/nrm.md, "Identity at rest").
    reasons: openField('identification_decisions', 'reasons', d.id, d.reasonsEnc) ?? '',
    evidence: openField('identification_decisions', 'evidence', d.id, d.evidenceEnc),
    reflectionWithheld: d.reflectionWithheld,
    reflectionWithheldReason: openField('identification_decisions', 'reflection_withheld_reason', d.id, d.reflectionWithheldReasonEnc),
    reconsidersId: d.reconsidersId,
    current: d.current,
    reflectionEndsOn: d.reflectionEndsOn,
    earliestConclusiveOn: d.earliestConclusiveOn,
    decidedBy: d.decidedBy,
    decidedByName: d.decidedByName,
    decidedByAgencyId: d.decidedByAgencyId,
    createdAt: d.createdAt.toISOString(),
  }) as z.infer<typeof DecisionView>;

/** The case's identification referrals, newest first. */
const identificationReferralsQuery = (db: DbOrTx, caseId: string) =>
  db
    .selectFrom('referrals')
    .select(['id', 'toAgencyId', 'sentAt', 'status'])
    .where('caseId', '=', caseId)
    .where('purpose', '=', 'identification')
    .where('status', 'in', ['pending', 'accepted', 'completed'])
    .orderBy('sentAt', 'desc');
const identificationReferrals = (db: DbOrTx, caseId: string) => identificationReferralsQuery(db, caseId).execute();

function datesFor(profile: CountryProfile, referredOn: string, decisions: DecisionRow[], permitExpiresOn?: string) {
  const current = (stage: string) => decisions.filter((d) => d.stage === stage && d.current).at(-1);
  const rg = current('reasonable_grounds');
  const conclusive = current('conclusive');
  return identificationDates(profile, calendarFor(profile), {
    referredOn,
    reasonableGrounds: rg ? { decidedOn: rg.decidedOn, positive: rg.outcome === 'positive', reflectionWithheld: rg.reflectionWithheld !== null } : undefined,
    conclusiveOn: conclusive?.decidedOn,
    permitExpiresOn,
  });
}

/** The identification section of the case page: each victim's referral day, computed dates and decisions. */
export async function identificationViews(db: DbOrTx, p: Principal, caseId: string): Promise<z.infer<typeof PersonIdentificationView>[]> {
  const [profile, victims, decisions, referrals, permits] = await Promise.all([
    loadCountryProfile(db),
    caseVictimsQuery(db, caseId).execute(),
    listDecisions(db, caseId),
    identificationReferrals(db, caseId),
    permitsQuery(db, caseId).execute(),
  ]);
  return toIdentificationViews(p, profile, victims, decisions, referrals, permits);
}

const caseVictimsQuery = (db: DbOrTx, caseId: string) =>
  db.selectFrom('casePeople').select('personId').where('caseId', '=', caseId).where('role', '=', 'victim').orderBy('addedAt');

/** The queries whose rows `toIdentificationViews` takes (after the country profile), for a batched read. */
export const identificationQueries = (db: DbOrTx, caseId: string, and: Expression<SqlBool>) =>
  [caseVictimsQuery(db, caseId).where(and), decisionsQuery(db, caseId).where(and), identificationReferralsQuery(db, caseId).where(and), permitsQuery(db, caseId).where(and)] as const;

export function toIdentificationViews(
  p: Principal,
  profile: CountryProfile,
  victims: readonly { personId: string }[],
  decisions: DecisionRow[],
  referrals: readonly { id: string; sentAt: Date }[],
  permits: readonly PermitRow[],
): z.infer<typeof PersonIdentificationView>[] {
  const referral = referrals.at(-1);
  const today = dayIn(profile.timeZone, new Date());
  return victims.map((v) => {
    const mine = decisions.filter((d) => d.personId === v.personId);
    const theirPermits = permits.filter((r) => r.personId === v.personId);
    // The permit reminder follows the current permit that runs out first.
    const permitExpiresOn = theirPermits.filter((r) => r.current).map((r) => r.expiresOn).sort()[0];
    const referredOn = referral ? dayIn(profile.timeZone, referral.sentAt) : null;
    const dates = referredOn ? datesFor(profile, referredOn, mine, permitExpiresOn) : null;
    const hasRg = mine.some((d) => d.stage === 'reasonable_grounds');
    return {
      personId: v.personId,
      referralId: referral?.id ?? null,
      referredOn,
      dates,
      rgOverdue: Boolean(dates && !hasRg && today > dates.rgDueOn),
      decisions: mine.map((d) => toDecisionView(p, d)),
      permits: theirPermits.map((r) => toPermitView(p, profile, r, today)),
    };
  });
}

/**
 * The identification officer's queue: identification referrals to their agency waiting for a
 * reasonable-grounds decision, soonest deadline first (working days of the country's calendar).
 */
export async function queue(db: Db, p: Principal): Promise<z.infer<typeof QueueItem>[]> {
  requirePermission(p, 'identification:decide');
  const profile = await loadCountryProfile(db);
  const rows = await db
    .selectFrom('referrals as r')
    .innerJoin('agencies as fa', 'fa.id', 'r.fromAgencyId')
    .select(['r.id', 'r.caseId', 'r.status', 'r.sentAt', 'r.summary', 'fa.name as fromAgencyName'])
    .where('r.toAgencyId', '=', p.agencyId)
    // The referral as the engine lets the officer read it (its grant, and never a case an order ended access to).
    .where(visibleFilter(p, 'read', REFERRALS))
    .where('r.purpose', '=', 'identification')
    .where('r.status', 'in', ['pending', 'accepted'])
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM identification_decisions d WHERE d.case_id = r.case_id AND d.stage = 'reasonable_grounds')`)
    .limit(1000)
    .execute();
  const today = dayIn(profile.timeZone, new Date());
  return rows
    .map((r) => {
      const referredOn = dayIn(profile.timeZone, r.sentAt);
      const rgDueOn = identificationDates(profile, calendarFor(profile), { referredOn }).rgDueOn;
      const s = r.summary as { caseNumber: string; exploitationForms: string[]; victims: { sex: string; ageBand: string; nationality: string | null }[] };
      return {
        referralId: r.id,
        caseId: r.caseId,
        caseNumber: s.caseNumber,
        fromAgencyName: r.fromAgencyName,
        referralStatus: r.status as 'pending' | 'accepted',
        sentAt: r.sentAt.toISOString(),
        referredOn,
        rgDueOn,
        overdue: today > rgDueOn,
        victims: s.victims.map((v) => ({ sex: v.sex, ageBand: v.ageBand, nationality: v.nationality })),
        exploitationForms: s.exploitationForms,
      };
    })
    .sort((a, b) => a.rgDueOn.localeCompare(b.rgDueOn) || a.sentAt.localeCompare(b.sentAt));
}

const VICTIM_STATUS: Record<string, string> = {
  positive: 'presumed',
  negative: 'potential',
  identified_trafficking: 'identified',
  identified_forced_labour: 'identified',
  not_enough_evidence: 'not_identified',
};

/**
 * Records a decision of the competent authority on one victim. Reasonable grounds first; the
 * conclusive decision only after a positive one and not before the earliest conclusive day; a
 * decision already taken is changed only by a reconsideration of a negative one, which keeps it in
 * the history. The case's victim status follows the decision.
 */
export async function decide(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof DecisionBody>) {
  requirePermission(p, 'identification:decide');
  const profile = await loadCountryProfile(db);
  const today = dayIn(profile.timeZone, new Date());
  if (body.decidedOn > today) throw badRequest('validation_failed', 'A decision cannot be dated in the future', { decidedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    if (!(await tx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().executeTakeFirst())) throw notFound('Case');
    await caseAccess(tx, p, caseId, 'update');
    const victim = await tx.selectFrom('casePeople').select('personId').where('caseId', '=', caseId).where('personId', '=', body.personId).where('role', '=', 'victim').executeTakeFirst();
    if (!victim) throw badRequest('validation_failed', 'Decisions are about a victim of this case', { personId: 'not a victim of this case' });
    const referrals = (await identificationReferrals(tx, caseId)).filter((r) => r.toAgencyId === p.agencyId);
    const referral = body.referralId ? referrals.find((r) => r.id === body.referralId) : referrals[0];
    if (body.referralId && !referral) throw badRequest('validation_failed', 'Not an identification referral of this case to your agency', { referralId: 'not an identification referral to your agency' });
    if (!referral) throw new AppError('no_identification_referral', 409, 'The case was not referred to your agency for identification');
    const referredOn = dayIn(profile.timeZone, referral.sentAt);
    if (body.decidedOn < referredOn) throw badRequest('validation_failed', 'A decision comes after the referral', { decidedOn: `not before the referral (${referredOn})` });
    const all = (await listDecisions(tx, caseId)).filter((d) => d.personId === body.personId);
    const current = all.filter((d) => d.stage === body.stage && d.current).at(-1);
    if (current && body.reconsiders !== current.id)
      throw conflict('already_decided', 'This stage is decided; a change is a reconsideration of that decision', { reconsiders: `reconsider ${current.id}` });
    if (!current && body.reconsiders) throw badRequest('validation_failed', 'Nothing to reconsider', { reconsiders: 'no current decision at this stage' });
    if (current && ['positive', 'identified_trafficking', 'identified_forced_labour'].includes(current.outcome))
      throw conflict('not_reconsiderable', 'Only a negative decision is reconsidered');
    const dates = datesFor(profile, referredOn, all);
    if (body.stage === 'conclusive') {
      const rg = all.filter((d) => d.stage === 'reasonable_grounds' && d.current).at(-1);
      if (!rg || rg.outcome !== 'positive') throw conflict('rg_required', 'A conclusive decision follows a positive reasonable-grounds decision');
      if (dates.earliestConclusiveOn && body.decidedOn < dates.earliestConclusiveOn)
        throw badRequest('validation_failed', 'Too early for the conclusive decision', { decidedOn: `not before ${dates.earliestConclusiveOn}` });
    }
    const after = body.stage === 'reasonable_grounds'
      ? identificationDates(profile, calendarFor(profile), { referredOn, reasonableGrounds: { decidedOn: body.decidedOn, positive: body.outcome === 'positive', reflectionWithheld: Boolean(body.reflectionWithheld) } })
      : null;
    const id = crypto.randomUUID();
    const row = await tx
      .insertInto('identificationDecisions')
      .values({
        id,
        caseId,
        personId: body.personId,
        referralId: referral.id,
        stage: body.stage,
        outcome: body.outcome,
        decidedOn: body.decidedOn,
        reasonsEnc: sealField('identification_decisions', 'reasons', id, body.reasons),
        evidenceEnc: sealField('identification_decisions', 'evidence', id, body.evidence ?? null),
        reflectionWithheld: body.reflectionWithheld ?? null,
        reflectionWithheldReasonEnc: sealField('identification_decisions', 'reflection_withheld_reason', id, body.reflectionWithheldReason ?? null),
        reconsidersId: body.reconsiders ?? null,
        reflectionEndsOn: after?.reflectionEndsOn ?? null,
        earliestConclusiveOn: after?.earliestConclusiveOn ?? null,
        decidedBy: p.userId,
        decidedByAgencyId: p.agencyId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = await tx.selectFrom('cases').select('victimStatus').where('id', '=', caseId).executeTakeFirstOrThrow();
    await tx.updateTable('cases').set({ victimStatus: VICTIM_STATUS[body.outcome]!, updatedAt: new Date() }).where('id', '=', caseId).execute();
    const view = toDecisionView(p, (await listDecisions(tx, caseId)).find((d) => d.id === row.id)!);
    return {
      result: view,
      audit: {
        action: 'case.identification_decided',
        recordType: 'case',
        recordId: caseId,
        changes: {
          decisionId: row.id, personId: body.personId, referralId: referral.id, stage: body.stage, outcome: body.outcome, decidedOn: body.decidedOn,
          reconsiders: body.reconsiders ?? null, reflectionEndsOn: view.reflectionEndsOn, victimStatus: { old: before.victimStatus, new: VICTIM_STATUS[body.outcome] },
        },
      },
    };
  });
}
