import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import { withheldValues } from '../../audit/withhold.ts';
import { redact, scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { chooseScreeningList, type ScreeningResult } from '../../../domain/screening.ts';
import { formatPartialDate, parsePartialDate } from '../../../domain/press-dates.ts';
import { CLOSED_CASE_STATUSES, EXPLOITATION_FORMS } from '../../../shared/nrm.ts';
import type {
  CaseDetail,
  CaseListItem,
  CaseNoteView,
  CaseScreeningBody,
  CaseScreeningView,
  CreateCaseBody,
  TimelineEntryView,
  TraffickingEventBody,
  TraffickingEventView,
  UpdateCaseBody,
  UpdateTraffickingEventBody,
} from '../../../shared/schemas/cases.ts';
import type { DatePrecision } from '../../../shared/press.ts';
import { evaluate } from '../screening/service.ts';
import { findContact } from '../contacts/repository.ts';
import { CASES } from './policy.ts';
import { lockForCaseWrite } from './access.ts';
import * as repo from './repository.ts';
import { sealField } from '../../crypto/record-keys.ts';
import { countryToday } from '../../nrm-profile.ts';
import { addNewCaseVictims, newCaseVictims } from './people.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

const accessOf = (p: Principal, r: { ownerAgencyId: string; ownerUserId: string | null }): CaseListItem['access'] => {
  const scopes = scopesFor(p, 'case', 'read');
  if (scopes.has('all')) return 'all';
  if (scopes.has('agency') && r.ownerAgencyId === p.agencyId) return 'agency';
  if (r.ownerUserId === p.userId && r.ownerAgencyId === p.agencyId) return 'own';
  return scopes.has('granted') ? 'granted' : 'user_grant';
};

export function toListItem(p: Principal, r: repo.CaseListRow): CaseListItem {
  return {
    id: r.id,
    caseNumber: r.caseNumber,
    ownerAgencyId: r.ownerAgencyId,
    ownerAgencyName: r.ownerAgencyName,
    ownerUserId: r.ownerUserId,
    status: r.status as CaseListItem['status'],
    victimStatus: r.victimStatus as CaseListItem['victimStatus'],
    region: r.region,
    country: r.country,
    exploitationForms: r.exploitationForms as CaseListItem['exploitationForms'],
    openedAt: r.openedAt.toISOString(),
    closedAt: iso(r.closedAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    access: accessOf(p, r),
  };
}

export function toSummary(p: Principal, r: repo.CaseRow, via?: CaseListItem['access']): NonNullable<CaseDetail['summary']> {
  const view = {
    ...toListItem(p, r),
    ...(via ? { access: via } : {}),
    sexExploitationTypes: r.sexExploitationTypes,
    controlMethods: r.controlMethods,
    recruitmentMethods: r.recruitmentMethods,
    recruitmentApps: r.recruitmentApps,
    industry: r.industry,
    closureReason: r.closureReason,
    sourceContactId: r.sourceContactId,
    createdBy: r.createdBy,
    accessEnded: r.accessEndedAt
      ? { at: r.accessEndedAt.toISOString(), authority: r.accessEndAuthority as 'prosecutor' | 'court', reference: r.accessEndReference, orderedOn: r.accessEndOrderedOn! }
      : null,
  };
  return redact(p, CASES, view) as NonNullable<CaseDetail['summary']>;
}

export function toEventView(p: Principal, row: repo.EventRow): z.infer<typeof TraffickingEventView> {
  const e = repo.openEvent(row);
  const view = {
    id: e.id,
    type: e.type as z.infer<typeof TraffickingEventView>['type'],
    date: e.occurredOn && e.occurredPrecision ? formatPartialDate({ on: e.occurredOn, precision: e.occurredPrecision as DatePrecision }) : null,
    country: e.country,
    region: e.region,
    city: e.city,
    place: e.place,
    description: e.description,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
  return redact(p, CASES, view) as z.infer<typeof TraffickingEventView>;
}

export function toScreeningView(s: repo.CaseScreeningRow): z.infer<typeof CaseScreeningView> {
  return {
    id: s.id,
    fromContactScreeningId: s.fromContactScreeningId,
    list: s.list as ScreeningResult['list'],
    listReason: s.listReason,
    indicators: s.indicators as z.infer<typeof CaseScreeningView>['indicators'],
    result: s.result as ScreeningResult,
    proposeReferral: s.presumedVictim,
    screenedBy: s.screenedBy,
    screenedAt: s.screenedAt.toISOString(),
  };
}

/** Keys of audit changes whose values say nothing about a person and may show in the timeline. */
const TIMELINE_VALUES = new Set([
  'status', 'victimStatus', 'type', 'kind', 'sections', 'outcome', 'decision', 'purpose', 'granteeAgencyId', 'receiverAgencyId',
  'exploitationForms', 'contactId', 'eventId', 'noteId', 'screeningId', 'referralId', 'consentId', 'grantId', 'list', 'presumedVictim',
  'caseNumber', 'ownerAgencyId', 'ownerUserId', 'date', 'expiresAt', 'personId', 'role', 'agencyId', 'service', 'givenOn',
  'withdrawnOn', 'form', 'ageDisputed', 'unaccompanied', 'guardian', 'consentBasis', 'withheld', 'anonymousNotifications', 'providerId', 'stage', 'decidedOn', 'reconsiders', 'reflectionEndsOn', 'decisionId', 'taskId', 'dueAt', 'assignedUserId',
]);

export function toTimelineEntry(r: Awaited<ReturnType<typeof repo.timeline>>[number]): z.infer<typeof TimelineEntryView> {
  // Entries written before the audit writer withheld values are shown by the same rule (audit/withhold.ts).
  const changes = (withheldValues(r.changes) ?? {}) as Record<string, unknown>;
  const detail: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) if (TIMELINE_VALUES.has(k)) detail[k] = v;
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    action: r.action,
    actorUserId: r.actorUserId,
    actorName: r.actorName,
    actorAgencyName: r.actorAgencyName,
    fields: Object.keys(changes).sort(),
    detail,
  };
}

/** Case fields of a create or update body, as columns. */
function caseColumns(body: z.infer<typeof CreateCaseBody> | z.infer<typeof UpdateCaseBody>) {
  const set: Record<string, unknown> = {};
  for (const k of ['region', 'country', 'exploitationForms', 'sexExploitationTypes', 'controlMethods', 'recruitmentMethods', 'recruitmentApps', 'industry', 'narrative'] as const)
    if (body[k] !== undefined) set[k] = body[k];
  return set;
}

/** The exploitation forms a contact's categories name (`trafficking.<form>`). */
const formsFromCategories = (categories: readonly string[]) =>
  categories.filter((c) => c.startsWith('trafficking.')).map((c) => c.slice('trafficking.'.length)).filter((f) => (EXPLOITATION_FORMS as readonly string[]).includes(f));

/**
 * Opens a case for the user's agency, the user responsible for it. From a contact: the contact must be
 * one the user may work on; it is linked, its place, exploitation forms and summary are taken over
 * unless given, its screenings are copied with who made them and when, and the potential victims the
 * operator recorded become the case's victims in the person registry (`newCaseVictims`).
 */
export async function createCase(db: Db, p: Principal, actor: AuditActor, body: z.infer<typeof CreateCaseBody>) {
  const scopes = scopesFor(p, 'case', 'create');
  if (!scopes.has('all') && !scopes.has('agency') && !scopes.has('own')) throw forbidden('You may not open cases');
  return auditedTransaction(db, actor, async (tx) => {
    const contact = body.contactId ? await findContact(tx, p, body.contactId, 'update') : undefined;
    if (body.contactId && !contact) throw notFound('Contact');
    const given = caseColumns(body);
    const created = await repo.insertCase(tx, {
      ownerAgencyId: p.agencyId,
      ownerUserId: p.userId,
      createdBy: p.userId,
      region: (given.region as string | null | undefined) ?? contact?.region ?? null,
      country: (given.country as string | null | undefined) ?? null,
      exploitationForms: (given.exploitationForms as string[] | undefined) ?? (contact ? formsFromCategories(contact.categories) : []),
      sexExploitationTypes: (given.sexExploitationTypes as string[] | undefined) ?? [],
      controlMethods: (given.controlMethods as string[] | undefined) ?? [],
      recruitmentMethods: (given.recruitmentMethods as string[] | undefined) ?? [],
      recruitmentApps: (given.recruitmentApps as string[] | undefined) ?? [],
      industry: (given.industry as string | null | undefined) ?? null,
      narrative: (given.narrative as string | null | undefined) ?? contact?.summary ?? null,
      sourceContactId: contact?.id ?? null,
    });
    const audit = [];
    const victims = newCaseVictims(body.victim, contact?.persons, await countryToday(tx));
    audit.push(...(await addNewCaseVictims(tx, p, actor, created.id, victims)));
    let copied = 0;
    if (contact) {
      await tx.insertInto('caseContacts').values({ caseId: created.id, contactId: contact.id, linkedBy: p.userId }).execute();
      copied = await copyContactScreenings(tx, created.id, contact.id);
      audit.push({ action: 'contact.case_opened', recordType: 'contact', recordId: contact.id, changes: { caseId: created.id, caseNumber: created.caseNumber } });
    }
    audit.unshift({
      action: 'case.created',
      recordType: 'case',
      recordId: created.id,
      changes: { caseNumber: created.caseNumber, ownerAgencyId: p.agencyId, ownerUserId: p.userId, contactId: contact?.id ?? null, screeningsCopied: copied, victims: victims.length, fields: Object.keys(given).sort() },
    });
    return { result: { id: created.id, caseNumber: created.caseNumber }, audit };
  });
}

/** Copies a contact's screenings onto the case (once each: linking twice copies nothing twice). */
async function copyContactScreenings(tx: Tx, caseId: string, contactId: string): Promise<number> {
  const rows = await tx
    .insertInto('caseScreenings')
    .columns(['caseId', 'fromContactScreeningId', 'list', 'listReason', 'indicators', 'recruitmentActEstablished', 'presumedVictim', 'provisional', 'catalogueVersion', 'ruleVersion', 'result', 'screenedBy', 'screenedAt'])
    .expression((eb) =>
      eb
        .selectFrom('contactScreenings as s')
        .select([
          eb.val(caseId).as('caseId'), 's.id', 's.list', 's.listReason', 's.indicators', 's.recruitmentActEstablished', 's.presumedVictim', 's.provisional',
          's.catalogueVersion', 's.ruleVersion', 's.result', 's.createdBy', 's.createdAt',
        ])
        .where('s.contactId', '=', contactId),
    )
    .onConflict((oc) => oc.columns(['caseId', 'fromContactScreeningId']).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/** Links another contact (a repeat call about the same situation) to the case and takes its screenings over. */
export async function linkContact(db: Db, p: Principal, actor: AuditActor, caseId: string, contactId: string) {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const contact = await findContact(tx, p, contactId, 'read');
    if (!contact) throw notFound('Contact');
    const linked = await tx.insertInto('caseContacts').values({ caseId, contactId, linkedBy: p.userId }).onConflict((oc) => oc.doNothing()).returning('caseId').executeTakeFirst();
    if (!linked) throw conflict('already_linked', 'This contact is linked to the case already', { contactId: 'already linked' });
    const copied = await copyContactScreenings(tx, caseId, contactId);
    return {
      result: (await repo.listCaseContacts(tx, caseId)).map((c) => ({ ...c, channel: c.channel as never, receivedAt: c.receivedAt.toISOString(), linkedAt: c.linkedAt.toISOString() })),
      audit: [
        { action: 'case.contact_linked', recordType: 'case', recordId: caseId, changes: { contactId, screeningsCopied: copied } },
        { action: 'contact.case_linked', recordType: 'contact', recordId: contactId, changes: { caseId } },
      ],
    };
  });
}


/** Changes the case's own fields; closing needs a reason; the owner must be a user of the owning agency. */
export async function updateCase(db: Db, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof UpdateCaseBody>) {
  return auditedTransaction(db, actor, async (tx) => {
    const { ownerAgencyId } = await lockForCaseWrite(tx, p, id);
    const before = (await repo.findCase(tx, id))!;
    const set: Record<string, unknown> = caseColumns(body);
    const now = new Date();
    if (body.status !== undefined && body.status !== before.status) {
      const closing = CLOSED_CASE_STATUSES.includes(body.status);
      if (closing && !(body.closureReason ?? before.closureReason))
        throw badRequest('validation_failed', 'Say why the case is closed', { closureReason: 'required when closing' });
      set.status = body.status;
      set.closedAt = closing ? now : null;
    }
    if (body.closureReason !== undefined) set.closureReason = body.closureReason;
    if (body.victimStatus !== undefined) set.victimStatus = body.victimStatus;
    if (body.ownerUserId !== undefined) {
      if (body.ownerUserId !== null) {
        const u = await tx.selectFrom('users').select(['agencyId', 'disabledAt']).where('id', '=', body.ownerUserId).executeTakeFirst();
        if (!u || u.disabledAt || u.agencyId !== ownerAgencyId)
          throw badRequest('validation_failed', 'The case worker must be a user of the agency that owns the case', { ownerUserId: 'not a user of the owning agency' });
      }
      set.ownerUserId = body.ownerUserId;
    }
    if (Object.keys(set).length === 0) throw badRequest('validation_failed', 'Nothing to change', { body: 'no fields given' });
    await tx.updateTable('cases').set({ ...repo.sealCaseSet(id, set), updatedAt: now }).where('id', '=', id).execute();
    const after = (await repo.findCase(tx, id))!;
    const pick = (r: repo.CaseRow) => ({
      status: r.status, closureReason: r.closureReason, victimStatus: r.victimStatus, ownerUserId: r.ownerUserId, region: r.region, country: r.country,
      exploitationForms: r.exploitationForms, sexExploitationTypes: r.sexExploitationTypes, controlMethods: r.controlMethods, recruitmentMethods: r.recruitmentMethods,
      recruitmentApps: r.recruitmentApps, industry: r.industry, narrative: r.narrative,
    });
    const changes = diff(pick(before), pick(after));
    // Free text is personal data: the log records that it changed, not what it says.
    for (const k of ['narrative', 'closureReason']) if (k in changes) changes[k] = { changed: true };
    return { result: toSummary(p, after), audit: { action: 'case.updated', recordType: 'case', recordId: id, changes } };
  });
}

const partialDate = (text: string | null | undefined, today: string) => {
  if (text === undefined) return undefined;
  if (text === null) return { occurredOn: null, occurredPrecision: null };
  const d = parsePartialDate(text);
  if (!d) throw badRequest('validation_failed', 'Not a real date', { date: 'not a real date' });
  if (d.on > today) throw badRequest('validation_failed', 'A trafficking event cannot be in the future', { date: 'in the future' });
  return { occurredOn: d.on, occurredPrecision: d.precision };
};

const eventColumns = (b: z.infer<typeof UpdateTraffickingEventBody>, today: string) => {
  const set: Record<string, unknown> = {};
  for (const k of ['type', 'country', 'region', 'city', 'place', 'description'] as const) if (b[k] !== undefined) set[k] = b[k];
  const d = partialDate(b.date, today);
  if (d) Object.assign(set, d);
  return set;
};

export async function addEvent(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof TraffickingEventBody>) {
  const set = eventColumns(body, await countryToday(db));
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const id = crypto.randomUUID();
    const row = await tx
      .insertInto('caseEvents')
      .values({ id, caseId, type: body.type, createdBy: p.userId, ...repo.sealEventColumns(id, set) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.updateTable('cases').set({ updatedAt: new Date() }).where('id', '=', caseId).execute();
    return {
      result: toEventView(p, row),
      audit: { action: 'case.event_added', recordType: 'case', recordId: caseId, changes: { eventId: row.id, type: row.type, date: toEventView(p, row).date, fields: Object.keys(set).sort() } },
    };
  });
}

export async function updateEvent(db: Db, p: Principal, actor: AuditActor, caseId: string, eventId: string, body: z.infer<typeof UpdateTraffickingEventBody>) {
  const set = eventColumns(body, await countryToday(db));
  if (Object.keys(set).length === 0) throw badRequest('validation_failed', 'Nothing to change', { body: 'no fields given' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const row = await tx.updateTable('caseEvents').set({ ...repo.sealEventColumns(eventId, set), updatedAt: new Date() }).where('id', '=', eventId).where('caseId', '=', caseId).returningAll().executeTakeFirst();
    if (!row) throw notFound('Trafficking event');
    return {
      result: toEventView(p, row),
      audit: { action: 'case.event_updated', recordType: 'case', recordId: caseId, changes: { eventId, type: row.type, fields: Object.keys(set).sort() } },
    };
  });
}

export async function addNote(db: Db, p: Principal, actor: AuditActor, caseId: string, body: string) {
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const id = crypto.randomUUID();
    const row = await tx.insertInto('caseNotes').values({ id, caseId, bodyEnc: sealField('case_notes', 'body', id, body), createdBy: p.userId }).returning(['id']).executeTakeFirstOrThrow();
    const note = (await repo.listNotes(tx, caseId)).find((n) => n.id === row.id)!;
    return {
      result: redact(p, CASES, { ...note, createdAt: note.createdAt.toISOString() }) as z.infer<typeof CaseNoteView>,
      audit: { action: 'case.note_added', recordType: 'case', recordId: caseId, changes: { noteId: row.id, length: body.length } },
    };
  });
}

/** An ILO screening made on the case; like the hotline's, a positive result proposes a referral and changes no status. */
export async function screenCase(db: Db, p: Principal, actor: AuditActor, caseId: string, body: z.infer<typeof CaseScreeningBody>) {
  const choice = chooseScreeningList({ age: body.age, ageVerified: body.ageVerified ?? false, possiblyChild: body.possiblyChild ?? false, exploitation: body.exploitation });
  const result = evaluate({ list: choice.list, indicators: body.indicators.map((i) => i.code), recruitmentActEstablished: choice.child ? body.recruitmentActEstablished : undefined });
  const now = new Date();
  if (body.indicators.some((i) => i.observedAt && new Date(i.observedAt).getTime() > now.getTime() + 60_000))
    throw badRequest('validation_failed', 'An indicator cannot be observed in the future', { indicators: 'observedAt in the future' });
  return auditedTransaction(db, actor, async (tx) => {
    await lockForCaseWrite(tx, p, caseId);
    const indicators = body.indicators.map((i) => ({ code: i.code, source: i.source, observedAt: i.observedAt ? new Date(i.observedAt).toISOString() : now.toISOString(), observedBy: p.userId }));
    const row = await tx
      .insertInto('caseScreenings')
      .values({
        caseId,
        list: choice.list,
        listReason: choice.reason,
        indicators: JSON.stringify(indicators),
        recruitmentActEstablished: choice.child && body.recruitmentActEstablished === true,
        presumedVictim: result.presumedVictim,
        provisional: result.provisional,
        catalogueVersion: result.catalogueVersion,
        ruleVersion: result.ruleVersion,
        result: JSON.stringify(result),
        screenedBy: p.userId,
        screenedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      result: toScreeningView(row),
      audit: {
        action: 'case.screened',
        recordType: 'case',
        recordId: caseId,
        changes: { screeningId: row.id, list: choice.list, indicators: indicators.map((i) => i.code), presumedVictim: result.presumedVictim, catalogueVersion: result.catalogueVersion, ruleVersion: result.ruleVersion },
      },
    };
  });
}

