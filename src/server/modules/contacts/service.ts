import crypto from 'node:crypto';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, auditRead, diff, type AuditActor } from '../../audit/audit.ts';
import { redact, requirePermission, scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { loadUserWithAccess } from '../../auth/principal-repository.ts';
import { fieldAad, type Keys } from '../../crypto/keys.ts';
import { chooseScreeningList, type ScreeningResult } from '../../../domain/screening.ts';
import { OPEN_STATUSES, type ContactStatus } from '../../../shared/hotline.ts';
import type {
  CloseContactBody,
  ContactDetail,
  ContactDraftData,
  ContactFormBody,
  ContactView,
  CreateContactBody,
  EscalationView,
  HistoryView,
  ScreeningView,
  StoreScreeningBody,
} from '../../../shared/schemas/contacts.ts';
import { evaluate } from '../screening/service.ts';
import { contactorFingerprint } from './contactor.ts';
import { CONTACTS } from './policy.ts';
import { mayAnswerEscalations } from '../operators/escalations.ts';
import * as repo from './repository.ts';
import { contactReleased, followContact } from '../operators/service.ts';
import { enqueueEscalationMail, type MailSettings } from '../../mail/outbox.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toContactView(p: Principal, r: repo.ContactRow): ContactView {
  const view = {
    ...r,
    persons: r.persons as ContactView['persons'],
    receivedAt: r.receivedAt.toISOString(),
    answeredAt: iso(r.answeredAt),
    endedAt: iso(r.endedAt),
    completedAt: iso(r.completedAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  } as ContactView;
  return redact(p, CONTACTS, view) as ContactView;
}

const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s);

/** Loads and locks the contact for a write, or 404 (unknown and not allowed read the same). */
async function lockForWrite(tx: Tx, p: Principal, id: string) {
  const row = await repo.lockContact(tx, p, id);
  if (!row) throw notFound('Contact');
  return row;
}

const requireOpen = (row: { status: string }) => {
  if (!isOpen(row.status)) throw conflict('contact_closed', `The contact is ${row.status}`);
};

async function viewAfter(tx: Tx, p: Principal, id: string) {
  await repo.notifyContact(tx, id);
  return toContactView(p, (await repo.findContact(tx, p, id))!);
}

export async function createContact(db: Db, keys: Keys, p: Principal, actor: AuditActor, body: z.infer<typeof CreateContactBody>) {
  if (scopesFor(p, 'contact', 'create').size === 0) throw forbidden();
  const receivedAt = body.receivedAt ? new Date(body.receivedAt) : new Date();
  if (receivedAt.getTime() > Date.now() + 60_000) throw badRequest('validation_failed', 'A contact cannot be received in the future', { receivedAt: 'in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    const now = new Date();
    const row = await tx
      .insertInto('contacts')
      .values({
        channel: body.channel,
        status: 'in_progress',
        ownerAgencyId: p.agencyId,
        assignedUserId: p.userId,
        enteredBy: p.userId,
        ...contactorFingerprint(keys, body.contactor ?? null),
        receivedAt,
        answeredAt: receivedAt,
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await followContact(tx, actor, p.userId, p.agencyId, 'on_contact', row.id);
    return {
      result: await viewAfter(tx, p, row.id),
      audit: { action: 'contact.created', recordType: 'contact', recordId: row.id, changes: { channel: body.channel, enteredBy: p.userId, receivedAt: receivedAt.toISOString() } },
    };
  });
}

export async function getContact(db: Db, p: Principal, actor: AuditActor, id: string): Promise<z.infer<typeof ContactDetail>> {
  const row = await repo.findContact(db, p, id);
  if (!row) throw notFound('Contact');
  const [messages, screenings, escalations] = await Promise.all([repo.listMessages(db, id), repo.listScreenings(db, id), repo.listEscalations(db, id)]);
  const detail = {
    ...toContactView(p, row),
    messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
    screenings: screenings.map(toScreeningView),
    escalations: escalations.map(toEscalationView),
  };
  const shown = redact(p, CONTACTS, detail) as z.infer<typeof ContactDetail>;
  // A contact holds personal data of possible victims: every read is recorded.
  await auditRead(db, actor, { action: 'contact.read', recordType: 'contact', recordId: id, changes: { fields: Object.keys(shown).sort() } });
  return shown;
}

export async function history(db: Db, p: Principal, actor: AuditActor, id: string) {
  if (!(await repo.findContact(db, p, id))) throw notFound('Contact');
  const rows = await repo.contactorHistory(db, p, id);
  await auditRead(db, actor, { action: 'contact.history_read', recordType: 'contact', recordId: id, changes: { results: rows.length } });
  return { items: rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })) as z.infer<typeof HistoryView>['items'] };
}

/** The operator takes the contact: it becomes theirs and in progress; a contact someone else took is a 409. */
export async function accept(db: Db, p: Principal, actor: AuditActor, id: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    if (row.status === 'in_progress' && row.assignedUserId === p.userId) {
      return { result: await viewAfter(tx, p, id), audit: [] };
    }
    if (row.status !== 'new' && row.status !== 'ringing') throw conflict('already_taken', row.assignedUserId ? 'Another operator has taken this contact' : `The contact is ${row.status}`);
    const now = new Date();
    await tx.updateTable('contacts').set({ status: 'in_progress', assignedUserId: p.userId, answeredAt: now, updatedAt: now }).where('id', '=', id).execute();
    await followContact(tx, actor, p.userId, p.agencyId, 'on_contact', id);
    return {
      result: await viewAfter(tx, p, id),
      audit: { action: 'contact.accepted', recordType: 'contact', recordId: id, changes: diff({ status: row.status, assignedUserId: row.assignedUserId }, { status: 'in_progress', assignedUserId: p.userId }) },
    };
  });
}

/** A draft is one user's on one contact: what it holds (all that was typed) is sealed to both (docs/nrm.md, "Identity at rest"). */
export const draftId = (contactId: string, userId: string) => `${contactId}/${userId}`;

export async function getDraft(db: Db, p: Principal, id: string) {
  if (!(await repo.findContact(db, p, id, 'update'))) throw notFound('Contact');
  const d = await db.selectFrom('contactDrafts').select(['dataEnc', 'version', 'updatedAt']).where('contactId', '=', id).where('userId', '=', p.userId).executeTakeFirst();
  if (!d) throw notFound('Draft');
  return { data: JSON.parse(openField('contact_drafts', 'data', draftId(id, p.userId), d.dataEnc) ?? '{}') as z.infer<typeof ContactDraftData>, version: d.version, updatedAt: d.updatedAt.toISOString() };
}

/** Saves the user's draft of the form; with `baseVersion`, a save over a newer one (another tab) is a 409. */
export async function saveDraft(db: Db, p: Principal, actor: AuditActor, id: string, data: z.infer<typeof ContactDraftData>, baseVersion: number | undefined) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    requireOpen(row);
    const current = await tx.selectFrom('contactDrafts').select(['version']).where('contactId', '=', id).where('userId', '=', p.userId).forUpdate().executeTakeFirst();
    if (baseVersion !== undefined && (current?.version ?? 0) !== baseVersion)
      throw conflict('draft_conflict', 'The draft was saved elsewhere since; load it again', { baseVersion: `current version is ${current?.version ?? 0}` });
    const now = new Date();
    const saved = await tx
      .insertInto('contactDrafts')
      .values({ contactId: id, userId: p.userId, dataEnc: sealField('contact_drafts', 'data', draftId(id, p.userId), JSON.stringify(data)), version: 1, updatedAt: now })
      .onConflict((oc) => oc.columns(['contactId', 'userId']).doUpdateSet((eb) => ({ dataEnc: eb.ref('excluded.dataEnc'), version: eb('contactDrafts.version', '+', 1), updatedAt: now })))
      .returning(['version', 'updatedAt'])
      .executeTakeFirstOrThrow();
    // The draft's content is personal data: the log names the fields, not what was typed.
    return {
      result: { data, version: saved.version, updatedAt: saved.updatedAt.toISOString() },
      audit: { action: 'contact.draft_saved', recordType: 'contact', recordId: id, changes: { fields: Object.keys(data).sort(), version: saved.version } },
    };
  });
}

/** Writes the form onto the contact, drops the user's draft, and records what changed. */
export async function submitForm(db: Db, keys: Keys, p: Principal, actor: AuditActor, id: string, form: ContactFormBody) {
  if (form.callbackNumber && form.callbackConsent !== true)
    throw badRequest('validation_failed', 'A call-back number is kept only with the contactor\'s consent', { callbackConsent: 'must be true to keep a call-back number' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    const before = (await repo.findContact(tx, p, id, 'update'))!;
    requireOpen(before);
    const set: Record<string, unknown> = { contactorType: form.contactorType, contactType: form.contactType, updatedAt: new Date() };
    for (const k of ['language', 'region', 'urgency'] as const) if (form[k] !== undefined) set[k] = form[k];
    if (form.city !== undefined) set.cityEnc = sealField('contacts', 'city', id, form.city ?? null);
    if (form.summary !== undefined) set.summaryEnc = sealField('contacts', 'summary', id, form.summary ?? null);
    if (form.categories !== undefined) set.categories = [...new Set(form.categories)];
    if (form.persons !== undefined) set.persons = JSON.stringify(form.persons);
    if (form.callbackNumber !== undefined) set.callbackNumberEnc = form.callbackNumber ? keys.encrypt(form.callbackNumber, fieldAad('contacts', 'callback_number', id)) : null;
    await tx.updateTable('contacts').set(set).where('id', '=', id).execute();
    await tx.deleteFrom('contactDrafts').where('contactId', '=', id).where('userId', '=', p.userId).execute();
    const after = (await repo.findContact(tx, p, id, 'update'))!;
    const pick = (r: repo.ContactRow) => ({
      contactorType: r.contactorType, contactType: r.contactType, language: r.language, region: r.region, city: r.city,
      persons: r.persons, categories: r.categories, summary: r.summary, urgency: r.urgency, hasCallbackNumber: r.hasCallbackNumber,
    });
    return { result: await viewAfter(tx, p, id), audit: { action: 'contact.form_submitted', recordType: 'contact', recordId: id, changes: diff(pick(before), pick(after)) } };
  });
}

function toScreeningView(s: Awaited<ReturnType<typeof repo.listScreenings>>[number]): z.infer<typeof ScreeningView> {
  const result = s.result as ScreeningResult;
  return {
    id: s.id,
    contactId: s.contactId,
    personIndex: s.personIndex,
    list: s.list as ScreeningResult['list'],
    listReason: s.listReason,
    indicators: s.indicators as z.infer<typeof ScreeningView>['indicators'],
    result,
    proposeReferral: s.presumedVictim,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * Stores a screening on the contact: the list follows from the person's age and the exploitation type,
 * each indicator keeps who observed it, when and from what source, and the result keeps its versions.
 */
export async function storeScreening(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof StoreScreeningBody>) {
  const choice = chooseScreeningList({ age: body.age, ageVerified: body.ageVerified ?? false, possiblyChild: body.possiblyChild ?? false, exploitation: body.exploitation });
  const result = evaluate({ list: choice.list, indicators: body.indicators.map((i) => i.code), recruitmentActEstablished: choice.child ? body.recruitmentActEstablished : undefined });
  const now = new Date();
  if (body.indicators.some((i) => i.observedAt && new Date(i.observedAt).getTime() > now.getTime() + 60_000))
    throw badRequest('validation_failed', 'An indicator cannot be observed in the future', { indicators: 'observedAt in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    requireOpen(row);
    const indicators = body.indicators.map((i) => ({ code: i.code, source: i.source, observedAt: i.observedAt ? new Date(i.observedAt).toISOString() : now.toISOString(), observedBy: p.userId }));
    const s = await tx
      .insertInto('contactScreenings')
      .values({
        contactId: id,
        personIndex: body.personIndex ?? null,
        list: choice.list,
        listReason: choice.reason,
        indicators: JSON.stringify(indicators),
        recruitmentActEstablished: choice.child && body.recruitmentActEstablished === true,
        presumedVictim: result.presumedVictim,
        provisional: result.provisional,
        catalogueVersion: result.catalogueVersion,
        ruleVersion: result.ruleVersion,
        result: JSON.stringify(result),
        createdBy: p.userId,
        createdAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stored = (await repo.listScreenings(tx, id)).find((x) => x.id === s.id)!;
    return {
      result: toScreeningView(stored),
      audit: {
        action: 'contact.screened',
        recordType: 'contact',
        recordId: id,
        changes: { screeningId: s.id, list: choice.list, listReason: choice.reason, indicators: indicators.map((i) => i.code), presumedVictim: result.presumedVictim, catalogueVersion: result.catalogueVersion, ruleVersion: result.ruleVersion },
      },
    };
  });
}

function toEscalationView(e: Awaited<ReturnType<typeof repo.listEscalations>>[number]): z.infer<typeof EscalationView> {
  return {
    ...e,
    createdAt: e.createdAt.toISOString(),
    alertedAt: iso(e.alertedAt),
    acknowledgedAt: iso(e.acknowledgedAt),
    secondsToAcknowledge: e.acknowledgedAt && e.alertedAt ? (e.acknowledgedAt.getTime() - e.alertedAt.getTime()) / 1000 : null,
  };
}

/**
 * Immediate danger: the contact becomes urgent, an escalation is recorded and the owning agency's
 * supervisors and the police of the contact's region are alerted in their consoles at once.
 */
export async function escalate(db: Db, p: Principal, actor: AuditActor, id: string, reason: string, mail: MailSettings | null = null) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    requireOpen(row);
    const police = row.region
      ? await tx.selectFrom('agencies').select('id').where('type', '=', 'police').where('region', '=', row.region).where('disabledAt', 'is', null).execute()
      : [];
    const alerted = [...new Set([row.ownerAgencyId, ...police.map((a) => a.id)])];
    const now = new Date();
    const escalationId = crypto.randomUUID();
    const e = await tx
      .insertInto('contactEscalations')
      .values({ id: escalationId, contactId: id, reasonEnc: sealField('contact_escalations', 'reason', escalationId, reason), createdBy: p.userId, createdAt: now, alertedAgencyIds: alerted, alertedAt: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('contacts').set({ urgency: 'immediate_danger', updatedAt: now }).where('id', '=', id).execute();
    await repo.notifyEscalation(tx, e.id);
    await repo.notifyContact(tx, id);
    // With SMTP configured, the alert e-mails are written in this transaction and delivered from the outbox.
    const mailed = mail ? await enqueueEscalationMail(tx, mail, { escalationId: e.id, contactId: id, region: row.region, ownerAgencyId: row.ownerAgencyId, alertedAgencyIds: alerted, reason }) : 0;
    const view = toEscalationView((await repo.listEscalations(tx, id)).find((x) => x.id === e.id)!);
    return {
      result: view,
      audit: { action: 'contact.escalated', recordType: 'contact', recordId: id, changes: { escalationId: e.id, urgency: { old: row.urgency, new: 'immediate_danger' }, alertedAgencyIds: alerted, emailsQueued: mailed } },
    };
  });
}

/**
 * One who answers escalations in an alerted agency (`mayAnswerEscalations`), or who may update the
 * contact, acknowledges the alert; the time from alert to acknowledgement is kept.
 */
export async function acknowledge(db: Db, p: Principal, actor: AuditActor, contactId: string, escalationId: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const e = await tx.selectFrom('contactEscalations').selectAll().where('id', '=', escalationId).where('contactId', '=', contactId).forUpdate().executeTakeFirst();
    if (!e || !((e.alertedAgencyIds.includes(p.agencyId) && mayAnswerEscalations(p)) || (await repo.findContact(tx, p, contactId, 'update')))) throw notFound('Escalation');
    if (e.acknowledgedAt) throw conflict('already_acknowledged', 'This escalation was acknowledged already');
    const now = new Date();
    await tx.updateTable('contactEscalations').set({ acknowledgedAt: now, acknowledgedBy: p.userId }).where('id', '=', escalationId).execute();
    await repo.notifyEscalation(tx, escalationId);
    const view = toEscalationView((await repo.listEscalations(tx, contactId)).find((x) => x.id === escalationId)!);
    return {
      result: view,
      audit: { action: 'contact.escalation_acknowledged', recordType: 'contact', recordId: contactId, changes: { escalationId, secondsToAcknowledge: view.secondsToAcknowledge } },
    };
  });
}

export async function close(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof CloseContactBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    requireOpen(row);
    if (!row.contactType) throw new AppError('form_incomplete', 409, 'Submit the contact form (contactor and contact type) before closing', { contactType: 'required before closing' });
    const now = new Date();
    const outcomes = [...new Set(body.outcomes)];
    await tx
      .updateTable('contacts')
      .set({ status: 'completed' satisfies ContactStatus, outcomes, outcomeNoteEnc: sealField('contacts', 'outcome_note', id, body.outcomeNote ?? null), completedAt: now, endedAt: (eb) => eb.fn.coalesce('endedAt', eb.val(now)), updatedAt: now })
      .where('id', '=', id)
      .execute();
    await tx.deleteFrom('contactDrafts').where('contactId', '=', id).execute();
    await contactReleased(tx, actor, id, row.assignedUserId);
    return { result: await viewAfter(tx, p, id), audit: { action: 'contact.closed', recordType: 'contact', recordId: id, changes: { status: { old: row.status, new: 'completed' }, outcomes } } };
  });
}

/** A supervisor gives the contact to another operator of the owning agency who may work on contacts. */
export async function reassign(db: Db, p: Principal, actor: AuditActor, id: string, userId: string) {
  requirePermission(p, 'contacts:supervise');
  const target = await loadUserWithAccess(db, userId);
  return auditedTransaction(db, actor, async (tx) => {
    const row = await lockForWrite(tx, p, id);
    requireOpen(row);
    if (!target || target.disabled || target.agencyId !== row.ownerAgencyId || !target.permissions.some((x) => x.startsWith('contact:update:')))
      throw badRequest('validation_failed', 'That user cannot take this contact', { userId: 'not an operator of the owning agency' });
    await tx.updateTable('contacts').set({ assignedUserId: userId, updatedAt: new Date() }).where('id', '=', id).execute();
    // The operator who had it is free again; the one who gets it is on it (or wrapping it up).
    if (row.assignedUserId !== userId && (row.status === 'in_progress' || row.status === 'wrap_up')) {
      await contactReleased(tx, actor, id, row.assignedUserId);
      await followContact(tx, actor, userId, target.agencyId, row.status === 'wrap_up' ? 'wrap_up' : 'on_contact', id);
    }
    return {
      result: await viewAfter(tx, p, id),
      audit: { action: 'contact.reassigned', recordType: 'contact', recordId: id, changes: { assignedUserId: { old: row.assignedUserId, new: userId } } },
    };
  });
}
