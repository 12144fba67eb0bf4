import type { Db, Tx } from '../../db/database.ts';
import { appendAudit, auditedTransaction, type AuditActor } from '../../audit/audit.ts';
import { requirePermission } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { conflict, forbidden } from '../../errors.ts';
import type { EscalationAlert, OperatorState, OperatorStateView, QueueItem, SupervisorOverview } from '../../../shared/schemas/operators.ts';
import { mayAnswerEscalations } from './escalations.ts';
import { openEscalationReason } from './escalations.ts';
import * as repo from './repository.ts';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** Whoever may work on contacts has a console state; others (an analyst, the police) have none. */
const worksContacts = (p: Principal) => [...p.permissions].some((x) => x.startsWith('contact:update:'));

const view = (userId: string, s: Awaited<ReturnType<typeof repo.findState>>): OperatorStateView => ({
  userId,
  state: s?.state ?? null,
  since: iso(s?.since),
  contactId: s?.contactId ?? null,
});

export async function getMyState(db: Db, p: Principal): Promise<OperatorStateView> {
  if (!worksContacts(p)) throw forbidden('Only those who work on contacts have a console state');
  return view(p.userId, await repo.findState(db, p.userId));
}

/**
 * The operator chooses available or break. While on a contact the choice waits: close or hand over
 * the contact first (409 `on_contact`); from wrap-up either ends the wrap-up.
 */
export async function setMyState(db: Db, p: Principal, actor: AuditActor, state: 'available' | 'break'): Promise<OperatorStateView> {
  if (!worksContacts(p)) throw forbidden('Only those who work on contacts have a console state');
  return auditedTransaction(db, actor, async (tx) => {
    const current = await repo.lockState(tx, p.userId);
    if (current?.state === state) return { result: view(p.userId, current), audit: [] };
    if (current?.state === 'on_contact') throw conflict('on_contact', 'You are on a contact: close it or ask a supervisor to reassign it first', { state: 'on a contact' });
    const saved = await repo.upsertState(tx, p.userId, p.agencyId, state, null, new Date());
    await repo.notifyState(tx, p.userId);
    return {
      result: view(p.userId, saved),
      audit: { action: 'operator.state_changed', recordType: 'user', recordId: p.userId, changes: { state: { old: current?.state ?? null, new: state } } },
    };
  });
}

/**
 * A state that follows from a contact (accepted: on contact; the call ended: wrap-up), written and
 * audited in the contact's own transaction and pushed live at its commit.
 */
export async function followContact(tx: Tx, actor: AuditActor, userId: string, agencyId: string, state: OperatorState, contactId: string): Promise<void> {
  const current = await repo.lockState(tx, userId);
  if (current?.state === state && current.contactId === contactId) return;
  await repo.upsertState(tx, userId, agencyId, state, contactId, new Date());
  await repo.notifyState(tx, userId);
  await appendAudit(tx, actor, {
    action: 'operator.state_changed',
    recordType: 'user',
    recordId: userId,
    changes: { state: { old: current?.state ?? null, new: state }, contactId, automatic: true },
  });
}

/** The call of an operator's contact ended: from on contact to wrap-up (the form is still open). */
export async function contactEnded(tx: Tx, actor: AuditActor, contactId: string, userId: string | null): Promise<void> {
  if (!userId) return;
  const current = await repo.lockState(tx, userId);
  if (current?.state !== 'on_contact' || current.contactId !== contactId) return;
  await followContact(tx, actor, userId, current.agencyId, 'wrap_up', contactId);
}

/** The contact was closed or handed to someone else: whoever was on it (or wrapping it up) is available again. */
export async function contactReleased(tx: Tx, actor: AuditActor, contactId: string, userId: string | null): Promise<void> {
  if (!userId) return;
  const current = await repo.lockState(tx, userId);
  if (!current || current.contactId !== contactId || (current.state !== 'on_contact' && current.state !== 'wrap_up')) return;
  await repo.upsertState(tx, userId, current.agencyId, 'available', null, new Date());
  await repo.notifyState(tx, userId);
  await appendAudit(tx, actor, {
    action: 'operator.state_changed',
    recordType: 'user',
    recordId: userId,
    changes: { state: { old: current.state, new: 'available' }, contactId, automatic: true },
  });
}

type QueueRow = Awaited<ReturnType<typeof repo.openContacts>>[number];
function queueItem(r: QueueRow, now: number): QueueItem {
  const until = r.answeredAt ?? r.endedAt;
  return {
    id: r.id,
    channel: r.channel as QueueItem['channel'],
    status: r.status as QueueItem['status'],
    urgency: r.urgency as QueueItem['urgency'],
    region: r.region,
    assignedUserId: r.assignedUserId,
    receivedAt: r.receivedAt.toISOString(),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    waitSeconds: Math.max(0, Math.round(((until?.getTime() ?? now) - r.receivedAt.getTime()) / 1000)),
  };
}

function alert(r: Awaited<ReturnType<typeof repo.escalationsFor>>[number]): EscalationAlert {
  return {
    id: r.id,
    contactId: r.contactId,
    reason: openEscalationReason(r.id, r.reasonEnc),
    region: r.region,
    channel: r.channel as EscalationAlert['channel'],
    createdAt: r.createdAt.toISOString(),
    createdByName: r.createdByName,
    alertedAt: iso(r.alertedAt),
    acknowledgedAt: iso(r.acknowledgedAt),
    acknowledgedByName: r.acknowledgedByName,
    secondsToAcknowledge: r.acknowledgedAt && r.alertedAt ? (r.acknowledgedAt.getTime() - r.alertedAt.getTime()) / 1000 : null,
  };
}

/** Escalations that alerted the caller's agency (the hotline's operators and supervisors, the region's police). */
export async function escalationAlerts(db: Db, p: Principal, openOnly: boolean): Promise<EscalationAlert[]> {
  if (!mayAnswerEscalations(p)) throw forbidden('Only those who answer escalations (hotline operators and supervisors, the police) read them');
  return (await repo.escalationsFor(db, p, openOnly)).map(alert);
}

/** The shift supervisor's view of their agency's hotline: operators, queue, abandoned, today's numbers, escalations. */
export async function overview(db: Db, p: Principal, timeZone: string): Promise<SupervisorOverview> {
  requirePermission(p, 'contacts:supervise');
  const since = await repo.startOfDay(db, timeZone);
  const [operators, open, abandoned, counts, escalations] = await Promise.all([
    repo.operatorsOf(db, p.agencyId),
    repo.openContacts(db, p.agencyId),
    repo.abandonedSince(db, p.agencyId, since),
    repo.todayCounts(db, p.agencyId, since),
    repo.escalationsFor(db, p, false),
  ]);
  const now = Date.now();
  const alerts = escalations.map(alert);
  return {
    operators: operators.map((o) => ({ userId: o.userId, name: o.name, email: o.email, state: o.state, since: iso(o.since), contactId: o.contactId })),
    waiting: open.filter((c) => c.status === 'new' || c.status === 'ringing').map((c) => queueItem(c, now)),
    active: open.filter((c) => c.status === 'in_progress' || c.status === 'wrap_up').map((c) => queueItem(c, now)),
    abandoned: abandoned.map((c) => queueItem(c, now)),
    today: { since: since.toISOString(), ...counts, escalationsOpen: alerts.filter((a) => !a.acknowledgedAt).length },
    escalations: alerts,
  };
}
