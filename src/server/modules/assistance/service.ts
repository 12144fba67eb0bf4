import crypto from 'node:crypto';
import type { z } from 'zod';
import { openField, sealField } from '../../crypto/record-keys.ts';
import { countryToday } from '../../nrm-profile.ts';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { auditedTransaction, auditRead, type AuditActor } from '../../audit/audit.ts';
import { redact, type ResourceDef } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import type { AddAssistanceServiceBody, AssistancePlanBody, AssistancePlanView, UpdateAssistanceServiceBody } from '../../../shared/schemas/case-support.ts';
import { CASES } from '../cases/policy.ts';
import { caseAccess, lockForCaseWrite } from '../cases/access.ts';

/** The plan is part of the case: the same owner and grants, with the assessment and notes tagged as narrative. */
const PLAN: ResourceDef = { ...CASES, fieldTags: { ...CASES.fieldTags, needsAssessment: 'narrative', goals: 'narrative', note: 'narrative' } };

type ServiceView = AssistancePlanView['services'][number];

/**
 * The plan's needs assessment and goals (a JSON array) are sealed to the case, a service's note to
 * the service (docs/nrm.md, "Identity at rest").
 */
export const openPlan = (caseId: string, plan: { needsAssessmentEnc: Buffer | null; goalsEnc: Buffer | null } | undefined) => {
  const goals = plan ? openField('case_assistance_plans', 'goals', caseId, plan.goalsEnc) : null;
  return { needsAssessment: plan ? openField('case_assistance_plans', 'needs_assessment', caseId, plan.needsAssessmentEnc) : null, goals: goals === null ? [] : (JSON.parse(goals) as string[]) };
};
const sealNote = (serviceId: string, note: string | null) => sealField('case_assistance_services', 'note', serviceId, note);
export const openServiceNote = (s: { id: string; noteEnc: Buffer | null }) => openField('case_assistance_services', 'note', s.id, s.noteEnc);
/** Statuses that mean the service is being or was given: they need the person's consent to it. */
const GIVEN = new Set(['in_progress', 'delivered']);

async function planView(db: DbOrTx, p: Principal, caseId: string): Promise<AssistancePlanView> {
  const plan = await db.selectFrom('caseAssistancePlans').selectAll().where('caseId', '=', caseId).executeTakeFirst();
  const services = await db
    .selectFrom('caseAssistanceServices as s')
    .leftJoin('providers as pr', 'pr.id', 's.providerId')
    .leftJoin('caseConsents as k', 'k.id', 's.consentId')
    .selectAll('s')
    .select(['pr.name as providerName', 'k.withdrawnOn as consentWithdrawnOn'])
    .where('s.caseId', '=', caseId)
    .orderBy('s.createdAt')
    .orderBy('s.id')
    .execute();
  const opened = openPlan(caseId, plan);
  return {
    ...(redact(p, PLAN, {
      caseId,
      needsAssessment: opened.needsAssessment,
      assessedOn: plan?.assessedOn ?? null,
      goals: opened.goals,
      updatedBy: plan?.updatedBy ?? null,
      updatedAt: plan?.updatedAt.toISOString() ?? null,
    }) as Omit<AssistancePlanView, 'services'>),
    services: services.map(
      (s) =>
        redact(p, PLAN, {
          id: s.id,
          service: s.service as ServiceView['service'],
          status: s.status as ServiceView['status'],
          providerId: s.providerId,
          providerName: s.providerName,
          consentId: s.consentId,
          consentActive: s.consentId ? s.consentWithdrawnOn === null : null,
          plannedOn: s.plannedOn,
          startedOn: s.startedOn,
          endedOn: s.endedOn,
          note: openServiceNote(s),
          createdBy: s.createdBy,
          createdAt: s.createdAt.toISOString(),
          updatedAt: s.updatedAt.toISOString(),
        }) as ServiceView,
    ),
  };
}

/** The case's needs assessment and assistance plan: for those who hold the case, and grantees whose sections include `assistance`. */
export async function getPlan(db: Db, actor: AuditActor, p: Principal, caseId: string): Promise<AssistancePlanView> {
  const access = await caseAccess(db, p, caseId, 'read');
  if (!access.decision.sections.has('assistance')) throw notFound('Assistance plan');
  const view = await planView(db, p, caseId);
  await auditRead(db, actor, { action: 'case.assistance_plan.read', recordType: 'case', recordId: caseId, changes: { sections: ['assistance'], via: access.decision.via }, ...(access.decision.via === 'user_grant' ? { flagged: true } : {}) });
  return view;
}

/** Sets the needs assessment and goals; fields left out keep their value. */
export async function savePlan(db: Db, actor: AuditActor, p: Principal, caseId: string, body: z.infer<typeof AssistancePlanBody>): Promise<AssistancePlanView> {
  if (body.assessedOn && body.assessedOn > (await countryToday(db))) throw badRequest('validation_failed', 'An assessment cannot be in the future', { assessedOn: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const before = await tx.selectFrom('caseAssistancePlans').selectAll().where('caseId', '=', caseId).executeTakeFirst();
    const old = openPlan(caseId, before);
    const needsAssessment = body.needsAssessment !== undefined ? body.needsAssessment : old.needsAssessment;
    const goals = body.goals ?? old.goals;
    const values = {
      needsAssessmentEnc: sealField('case_assistance_plans', 'needs_assessment', caseId, needsAssessment),
      assessedOn: body.assessedOn !== undefined ? body.assessedOn : (before?.assessedOn ?? null),
      goalsEnc: sealField('case_assistance_plans', 'goals', caseId, JSON.stringify(goals)),
      updatedBy: p.userId,
      updatedAt: new Date(),
    };
    await tx
      .insertInto('caseAssistancePlans')
      .values({ caseId, ...values })
      .onConflict((oc) => oc.column('caseId').doUpdateSet(values))
      .execute();
    return {
      result: await planView(tx, p, caseId),
      audit: {
        action: before ? 'case.assistance_plan_updated' : 'case.assistance_plan_created',
        recordType: 'case',
        recordId: caseId,
        // What changed, not the narrative itself: the plan holds the person's needs.
        changes: { fields: Object.keys(body), assessedOn: values.assessedOn, goals: goals.length },
      },
    };
  });
}

async function checkRefs(tx: Tx, caseId: string, b: { providerId?: string | null; consentId?: string | null }) {
  if (b.providerId && !(await tx.selectFrom('providers').select('id').where('id', '=', b.providerId).executeTakeFirst()))
    throw badRequest('validation_failed', 'No such provider', { providerId: 'no such provider' });
  if (b.consentId) {
    const k = await tx.selectFrom('caseConsents').select(['kind', 'withdrawnOn']).where('id', '=', b.consentId).where('caseId', '=', caseId).executeTakeFirst();
    if (!k) throw badRequest('validation_failed', 'Not a consent of this case', { consentId: 'not a consent of this case' });
    if (k.kind !== 'assistance') throw badRequest('validation_failed', 'The consent must be to assistance', { consentId: 'not a consent to assistance' });
    if (k.withdrawnOn) throw badRequest('validation_failed', 'That consent was withdrawn', { consentId: 'withdrawn' });
  }
}

function checkService(s: { status: string; consentId: string | null; startedOn: string | null; endedOn: string | null }) {
  if (s.startedOn && s.endedOn && s.endedOn < s.startedOn) throw badRequest('validation_failed', 'A service ends after it starts', { endedOn: 'before startedOn' });
  if (GIVEN.has(s.status) && !s.consentId)
    throw badRequest('validation_failed', 'A service is given only with the person\'s consent to it: link their consent to assistance', { consentId: `required when the status is ${s.status}` });
}

export async function addService(db: Db, actor: AuditActor, p: Principal, caseId: string, body: z.infer<typeof AddAssistanceServiceBody>): Promise<ServiceView> {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const values = {
      service: body.service,
      status: body.status ?? 'planned',
      providerId: body.providerId ?? null,
      consentId: body.consentId ?? null,
      plannedOn: body.plannedOn ?? null,
      startedOn: body.startedOn ?? null,
      endedOn: body.endedOn ?? null,
      note: body.note ?? null,
    };
    checkService(values);
    await checkRefs(tx, caseId, values);
    const { note, ...logged } = values;
    const id = crypto.randomUUID();
    const row = await tx.insertInto('caseAssistanceServices').values({ id, caseId, ...logged, noteEnc: sealNote(id, note), createdBy: p.userId }).returning('id').executeTakeFirstOrThrow();
    const view = (await planView(tx, p, caseId)).services.find((s) => s.id === row.id)!;
    return { result: view, audit: { action: 'case.assistance_service_added', recordType: 'case', recordId: caseId, changes: { serviceId: row.id, ...logged } } };
  });
}

export async function updateService(db: Db, actor: AuditActor, p: Principal, caseId: string, serviceId: string, body: z.infer<typeof UpdateAssistanceServiceBody>): Promise<ServiceView> {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const before = await tx.selectFrom('caseAssistanceServices').selectAll().where('id', '=', serviceId).where('caseId', '=', caseId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Service');
    if ((before.status === 'delivered' || before.status === 'declined') && body.status && body.status !== before.status && body.status !== 'in_progress')
      throw conflict('service_closed', `A ${before.status} service can only be reopened as in progress`);
    const after = { ...before, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) } as typeof before;
    checkService(after);
    await checkRefs(tx, caseId, { providerId: body.providerId, consentId: body.consentId });
    const { note, ...plain } = body;
    await tx
      .updateTable('caseAssistanceServices')
      .set({ ...plain, ...(note !== undefined ? { noteEnc: sealNote(serviceId, note) } : {}), updatedAt: new Date() })
      .where('id', '=', serviceId)
      .execute();
    const view = (await planView(tx, p, caseId)).services.find((s) => s.id === serviceId)!;
    const changes: Record<string, unknown> = { serviceId, service: before.service };
    for (const k of Object.keys(body) as (keyof typeof body)[]) {
      if (k === 'note') changes.note = 'changed';
      else if (before[k] !== body[k]) changes[k] = [before[k], body[k]];
    }
    return { result: view, audit: { action: 'case.assistance_service_updated', recordType: 'case', recordId: caseId, changes } };
  });
}
