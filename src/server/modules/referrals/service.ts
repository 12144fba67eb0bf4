import crypto from 'node:crypto';
import { sql } from 'kysely';
import { openField, sealField } from '../../crypto/record-keys.ts';
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import type { Cursor } from '../../db/pagination.ts';
import { appendAudit, auditedTransaction, auditRead, type AuditActor } from '../../audit/audit.ts';
import { decide, redact, scopesFor, visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { loadRecordFacts } from '../../access/repository.ts';
import { grantAccess, revokeGrant } from '../../access/grants.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { ageBand, treatedAsChild } from '../../../domain/child.ts';
import { formatPartialDate } from '../../../domain/press-dates.ts';
import { ANONYMOUS_CASE_SECTIONS, REQUIRED_SECTIONS, type CaseSection, type ReferralPurpose } from '../../../shared/nrm.ts';
import type { DatePrecision } from '../../../shared/press.ts';
import type { AddSectionsBody, ReferralListQuery, ReferralSummary, ReferralView, SendReferralBody } from '../../../shared/schemas/referrals.ts';
import { countryToday, loadCountryProfile } from '../../nrm-profile.ts';
import { CASES } from '../cases/policy.ts';
import { findCase } from '../cases/repository.ts';
import { lockForCaseWrite } from '../cases/access.ts';
import { hasSharingConsent } from '../cases/consents.ts';
import { listCasePeople } from '../cases/people.ts';
import { openBirthDate } from '../people/repository.ts';
import { REFERRALS } from './policy.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

const referralColumns = (db: DbOrTx) =>
  db
    .selectFrom('referrals as r')
    .innerJoin('agencies as fa', 'fa.id', 'r.fromAgencyId')
    .innerJoin('agencies as ta', 'ta.id', 'r.toAgencyId')
    .leftJoin('providers as pv', 'pv.id', 'r.providerId')
    .leftJoin('users as hu', 'hu.id', 'r.handlerUserId')
    .selectAll('r')
    .select(['fa.name as fromAgencyName', 'ta.name as toAgencyName', 'pv.name as providerName', 'hu.name as handlerName', sql<boolean>`r.status = 'pending' AND r.answer_due_at < now()`.as('overdue')]);
type ReferralRow = NonNullable<Awaited<ReturnType<ReturnType<typeof referralColumns>['executeTakeFirst']>>>;

/** A referral's free text, each sealed to the referral under its own column (docs/nrm.md, "Identity at rest"). */
const REFERRAL_TEXT = { reason: 'reason', acceptNote: 'accept_note', declineReason: 'decline_reason', completionNote: 'completion_note', revokeReason: 'revoke_reason' } as const;
type ReferralText = keyof typeof REFERRAL_TEXT;

/** `{ <field>Enc }` for the referral's free text given, sealed to `id`. */
export function sealReferralText(id: string, text: Partial<Record<ReferralText, string | null>>) {
  const out: Partial<Record<`${ReferralText}Enc`, Buffer | null>> = {};
  for (const k of Object.keys(text) as ReferralText[]) out[`${k}Enc`] = sealField('referrals', REFERRAL_TEXT[k], id, text[k] ?? null);
  return out;
}

/** The referral's free text, opened. */
export function openReferralText(r: { id: string } & Record<`${ReferralText}Enc`, Buffer | null>): Record<ReferralText, string | null> {
  const out = {} as Record<ReferralText, string | null>;
  for (const k of Object.keys(REFERRAL_TEXT) as ReferralText[]) out[k] = openField('referrals', REFERRAL_TEXT[k], r.id, r[`${k}Enc`]);
  return out;
}

export function toReferralView(p: Principal, r: ReferralRow): ReferralView {
  const text = openReferralText(r);
  const view = {
    id: r.id,
    caseId: r.caseId,
    fromAgencyId: r.fromAgencyId,
    fromAgencyName: r.fromAgencyName,
    fromUserId: r.fromUserId,
    toAgencyId: r.toAgencyId,
    toAgencyName: r.toAgencyName,
    providerId: r.providerId,
    providerName: r.providerName,
    purpose: r.purpose as ReferralView['purpose'],
    serviceType: r.serviceType as ReferralView['serviceType'],
    reason: text.reason,
    sectionsRequested: r.sectionsRequested as CaseSection[],
    sectionsShared: r.sectionsShared as CaseSection[],
    sectionsWithheld: r.sectionsRequested.filter((s) => !r.sectionsShared.includes(s)) as CaseSection[],
    sectionsMissing: REQUIRED_SECTIONS[r.purpose as ReferralPurpose].filter((s) => !r.sectionsShared.includes(s)),
    sectionsAskedAt: iso(r.sectionsAskedAt),
    consentBasis: r.consentBasis as ReferralView['consentBasis'],
    summary: r.summary as z.infer<typeof ReferralSummary>,
    status: r.status as ReferralView['status'],
    sentAt: r.sentAt.toISOString(),
    answerDueAt: r.answerDueAt.toISOString(),
    overdue: r.overdue,
    acceptedAt: iso(r.acceptedAt),
    acceptedBy: r.acceptedBy,
    acceptNote: text.acceptNote,
    declinedAt: iso(r.declinedAt),
    declinedBy: r.declinedBy,
    declineReason: text.declineReason,
    completedAt: iso(r.completedAt),
    completedBy: r.completedBy,
    completionNote: text.completionNote,
    revokedAt: iso(r.revokedAt),
    revokedBy: r.revokedBy,
    revokeReason: text.revokeReason,
    handlerUserId: r.handlerUserId,
    handlerName: r.handlerName,
    direction: r.fromAgencyId === p.agencyId ? 'outgoing' : r.toAgencyId === p.agencyId ? 'incoming' : 'other',
  } satisfies ReferralView;
  return redact(p, REFERRALS, view) as ReferralView;
}

/**
 * The consent gate (trafficking.md; CETS arts. 10-12). Each victim of the case is a child (under 18 or
 * age disputed: child rules, no consent needed, but an unaccompanied child needs a guardian first) or
 * an adult, whose identifying data goes to this agency for this purpose only with their recorded,
 * unwithdrawn consent. Without it only the anonymous sections go, and an anonymous notification is counted.
 */
async function consentGate(tx: Tx, caseId: string, toAgencyId: string, purpose: ReferralPurpose, requested: CaseSection[]) {
  const people = await listCasePeople(tx, caseId);
  const victims = people.filter((x) => x.role === 'victim');
  if (victims.length === 0) throw new AppError('victim_required', 409, 'Add the victim to the case before referring it', { people: 'no victim in the case' });
  const on = await countryToday(tx);
  const facts = (v: (typeof victims)[number]) => ({ birthDate: v.birthDate, birthYear: v.birthYear, ageDisputed: v.ageDisputed });
  const children = victims.filter((v) => treatedAsChild(facts(v), on));
  const unguarded = children.filter((v) => v.unaccompanied && !v.guardianName);
  if (unguarded.length > 0)
    throw new AppError('guardian_required', 409, 'An unaccompanied child is referred only once a guardian is recorded (CETS art. 10(4))', { guardian: 'record the guardian of the unaccompanied child first' });
  const adults = victims.filter((v) => !treatedAsChild(facts(v), on));
  const withoutConsent = [];
  for (const a of adults) if (!(await hasSharingConsent(tx, caseId, a.id, toAgencyId, purpose))) withoutConsent.push(a);
  const sections = [...new Set<CaseSection>(['summary', ...requested])];
  const shared = withoutConsent.length > 0 ? sections.filter((s) => ANONYMOUS_CASE_SECTIONS.includes(s)) : sections;
  const basis: ReferralView['consentBasis'] = withoutConsent.length > 0 ? 'anonymous' : adults.length === 0 ? 'child' : 'consent';
  const summaryVictims = victims.map((v) => ({ sex: v.sex, ageBand: ageBand(facts(v), on), nationality: v.citizenship, unaccompanied: v.unaccompanied }));
  return { sections, shared, basis, withoutConsent, summaryVictims, facts, on };
}

async function firstEventDate(tx: Tx, caseId: string): Promise<string | null> {
  const e = await tx
    .selectFrom('caseEvents')
    .select(['occurredOn', 'occurredPrecision'])
    .where('caseId', '=', caseId)
    .where('occurredOn', 'is not', null)
    .orderBy(sql`type = 'exploitation'`, 'desc')
    .orderBy('occurredOn')
    .executeTakeFirst();
  return e?.occurredOn && e.occurredPrecision ? formatPartialDate({ on: e.occurredOn, precision: e.occurredPrecision as DatePrecision }) : null;
}

async function countAnonymousNotifications(tx: Tx, referralId: string, caseId: string, fromAgencyId: string, adults: Awaited<ReturnType<typeof consentGate>>['withoutConsent'], gate: Awaited<ReturnType<typeof consentGate>>) {
  if (adults.length === 0) return;
  const c = (await findCase(tx, caseId))!;
  const eventDate = await firstEventDate(tx, caseId);
  await tx
    .insertInto('anonymousNotifications')
    .values(adults.map((a) => ({ referralId, fromAgencyId, sex: a.sex, ageBand: ageBand(gate.facts(a), gate.on), nationality: a.citizenship, exploitationForms: c.exploitationForms, region: c.region, country: c.country, eventDate })))
    .execute();
}

/** Sends a referral of a case its agency owns: the consent gate decides which of the chosen sections go. */
export async function sendReferral(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof SendReferralBody>) {
  const scopes = scopesFor(p, 'referral', 'create');
  if (!scopes.has('agency') && !scopes.has('all')) throw forbidden('You may not refer cases');
  return auditedTransaction(db, actor, async (tx) => {
    const { ownerAgencyId } = await lockForCaseWrite(tx, p, caseId);
    const c = (await findCase(tx, caseId))!;
    if (c.status === 'closed' || c.status === 'closed_referred') throw conflict('case_closed', 'A closed case is not referred; reopen it first');
    let toAgencyId: string;
    let providerId: string | null = null;
    if (body.providerId) {
      const pv = await tx.selectFrom('providers').select(['agencyId', 'active', 'serviceTypes']).where('id', '=', body.providerId).executeTakeFirst();
      if (!pv || !pv.active) throw badRequest('validation_failed', 'No such active provider', { providerId: 'no such active provider' });
      if (body.serviceType && !pv.serviceTypes.includes(body.serviceType))
        throw badRequest('validation_failed', 'The provider does not offer this service', { serviceType: `the provider offers ${pv.serviceTypes.join(', ')}` });
      toAgencyId = pv.agencyId;
      providerId = body.providerId;
    } else {
      const a = await tx.selectFrom('agencies').select(['id', 'disabledAt']).where('id', '=', body.toAgencyId!).executeTakeFirst();
      if (!a || a.disabledAt) throw badRequest('validation_failed', 'No such agency', { toAgencyId: 'no such agency' });
      toAgencyId = a.id;
    }
    if (toAgencyId === ownerAgencyId) throw badRequest('validation_failed', 'The case is already this agency\'s', { toAgencyId: 'the agency that owns the case' });
    // The same case to the same agency while an earlier referral is still open: most often a double
    // send or a second hand-off nobody knew of. The sender is warned and may confirm.
    const open = await tx
      .selectFrom('referrals')
      .select(['id', 'status', 'purpose', 'sentAt'])
      .where('caseId', '=', caseId)
      .where('toAgencyId', '=', toAgencyId)
      .where('status', 'in', ['pending', 'accepted'])
      .orderBy('sentAt', 'desc')
      .executeTakeFirst();
    if (open && !body.confirmDuplicate)
      throw new AppError('duplicate_referral', 409, `The case was already referred to this agency (${open.status}, sent ${open.sentAt.toISOString()}); send again with confirmDuplicate: true`, {
        confirmDuplicate: `a referral to this agency is ${open.status}`,
      });
    const gate = await consentGate(tx, caseId, toAgencyId, body.purpose, body.sections);
    const profile = await loadCountryProfile(tx);
    const summary: z.infer<typeof ReferralSummary> = {
      caseNumber: c.caseNumber,
      exploitationForms: c.exploitationForms as z.infer<typeof ReferralSummary>['exploitationForms'],
      region: c.region,
      country: c.country,
      victims: gate.summaryVictims as z.infer<typeof ReferralSummary>['victims'],
    };
    const now = new Date();
    const id = crypto.randomUUID();
    const r = await tx
      .insertInto('referrals')
      .values({
        id,
        caseId,
        fromAgencyId: ownerAgencyId,
        fromUserId: p.userId,
        toAgencyId,
        providerId,
        purpose: body.purpose,
        serviceType: body.serviceType ?? null,
        ...sealReferralText(id, { reason: body.reason ?? null }),
        sectionsRequested: gate.sections,
        sectionsShared: gate.shared,
        consentBasis: gate.basis,
        summary: JSON.stringify(summary),
        sentAt: now,
        answerDueAt: new Date(now.getTime() + profile.referralAnswerHours * 3600_000),
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { grantId } = await grantAccess(tx, actor, REFERRALS, { recordId: r.id, grantee: { agencyId: toAgencyId }, sections: ['referral'], kind: 'referral', reason: 'Referral received' });
    await tx.updateTable('referrals').set({ referralGrantId: grantId }).where('id', '=', r.id).execute();
    await countAnonymousNotifications(tx, r.id, caseId, ownerAgencyId, gate.withoutConsent, gate);
    const view = toReferralView(p, (await referralColumns(tx).where('r.id', '=', r.id).executeTakeFirst())!);
    return {
      result: view,
      audit: {
        action: 'case.referral_sent',
        recordType: 'case',
        recordId: caseId,
        changes: {
          referralId: r.id, receiverAgencyId: toAgencyId, providerId, purpose: body.purpose, service: body.serviceType ?? null, sections: gate.shared, withheld: view.sectionsWithheld, consentBasis: gate.basis,
          anonymousNotifications: gate.withoutConsent.length, ...(open ? { duplicateOf: open.id } : {}),
        },
      },
    };
  });
}

type Role = 'receiver' | 'sender';

/** Locks the case and the referral (in that order, as every writer does) and checks who may act. */
export async function lockReferral(tx: Tx, p: Principal, id: string, as: Role) {
  const facts = await loadRecordFacts(tx, REFERRALS, id);
  const read = facts ? decide(p, 'read', REFERRALS, facts) : { allowed: false as const };
  if (!facts || !read.allowed) throw notFound('Referral');
  const head = await tx.selectFrom('referrals').select(['caseId']).where('id', '=', id).executeTakeFirstOrThrow();
  const locked = await tx.selectFrom('cases').select(['id', 'accessEndedAt']).where('id', '=', head.caseId).forUpdate().executeTakeFirstOrThrow();
  // An order ended access to the case (perhaps while we waited for the lock): nothing more is done
  // with its referrals; those who may still read the referral are told why.
  if (locked.accessEndedAt !== null) {
    if (decide(p, 'read', REFERRALS, { ...facts, accessEnded: true }).allowed) throw conflict('access_ended', 'Access to this case was ended by an order; its referrals can only be read');
    throw notFound('Referral');
  }
  const r = await tx.selectFrom('referrals').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  const upd = decide(p, 'update', REFERRALS, facts);
  const ok = as === 'receiver' ? upd.allowed && upd.via === 'granted' && p.agencyId === r.toAgencyId : upd.allowed && upd.via !== 'granted' && upd.via !== 'user_grant' && p.agencyId === r.fromAgencyId;
  if (!ok) throw forbidden(as === 'receiver' ? 'Only the receiving agency answers a referral' : 'Only the sending agency revokes a referral');
  return r;
}

export const refuseUnless = (r: { status: string }, allowed: string[]) => {
  if (allowed.includes(r.status)) return;
  const codes: Record<string, string> = { declined: 'referral_declined', revoked: 'referral_revoked', completed: 'referral_completed', accepted: 'referral_accepted', pending: 'referral_pending' };
  throw conflict(codes[r.status] ?? 'referral_state', `The referral is ${r.status}`);
};

export async function viewOf(tx: DbOrTx, p: Principal, id: string) {
  return toReferralView(p, (await referralColumns(tx).where('r.id', '=', id).executeTakeFirst())!);
}

/**
 * The receiver accepts: from now on it sees exactly the shared sections of the case (a grant on the
 * case). A transfer instead moves the case to the receiver, the accepting user its case worker, and
 * leaves the sender the summary and referrals of the case.
 */
export async function acceptReferral(db: Db, p: Principal, actor: AuditActor, id: string, note?: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'receiver');
    refuseUnless(r, ['pending']);
    const now = new Date();
    let caseGrantId: string | null = null;
    const audit = [];
    if (r.purpose === 'case_transfer') {
      await tx.updateTable('cases').set({ ownerAgencyId: r.toAgencyId, ownerUserId: p.userId, updatedAt: now }).where('id', '=', r.caseId).execute();
      caseGrantId = (await grantAccess(tx, actor, CASES, { recordId: r.caseId, grantee: { agencyId: r.fromAgencyId }, sections: ['summary', 'referrals'], kind: 'share', reason: 'Case transferred to another agency' })).grantId;
      audit.push({ action: 'case.transferred', recordType: 'case', recordId: r.caseId, changes: { referralId: id, ownerAgencyId: { old: r.fromAgencyId, new: r.toAgencyId }, ownerUserId: p.userId } });
    } else {
      caseGrantId = (await grantAccess(tx, actor, CASES, { recordId: r.caseId, grantee: { agencyId: r.toAgencyId }, sections: r.sectionsShared, kind: 'referral', reason: `Referral ${id} accepted` })).grantId;
    }
    // Who accepts handles it, unless a supervisor already named someone, or it is an identification
    // referral and they cannot decide on identification (then its supervisor names the handler).
    const handlerUserId = r.handlerUserId ?? (r.purpose !== 'identification' || p.permissions.has('identification:decide') ? p.userId : null);
    await tx
      .updateTable('referrals')
      .set({ status: 'accepted', acceptedAt: now, acceptedBy: p.userId, ...sealReferralText(id, { acceptNote: note ?? null }), caseGrantId, handlerUserId, updatedAt: now })
      .where('id', '=', id)
      .execute();
    audit.unshift({
      action: 'case.referral_accepted',
      recordType: 'case',
      recordId: r.caseId,
      changes: { referralId: id, status: { old: 'pending', new: 'accepted' }, sections: r.sectionsShared, purpose: r.purpose, ...(handlerUserId !== r.handlerUserId ? { handlerUserId } : {}) },
    });
    return { result: await viewOf(tx, p, id), audit };
  });
}

export async function declineReferral(db: Db, p: Principal, actor: AuditActor, id: string, reason: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'receiver');
    refuseUnless(r, ['pending']);
    const now = new Date();
    await tx.updateTable('referrals').set({ status: 'declined', declinedAt: now, declinedBy: p.userId, ...sealReferralText(id, { declineReason: reason }), updatedAt: now }).where('id', '=', id).execute();
    return { result: await viewOf(tx, p, id), audit: { action: 'case.referral_declined', recordType: 'case', recordId: r.caseId, changes: { referralId: id, status: { old: 'pending', new: 'declined' } } } };
  });
}

/** The service was delivered; the receiver keeps what it was shown (the sender may still revoke). */
export async function completeReferral(db: Db, p: Principal, actor: AuditActor, id: string, note: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'receiver');
    refuseUnless(r, ['accepted']);
    if (r.purpose === 'case_transfer') throw conflict('referral_transferred', 'A transfer is complete once accepted');
    const now = new Date();
    await tx.updateTable('referrals').set({ status: 'completed', completedAt: now, completedBy: p.userId, ...sealReferralText(id, { completionNote: note }), updatedAt: now }).where('id', '=', id).execute();
    return { result: await viewOf(tx, p, id), audit: { action: 'case.referral_completed', recordType: 'case', recordId: r.caseId, changes: { referralId: id, status: { old: 'accepted', new: 'completed' } } } };
  });
}

/** The sender withdraws the referral; whatever it opened of the case closes at once. */
export async function revokeReferral(db: Db, p: Principal, actor: AuditActor, id: string, reason: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'sender');
    refuseUnless(r, ['pending', 'accepted', 'completed']);
    if (r.purpose === 'case_transfer' && r.status === 'accepted') throw conflict('referral_transferred', 'The case now belongs to the receiver; it can refer it back');
    if (r.caseGrantId) await revokeGrant(tx, actor, r.caseGrantId, reason);
    const now = new Date();
    await tx.updateTable('referrals').set({ status: 'revoked', revokedAt: now, revokedBy: p.userId, ...sealReferralText(id, { revokeReason: reason }), updatedAt: now }).where('id', '=', id).execute();
    return { result: await viewOf(tx, p, id), audit: { action: 'case.referral_revoked', recordType: 'case', recordId: r.caseId, changes: { referralId: id, status: { old: r.status, new: 'revoked' } } } };
  });
}

/**
 * The receiver of an accepted (or pending) referral asks the sender for the sections its purpose
 * requires and the referral does not share: the request is kept on the referral and becomes a task
 * of the sender on the case (due within the referral answer time), done once the sections are shared.
 */
export async function askForSections(db: Db, p: Principal, actor: AuditActor, id: string) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'receiver');
    refuseUnless(r, ['pending', 'accepted']);
    const missing = REQUIRED_SECTIONS[r.purpose as ReferralPurpose].filter((s) => !r.sectionsShared.includes(s));
    if (missing.length === 0) throw conflict('nothing_missing', 'The referral already shares every section its purpose requires');
    const asked = await tx.selectFrom('caseTasks').select('id').where('referralId', '=', id).where('completedAt', 'is', null).executeTakeFirst();
    if (asked) throw conflict('already_asked', 'The sender was already asked for these sections');
    const c = await tx.selectFrom('cases').select(['ownerAgencyId', 'ownerUserId']).where('id', '=', r.caseId).executeTakeFirstOrThrow();
    // The person who sent it, while they still work for the agency that owns the case; else the case worker.
    const sender = await tx.selectFrom('users').select(['id']).where('id', '=', r.fromUserId).where('agencyId', '=', c.ownerAgencyId).where('disabledAt', 'is', null).executeTakeFirst();
    const assignee = sender?.id ?? c.ownerUserId ?? r.fromUserId;
    const agency = await tx.selectFrom('agencies').select('name').where('id', '=', r.toAgencyId).executeTakeFirstOrThrow();
    const profile = await loadCountryProfile(tx);
    const now = new Date();
    const taskId = crypto.randomUUID();
    const task = await tx
      .insertInto('caseTasks')
      .values({
        id: taskId,
        caseId: r.caseId,
        // Sealed like every task title (docs/nrm.md, "Identity at rest"); the reader's language comes from task-title.ts.
        titleEnc: sealField('case_tasks', 'title', taskId, `Share ${missing.join(', ')} with ${agency.name} (referral for ${r.purpose})`),
        dueAt: new Date(now.getTime() + profile.referralAnswerHours * 3600_000),
        assignedUserId: assignee,
        createdBy: p.userId,
        referralId: id,
        askedSections: missing,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('referrals').set({ sectionsAskedAt: now, sectionsAskedBy: p.userId, updatedAt: now }).where('id', '=', id).execute();
    return {
      result: await viewOf(tx, p, id),
      audit: { action: 'case.referral_sections_asked', recordType: 'case', recordId: r.caseId, changes: { referralId: id, sections: missing, taskId: task.id, assignedUserId: assignee } },
    };
  });
}

/**
 * The sender shares more sections on a referral not yet answered for good: the consent gate decides
 * again for the new ones, and an accepted referral's grant on the case is replaced by one with the
 * wider set. A request for sections (`askForSections`) is done once nothing it asked for is missing.
 */
export async function addSections(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof AddSectionsBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    const r = await lockReferral(tx, p, id, 'sender');
    refuseUnless(r, ['pending', 'accepted']);
    if (r.purpose === 'case_transfer') throw conflict('referral_transferred', 'A transfer carries the whole case');
    const requested = [...new Set<CaseSection>([...(r.sectionsRequested as CaseSection[]), ...body.sections])];
    const gate = await consentGate(tx, r.caseId, r.toAgencyId, r.purpose as ReferralPurpose, requested);
    const added = gate.shared.filter((s) => !r.sectionsShared.includes(s));
    let caseGrantId = r.caseGrantId;
    if (r.status === 'accepted' && added.length > 0) {
      if (caseGrantId) await revokeGrant(tx, actor, caseGrantId, 'Referral widened');
      caseGrantId = (await grantAccess(tx, actor, CASES, { recordId: r.caseId, grantee: { agencyId: r.toAgencyId }, sections: gate.shared, kind: 'referral', reason: `Referral ${id} widened` })).grantId;
    }
    const now = new Date();
    const missing = REQUIRED_SECTIONS[r.purpose as ReferralPurpose].filter((s) => !gate.shared.includes(s));
    await tx
      .updateTable('referrals')
      .set({ sectionsRequested: gate.sections, sectionsShared: gate.shared, caseGrantId, updatedAt: now, ...(missing.length === 0 ? { sectionsAskedAt: null, sectionsAskedBy: null } : {}) })
      .where('id', '=', id)
      .execute();
    const done = missing.length === 0
      ? await tx.updateTable('caseTasks').set({ completedAt: now, completedBy: p.userId }).where('referralId', '=', id).where('completedAt', 'is', null).returning('id').execute()
      : [];
    return {
      result: await viewOf(tx, p, id),
      audit: {
        action: 'case.referral_widened',
        recordType: 'case',
        recordId: r.caseId,
        changes: { referralId: id, sections: { old: r.sectionsShared, new: gate.shared }, withheld: gate.sections.filter((s) => !gate.shared.includes(s)), tasksCompleted: done.map((d) => d.id) },
      },
    };
  });
}

/**
 * A withdrawn data-sharing consent narrows the referrals that relied on it: to that agency, for that
 * purpose, still open, for an adult victim. They keep only the anonymous sections from now on.
 */
export async function narrowReferralsAfterWithdrawal(tx: Tx, actor: AuditActor, caseId: string, consent: { personId: string; agencyId: string; purpose: ReferralPurpose }) {
  const v = await tx.selectFrom('casePeople as cp').innerJoin('people as p', 'p.id', 'cp.personId').select(['p.birthDateEnc', 'p.birthYear', 'cp.ageDisputed', 'cp.role']).where('cp.caseId', '=', caseId).where('cp.personId', '=', consent.personId).executeTakeFirst();
  if (!v || v.role !== 'victim' || treatedAsChild({ ...v, birthDate: openBirthDate(consent.personId, v.birthDateEnc) }, await countryToday(tx))) return;
  const open = await tx
    .selectFrom('referrals')
    .selectAll()
    .where('caseId', '=', caseId)
    .where('toAgencyId', '=', consent.agencyId)
    .where('purpose', '=', consent.purpose)
    .where('consentBasis', '=', 'consent')
    .where('status', 'in', ['pending', 'accepted', 'completed'])
    .forUpdate()
    .execute();
  for (const r of open) {
    if (r.purpose === 'case_transfer' && r.status === 'accepted') continue;
    const shared = r.sectionsShared.filter((s) => ANONYMOUS_CASE_SECTIONS.includes(s as CaseSection));
    let caseGrantId = r.caseGrantId;
    if (caseGrantId) {
      await revokeGrant(tx, actor, caseGrantId, 'Consent to share withdrawn');
      caseGrantId = (await grantAccess(tx, actor, CASES, { recordId: caseId, grantee: { agencyId: r.toAgencyId }, sections: shared, kind: 'referral', reason: `Referral ${r.id}: consent withdrawn` })).grantId;
    }
    await tx.updateTable('referrals').set({ sectionsShared: shared, consentBasis: 'anonymous', caseGrantId, updatedAt: new Date() }).where('id', '=', r.id).execute();
    await appendAudit(tx, actor, { action: 'case.referral_narrowed', recordType: 'case', recordId: caseId, changes: { referralId: r.id, sections: shared, consentBasis: 'anonymous' } });
  }
}

type ListFilters = Omit<z.infer<typeof ReferralListQuery>, 'cursor'> & { cursor?: Cursor | undefined };

export function listReferrals(db: DbOrTx, p: Principal, f: ListFilters) {
  let q = referralColumns(db).where(visibleFilter(p, 'read', REFERRALS));
  if (f.direction === 'incoming') q = q.where('r.toAgencyId', '=', p.agencyId);
  if (f.direction === 'outgoing') q = q.where('r.fromAgencyId', '=', p.agencyId);
  if (f.status?.length) q = q.where('r.status', 'in', f.status);
  if (f.purpose) q = q.where('r.purpose', '=', f.purpose);
  if (f.overdue) q = q.where('r.status', '=', 'pending').where(sql<boolean>`r.answer_due_at < now()`);
  if (f.caseId) q = q.where('r.caseId', '=', f.caseId);
  // Sent is when the row was made (`created_at` = `sent_at`), so the keyset and its index serve either direction.
  const dir = f.sort === 'sent' ? 'asc' : 'desc';
  const past = dir === 'asc' ? '>' : '<';
  if (f.cursor) {
    const c = f.cursor;
    q = q.where((eb) => eb.or([eb('r.createdAt', past, c.createdAt), eb.and([eb('r.createdAt', '=', c.createdAt), eb('r.id', past, c.id)])]));
  }
  return q.orderBy('r.createdAt', dir).orderBy('r.id', dir).limit(f.limit + 1).execute();
}

export async function getReferral(db: Db, p: Principal, actor: AuditActor, id: string) {
  const facts = await loadRecordFacts(db, REFERRALS, id);
  if (!facts || !decide(p, 'read', REFERRALS, facts).allowed) throw notFound('Referral');
  const view = await viewOf(db, p, id);
  await auditRead(db, actor, { action: 'referral.read', recordType: 'referral', recordId: id });
  return view;
}

/** The case page's referrals section: the case's referrals this user may see. */
export const caseReferralsQuery = (db: DbOrTx, p: Principal, caseId: string) =>
  referralColumns(db).where(visibleFilter(p, 'read', REFERRALS)).where('r.caseId', '=', caseId).orderBy('r.sentAt');

export async function caseReferrals(db: DbOrTx, p: Principal, caseId: string) {
  return (await caseReferralsQuery(db, p, caseId).execute()).map((r) => toReferralView(p, r));
}
