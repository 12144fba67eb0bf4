import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { auditedTransaction, auditRead, diff, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { hasPermission, requirePermission, visibleFilter, type ResourceDef } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { isForeignKeyViolation, isUniqueViolation, type SortCursor } from '../../db/pagination.ts';
import { parsePartialDate, periodEnd } from '../../../domain/press-dates.ts';
import { impunityIndex, type ImpunityIndexParams } from '../../../domain/impunity.ts';
import { nameKeys, queryKeys } from '../../../domain/names.ts';
import type { RecordAction } from '../../../shared/roles.ts';
import type { DatePrecision, ImpunityStatus, UnescoStatus } from '../../../shared/press.ts';
import type { CreateIncidentInput, IncidentFieldsInput, IncidentSort, IncidentView } from '../../../shared/schemas/press.ts';
import * as repo from './repository.ts';
import { deriveFigures, personView, publicDoc, publicListItem, staffView, todayIso } from './views.ts';

/** How incidents plug into the policy engine: monitors usually hold `incident:*:all`. */
export const incidentResource: ResourceDef = {
  recordType: 'incident',
  table: 'pressIncidents',
  idColumn: 'pressIncidents.id',
  ownerUserColumn: 'pressIncidents.createdBy',
  ownerAgencyColumn: 'pressIncidents.ownerAgencyId',
  sections: ['incident'],
  fieldTags: { placeExact: 'location' },
};

const canSee = (p: Principal | null, tag: 'contact' | 'location') => p !== null && hasPermission(p, `sensitive:${tag}`);

/** Drops the fields the principal's roles do not open: exact place, victims' contact details. */
export function redactView(p: Principal, v: IncidentView): IncidentView {
  const out: IncidentView = { ...v };
  if (!canSee(p, 'location')) delete out.placeExact;
  if (!canSee(p, 'contact')) {
    out.acts = v.acts.map((a) => (a.person ? { ...a, person: { ...a.person, contactDetails: undefined } } : a));
  }
  return out;
}

const dateParts = (text: string) => parsePartialDate(text)!;

export async function visibleIncident(db: DbOrTx, p: Principal, id: string, action: RecordAction) {
  const row = await repo.findIncident(db, id, visibleFilter(p, action, incidentResource));
  if (!row) throw notFound('Incident');
  return row;
}

/** Recomputes the derived figures and search keys after any change; they are never typed in. */
export async function recompute(tx: Tx, id: string, today = todayIso()) {
  const incident = await tx.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const a = await repo.loadAggregate(tx, incident);
  const { impunity, unesco, since } = deriveFigures(a, today);
  const names = await repo.incidentNames(tx, id);
  await tx
    .updateTable('pressIncidents')
    .set({
      impunityStatus: impunity.status,
      perpetratorConvicted: impunity.perpetratorConvicted,
      mastermindConvicted: impunity.mastermindConvicted,
      unescoStatus: unesco,
      lastInvestigativeActOn: since.lastOn,
      searchKeys: nameKeys(...names),
      changedSincePublish: incident.publishedAt !== null,
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

async function viewOf(db: DbOrTx, p: Principal, id: string, today = todayIso()) {
  const row = await db.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return redactView(p, staffView(await repo.loadAggregate(db, row), today));
}

/** Runs a change to one incident the principal may update, recomputes, audits, returns the new view. */
async function changeIncident(db: Db, actor: AuditActor, p: Principal, id: string, work: (tx: Tx) => Promise<AuditEntry>) {
  return auditedTransaction(db, actor, async (tx) => {
    await visibleIncident(tx, p, id, 'update');
    const entry = await work(tx).catch(translateDbError);
    await recompute(tx, id);
    return { result: await viewOf(tx, p, id), audit: { recordType: 'incident', recordId: id, ...entry } };
  });
}

/** Foreign keys that point nowhere are the caller's mistake: a 400 naming the field. */
export function translateDbError(e: unknown): never {
  if (isForeignKeyViolation(e)) {
    const detail = String((e as { detail?: string }).detail ?? '');
    const field = /\((\w+)\)/.exec(detail)?.[1]?.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase()) ?? 'id';
    throw badRequest('validation_failed', `Unknown ${field}`, { [field]: 'no such record' });
  }
  if (isUniqueViolation(e, 'press_incidents_external_ref_key')) throw conflict('external_ref_taken', 'Another incident has this external reference', { externalRef: 'already in use' });
  if (isUniqueViolation(e, 'press_incident_links_pkey')) throw conflict('already_linked', 'These incidents are already linked', { relatedId: 'already linked' });
  if (isUniqueViolation(e, 'press_outlets_name_key')) throw conflict('outlet_name_taken', 'An outlet with this name exists', { name: 'already in use' });
  throw e;
}

export function incidentColumns(f: IncidentFieldsInput) {
  const set: Record<string, unknown> = {};
  const keys = ['externalRef', 'title', 'dateNote', 'country', 'city', 'placeExact', 'context', 'alertCategory', 'narrative', 'internalNotes', 'priorThreats', 'surveillance', 'workRelation'] as const;
  for (const k of keys) if (f[k] !== undefined) set[k] = f[k];
  if (f.occurred !== undefined) {
    const d = dateParts(f.occurred);
    set.occurredOn = d.on;
    set.occurredPrecision = d.precision;
  }
  if (f.disputed !== undefined) {
    const d = f.disputed === null ? null : dateParts(f.disputed);
    set.disputedOn = d?.on ?? null;
    set.disputedPrecision = d?.precision ?? null;
  }
  return set;
}

async function sourceOfIncident(tx: Tx, incidentId: string, sourceId: string | null | undefined, field: string) {
  if (!sourceId) return null;
  const s = await tx.selectFrom('pressSources').select('id').where('id', '=', sourceId).where('incidentId', '=', incidentId).executeTakeFirst();
  if (!s) throw badRequest('validation_failed', 'The source is not one of this incident', { [field]: 'not a source of this incident' });
  return s.id;
}

export type CreateOptions = { isSynthetic?: boolean; ownerAgencyId?: string };

/** Inserts an incident with whatever it comes with, in the caller's transaction; returns its id. */
export async function insertIncident(tx: Tx, p: { userId: string | null; agencyId: string }, input: CreateIncidentInput, opts: CreateOptions = {}): Promise<string> {
  const cols = incidentColumns(input);
  const row = await tx
    .insertInto('pressIncidents')
    .values({ ...(cols as { title: string; occurredOn: string; occurredPrecision: string }), isSynthetic: opts.isSynthetic ?? false, ownerAgencyId: opts.ownerAgencyId ?? p.agencyId, createdBy: p.userId })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch(translateDbError);
  const id = row.id;
  const sourceIds: string[] = [];
  for (const s of input.sources ?? []) {
    const r = await tx.insertInto('pressSources').values({ incidentId: id, ...s, confidential: s.confidential ?? false }).returning('id').executeTakeFirstOrThrow();
    sourceIds.push(r.id);
  }
  const sourceAt = (index: number | undefined, field: string) => {
    if (index === undefined) return null;
    const sid = sourceIds[index];
    if (!sid) throw badRequest('validation_failed', 'sourceIndex points past the sources given', { [field]: 'no source at this index' });
    return sid;
  };
  for (const [n, act] of (input.acts ?? []).entries()) {
    await tx
      .insertInto('pressActs')
      .values({ incidentId: id, personId: act.personId ?? null, outletId: act.outletId ?? null, actType: act.actType, method: act.method ?? null, outcome: act.outcome ?? null })
      .execute()
      .catch((e: unknown) => {
        if (isForeignKeyViolation(e)) throw badRequest('validation_failed', 'Unknown person or outlet', { [`acts.${n}`]: 'no such person or outlet' });
        throw e;
      });
  }
  for (const [n, { sourceIndex, ...v }] of (input.involvements ?? []).entries()) {
    await tx.insertInto('pressInvolvements').values({ incidentId: id, ...v, label: v.label ?? null, internalNote: v.internalNote ?? null, sourceId: sourceAt(sourceIndex, `involvements.${n}.sourceIndex`) }).execute();
  }
  for (const [n, { milestones, ...c }] of (input.legalCases ?? []).entries()) {
    const lc = await tx.insertInto('pressLegalCases').values({ incidentId: id, ...c }).returning('id').executeTakeFirstOrThrow();
    for (const [k, { sourceIndex, occurred, ...m }] of (milestones ?? []).entries()) {
      const d = dateParts(occurred);
      await tx
        .insertInto('pressMilestones')
        .values({ incidentId: id, legalCaseId: lc.id, ...m, occurredOn: d.on, precision: d.precision, sourceId: sourceAt(sourceIndex, `legalCases.${n}.milestones.${k}.sourceIndex`), createdBy: p.userId })
        .execute();
    }
  }
  for (const r of input.stateRequests ?? []) await tx.insertInto('pressStateRequests').values({ incidentId: id, ...r }).execute();
  await recompute(tx, id);
  return id;
}

export async function createIncident(db: Db, actor: AuditActor, p: Principal, input: CreateIncidentInput) {
  if (!hasPermission(p, 'incident:create:all') && !hasPermission(p, 'incident:create:agency') && !hasPermission(p, 'incident:create:own')) throw forbidden();
  return auditedTransaction(db, actor, async (tx) => {
    const id = await insertIncident(tx, p, input);
    const { sources, acts, involvements, legalCases, stateRequests, ...fields } = input;
    return {
      result: await viewOf(tx, p, id),
      audit: {
        action: 'press.incident.created',
        recordType: 'incident',
        recordId: id,
        changes: { ...diff(null, fields), counts: { sources: sources?.length ?? 0, acts: acts?.length ?? 0, involvements: involvements?.length ?? 0, legalCases: legalCases?.length ?? 0, stateRequests: stateRequests?.length ?? 0 } },
      },
    };
  });
}

export async function getIncident(db: Db, actor: AuditActor, p: Principal, id: string) {
  await visibleIncident(db, p, id, 'read');
  const view = await viewOf(db, p, id);
  // A victim's contact details are personal data: reading them is recorded.
  if (view.acts.some((a) => a.person?.contactDetails)) {
    await auditRead(db, actor, { action: 'press.incident.read', recordType: 'incident', recordId: id, changes: { fields: ['contactDetails'] } });
  }
  return view;
}

export async function listIncidents(db: Db, p: Principal, f: { q?: string | undefined; year?: number | undefined; published?: boolean | undefined; sort?: IncidentSort | undefined; cursor?: SortCursor | undefined; limit: number }) {
  const rows = await repo.listIncidents(db, visibleFilter(p, 'read', incidentResource), { ...f, keys: f.q ? queryKeys(f.q) : [] });
  return rows;
}

export async function updateIncident(db: Db, actor: AuditActor, p: Principal, id: string, patch: IncidentFieldsInput) {
  return changeIncident(db, actor, p, id, async (tx) => {
    const before = await tx.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const set = incidentColumns(patch);
    // An empty patch would be an UPDATE without a SET: refused like the other modules' empty patches.
    if (Object.keys(set).length === 0) throw badRequest('validation_failed', 'Nothing to change', { body: 'no fields given' });
    await tx.updateTable('pressIncidents').set(set).where('id', '=', id).execute();
    const pick = Object.fromEntries(Object.keys(set).map((k) => [k, (before as Record<string, unknown>)[k]]));
    return { action: 'press.incident.updated', changes: diff(pick, set) };
  });
}

export const addAct = (db: Db, actor: AuditActor, p: Principal, id: string, act: { personId?: string | null | undefined; outletId?: string | null | undefined; actType: string; method?: string | null | undefined; outcome?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const values = { incidentId: id, personId: act.personId ?? null, outletId: act.outletId ?? null, actType: act.actType, method: act.method ?? null, outcome: act.outcome ?? null };
    const r = await tx.insertInto('pressActs').values(values).returning('id').executeTakeFirstOrThrow();
    return { action: 'press.act.added', changes: { actId: r.id, ...diff(null, values) } };
  });

export const addSource = (db: Db, actor: AuditActor, p: Principal, id: string, s: { kind: string; title: string; publisher?: string | null | undefined; url?: string | null | undefined; publishedOn?: string | null | undefined; reliability: string; claim?: string | null | undefined; confidential?: boolean | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const values = { incidentId: id, kind: s.kind, title: s.title, publisher: s.publisher ?? null, url: s.url ?? null, publishedOn: s.publishedOn ?? null, reliability: s.reliability, claim: s.claim ?? null, confidential: s.confidential ?? false };
    const r = await tx.insertInto('pressSources').values(values).returning('id').executeTakeFirstOrThrow();
    return { action: 'press.source.added', changes: { sourceId: r.id, ...diff(null, values) } };
  });

type InvolvementInput = { label?: string | null | undefined; category: string; degree: string; attribution: string; internalNote?: string | null | undefined; sourceId?: string | null | undefined };
export const addInvolvement = (db: Db, actor: AuditActor, p: Principal, id: string, v: InvolvementInput) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const values = { incidentId: id, label: v.label ?? null, category: v.category, degree: v.degree, attribution: v.attribution, internalNote: v.internalNote ?? null, sourceId: await sourceOfIncident(tx, id, v.sourceId, 'sourceId') };
    const r = await tx.insertInto('pressInvolvements').values(values).returning('id').executeTakeFirstOrThrow();
    return { action: 'press.involvement.added', changes: { involvementId: r.id, ...diff(null, values) } };
  });

export const updateInvolvement = (db: Db, actor: AuditActor, p: Principal, id: string, itemId: string, patch: Partial<InvolvementInput>) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const before = await tx.selectFrom('pressInvolvements').selectAll().where('id', '=', itemId).where('incidentId', '=', id).executeTakeFirst();
    if (!before) throw notFound('Involvement');
    const set: Record<string, unknown> = {};
    for (const k of ['label', 'category', 'degree', 'attribution', 'internalNote'] as const) if (patch[k] !== undefined) set[k] = patch[k];
    if (patch.sourceId !== undefined) set.sourceId = await sourceOfIncident(tx, id, patch.sourceId, 'sourceId');
    if (Object.keys(set).length > 0) await tx.updateTable('pressInvolvements').set(set).where('id', '=', itemId).execute();
    const pick = Object.fromEntries(Object.keys(set).map((k) => [k, (before as Record<string, unknown>)[k]]));
    return { action: 'press.involvement.updated', changes: { involvementId: itemId, ...diff(pick, set) } };
  });

export const addLegalCase = (db: Db, actor: AuditActor, p: Principal, id: string, c: { jurisdiction?: string | undefined; authority: string; qualification?: string | null | undefined; caseNumber?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const values = { incidentId: id, jurisdiction: c.jurisdiction ?? 'AZ', authority: c.authority, qualification: c.qualification ?? null, caseNumber: c.caseNumber ?? null };
    const r = await tx.insertInto('pressLegalCases').values(values).returning('id').executeTakeFirstOrThrow();
    return { action: 'press.legal_case.added', changes: { legalCaseId: r.id, ...diff(null, values) } };
  });

export const addMilestone = (db: Db, actor: AuditActor, p: Principal, id: string, caseId: string, m: { kind: string; occurred: string; note?: string | null | undefined; internalNote?: string | null | undefined; sourceId?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const lc = await tx.selectFrom('pressLegalCases').select('id').where('id', '=', caseId).where('incidentId', '=', id).executeTakeFirst();
    if (!lc) throw notFound('Legal case');
    const d = dateParts(m.occurred);
    const values = { incidentId: id, legalCaseId: caseId, kind: m.kind, occurredOn: d.on, precision: d.precision, note: m.note ?? null, internalNote: m.internalNote ?? null, sourceId: await sourceOfIncident(tx, id, m.sourceId, 'sourceId'), createdBy: p.userId };
    const r = await tx.insertInto('pressMilestones').values(values).returning('id').executeTakeFirstOrThrow();
    // A re-qualification changes the case's legal qualification from then on.
    if (m.kind === 're_qualified' && m.note) await tx.updateTable('pressLegalCases').set({ qualification: m.note }).where('id', '=', caseId).execute();
    return { action: 'press.milestone.added', changes: { milestoneId: r.id, ...diff(null, values) } };
  });

export const addStateRequest = (db: Db, actor: AuditActor, p: Principal, id: string, r: { mechanism: string; requestedOn: string; answeredOn?: string | null | undefined; reply?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    if (r.answeredOn && r.answeredOn < r.requestedOn) throw badRequest('validation_failed', 'The answer cannot come before the request', { answeredOn: 'before requestedOn' });
    const values = { incidentId: id, mechanism: r.mechanism, requestedOn: r.requestedOn, answeredOn: r.answeredOn ?? null, reply: r.reply ?? null };
    const row = await tx.insertInto('pressStateRequests').values(values).returning('id').executeTakeFirstOrThrow();
    return { action: 'press.state_request.added', changes: { stateRequestId: row.id, ...diff(null, values) } };
  });

export const updateStateRequest = (db: Db, actor: AuditActor, p: Principal, id: string, itemId: string, patch: { answeredOn?: string | null | undefined; reply?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    const before = await tx.selectFrom('pressStateRequests').selectAll().where('id', '=', itemId).where('incidentId', '=', id).executeTakeFirst();
    if (!before) throw notFound('State request');
    const set: { answeredOn?: string | null; reply?: string | null } = {};
    if (patch.answeredOn !== undefined) set.answeredOn = patch.answeredOn;
    if (patch.reply !== undefined) set.reply = patch.reply;
    if (set.answeredOn && set.answeredOn < before.requestedOn) throw badRequest('validation_failed', 'The answer cannot come before the request', { answeredOn: 'before requestedOn' });
    if (Object.keys(set).length > 0) await tx.updateTable('pressStateRequests').set(set).where('id', '=', itemId).execute();
    return { action: 'press.state_request.updated', changes: { stateRequestId: itemId, ...diff({ answeredOn: before.answeredOn, reply: before.reply }, { answeredOn: set.answeredOn ?? before.answeredOn, reply: set.reply ?? before.reply }) } };
  });

export const addLink = (db: Db, actor: AuditActor, p: Principal, id: string, l: { relatedId: string; kind: string; note?: string | null | undefined }) =>
  changeIncident(db, actor, p, id, async (tx) => {
    if (l.relatedId === id) throw badRequest('validation_failed', 'An incident cannot be linked to itself', { relatedId: 'the same incident' });
    await visibleIncident(tx, p, l.relatedId, 'read').catch(() => {
      throw badRequest('validation_failed', 'Unknown related incident', { relatedId: 'no such incident' });
    });
    await tx.insertInto('pressIncidentLinks').values({ incidentId: id, relatedId: l.relatedId, kind: l.kind, note: l.note ?? null }).execute();
    return { action: 'press.link.added', changes: diff(null, l) };
  });

/** An analyst's override of a derived status: needs a reason, flagged in the audit log. */
export async function overrideFigures(db: Db, actor: AuditActor, p: Principal, id: string, o: { impunityStatus: ImpunityStatus | null; unescoStatus: UnescoStatus | null; reason: string }) {
  requirePermission(p, 'incidents:override');
  return auditedTransaction(db, actor, async (tx) => {
    const before = await visibleIncident(tx, p, id, 'read');
    const set = { impunityOverride: o.impunityStatus, unescoOverride: o.unescoStatus, overrideReason: o.impunityStatus || o.unescoStatus ? o.reason : null, changedSincePublish: before.publishedAt !== null, updatedAt: new Date() };
    await tx.updateTable('pressIncidents').set(set).where('id', '=', id).execute();
    return {
      result: await viewOf(tx, p, id),
      audit: {
        action: 'press.incident.override',
        recordType: 'incident',
        recordId: id,
        purpose: o.reason,
        flagged: true,
        changes: { ...diff({ impunityOverride: before.impunityOverride, unescoOverride: before.unescoOverride }, { impunityOverride: set.impunityOverride, unescoOverride: set.unescoOverride }), computed: { impunityStatus: before.impunityStatus, unescoStatus: before.unescoStatus } },
      },
    };
  });
}

/** Writes the public snapshot of one incident (in the caller's transaction) and bumps the public version. */
export async function writeSnapshot(tx: Tx, id: string, userId: string | null, now = new Date()) {
  const incident = await tx.selectFrom('pressIncidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const a = await repo.loadAggregate(tx, incident);
  if (a.acts.length === 0) throw conflict('incident_incomplete', 'Record at least one act before publishing', { acts: 'at least one act is required' });
  const { doc, keys } = publicDoc(a, now, todayIso(now));
  const i = a.incident;
  const values = {
    occurredOn: i.occurredOn,
    occurredYear: Number(i.occurredOn.slice(0, 4)),
    actTypes: [...new Set(a.acts.map((x) => x.actType))],
    outcomes: [...new Set(a.acts.flatMap((x) => (x.outcome ? [x.outcome] : [])))],
    perpetratorCategories: [...new Set(a.involvements.map((x) => x.category))],
    impunityStatus: doc.derived.impunityStatus,
    perpetratorConvicted: doc.derived.perpetratorConvicted,
    mastermindConvicted: doc.derived.mastermindConvicted,
    unescoStatus: doc.derived.unescoStatus,
    killing: a.acts.some((x) => x.actType === 'killing'),
    lastInvestigativeActOn: i.lastInvestigativeActOn,
    searchKeys: keys,
    relatedIds: a.links.map((l) => l.relatedId),
    isSynthetic: i.isSynthetic,
    publishedAt: now,
  };
  await tx
    .insertInto('pressPublicIncidents')
    .values({ incidentId: id, ...values })
    .onConflict((oc) => oc.column('incidentId').doUpdateSet(values))
    .execute();
  const docs = { doc: JSON.stringify(doc), item: JSON.stringify(publicListItem(doc, todayIso(now))) };
  await tx
    .insertInto('pressPublicDocs')
    .values({ incidentId: id, ...docs })
    .onConflict((oc) => oc.column('incidentId').doUpdateSet(docs))
    .execute();
  await tx.updateTable('pressIncidents').set({ publishedAt: now, publishedBy: userId, changedSincePublish: false }).where('id', '=', id).execute();
  return doc;
}

export async function publishIncident(db: Db, actor: AuditActor, p: Principal, id: string) {
  requirePermission(p, 'incidents:publish');
  return auditedTransaction(db, actor, async (tx) => {
    const before = await visibleIncident(tx, p, id, 'read');
    const doc = await writeSnapshot(tx, id, p.userId);
    const version = await repo.bumpPublicVersion(tx);
    return {
      result: await viewOf(tx, p, id),
      audit: { action: before.publishedAt ? 'press.incident.republished' : 'press.incident.published', recordType: 'incident', recordId: id, changes: { publicFields: Object.keys(doc).sort(), version } },
    };
  });
}

export async function unpublishIncident(db: Db, actor: AuditActor, p: Principal, id: string) {
  requirePermission(p, 'incidents:publish');
  return auditedTransaction(db, actor, async (tx) => {
    const before = await visibleIncident(tx, p, id, 'read');
    if (!before.publishedAt) throw conflict('not_published', 'The incident is not published');
    await tx.deleteFrom('pressPublicIncidents').where('incidentId', '=', id).execute();
    await tx.updateTable('pressIncidents').set({ publishedAt: null, publishedBy: null, changedSincePublish: false }).where('id', '=', id).execute();
    const version = await repo.bumpPublicVersion(tx);
    return { result: await viewOf(tx, p, id), audit: { action: 'press.incident.unpublished', recordType: 'incident', recordId: id, changes: { version } } };
  });
}

// ---------- persons and outlets ----------

export const requireIncidentWrite = (p: Principal) => {
  if (!['all', 'agency', 'own'].some((s) => hasPermission(p, `incident:create:${s}` as 'incident:create:all'))) throw forbidden();
};
export const requireIncidentRead = (p: Principal) => {
  if (!['all', 'agency', 'own', 'granted'].some((s) => hasPermission(p, `incident:read:${s}` as 'incident:read:all'))) throw forbidden();
};

export async function personViews(db: DbOrTx, p: Principal, ids: string[]) {
  const persons = await repo.findPersons(db, ids);
  return persons.map((row) => {
    const v = personView(row);
    return canSee(p, 'contact') ? v : { ...v, contactDetails: undefined };
  });
}

export async function searchPersons(db: Db, p: Principal, q: string | undefined, limit: number) {
  requireIncidentRead(p);
  const ids = (await repo.searchPersons(db, q ? queryKeys(q) : [], limit)).map((r) => r.id);
  return personViews(db, p, ids);
}

export async function searchOutlets(db: Db, p: Principal, q: string | undefined, limit: number) {
  requireIncidentRead(p);
  return repo.searchOutlets(db, q ? queryKeys(q) : [], limit);
}

type AffiliationDates = { from?: string | null | undefined; until?: string | null | undefined };
export type PersonInput = {
  name: string;
  aliases?: string[] | undefined;
  contactDetails?: string | null | undefined;
  beats?: string[] | undefined;
  local?: boolean | undefined;
  affiliations?: Array<{ outletId: string; role?: string | null | undefined; employment?: string | null | undefined; period?: string | null | undefined } & AffiliationDates> | undefined;
};

/**
 * The columns of an affiliation's dates as given (`undefined` leaves a date as it is); `until` may
 * not end before `from` starts (partial dates: "2006" until "2006-03" is fine). `field` prefixes
 * the names in a refusal.
 */
export function affiliationDates(given: AffiliationDates, before: { startedOn: string | null; startedPrecision: string | null; endedOn: string | null; endedPrecision: string | null } | null, field = '') {
  const set: { startedOn?: string | null; startedPrecision?: string | null; endedOn?: string | null; endedPrecision?: string | null } = {};
  if (given.from !== undefined) {
    const d = given.from === null ? null : dateParts(given.from);
    set.startedOn = d?.on ?? null;
    set.startedPrecision = d?.precision ?? null;
  }
  if (given.until !== undefined) {
    const d = given.until === null ? null : dateParts(given.until);
    set.endedOn = d?.on ?? null;
    set.endedPrecision = d?.precision ?? null;
  }
  const from = set.startedOn !== undefined ? set.startedOn : (before?.startedOn ?? null);
  const untilOn = set.endedOn !== undefined ? set.endedOn : (before?.endedOn ?? null);
  const untilPrecision = set.endedPrecision !== undefined ? set.endedPrecision : (before?.endedPrecision ?? null);
  if (from && untilOn && periodEnd({ on: untilOn, precision: (untilPrecision ?? 'day') as DatePrecision }) < from) {
    throw badRequest('validation_failed', 'An affiliation cannot end before it starts', { [`${field}until`]: 'before from' });
  }
  return set;
}

export async function insertPerson(tx: Tx, input: PersonInput, isSynthetic = false) {
  const aliases = [...new Set(input.aliases ?? [])];
  const r = await tx
    .insertInto('pressPersons')
    .values({ name: input.name, aliases, contactDetails: input.contactDetails ?? null, beats: input.beats ?? [], local: input.local ?? true, nameKeys: nameKeys(input.name, ...aliases), isSynthetic })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [n, f] of (input.affiliations ?? []).entries()) {
    await tx
      .insertInto('pressAffiliations')
      .values({ personId: r.id, outletId: f.outletId, role: f.role ?? null, employment: f.employment ?? null, period: f.period ?? null, ...affiliationDates(f, null, `affiliations.${n}.`) })
      .execute()
      .catch((e: unknown) => {
        if (isForeignKeyViolation(e)) throw badRequest('validation_failed', 'Unknown outlet', { [`affiliations.${n}.outletId`]: 'no such outlet' });
        if (isUniqueViolation(e)) throw badRequest('validation_failed', 'The same outlet twice', { [`affiliations.${n}.outletId`]: 'given twice' });
        throw e;
      });
  }
  return r.id;
}

export async function createPerson(db: Db, actor: AuditActor, p: Principal, input: PersonInput) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const id = await insertPerson(tx, input);
    const [view] = await personViews(tx, p, [id]);
    return { result: view!, audit: { action: 'press.person.created', recordType: 'press_person', recordId: id, changes: diff(null, { name: input.name, aliases: input.aliases ?? [], contactDetails: input.contactDetails ? '(recorded)' : null }) } };
  });
}

export async function insertOutlet(tx: Tx, input: { name: string; aliases?: string[] | undefined; medium?: string | null | undefined }, isSynthetic = false) {
  const aliases = [...new Set(input.aliases ?? [])];
  return tx
    .insertInto('pressOutlets')
    .values({ name: input.name, aliases, medium: input.medium ?? null, nameKeys: nameKeys(input.name, ...aliases), isSynthetic })
    .returning(['id', 'name', 'aliases', 'medium', 'isSynthetic'])
    .executeTakeFirstOrThrow()
    .catch(translateDbError);
}

export async function createOutlet(db: Db, actor: AuditActor, p: Principal, input: { name: string; aliases?: string[] | undefined; medium?: string | null | undefined }) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const o = await insertOutlet(tx, input);
    return { result: o, audit: { action: 'press.outlet.created', recordType: 'press_outlet', recordId: o.id, changes: diff(null, input) } };
  });
}

// ---------- impunity index ----------

export const indexView = (r: repo.IndexRow) => ({
  id: r.id,
  endYear: r.endYear,
  fromYear: r.endYear - r.windowYears + 1,
  windowYears: r.windowYears,
  minCases: r.minCases,
  population: Number(r.population),
  populationSource: r.populationSource,
  populationYear: r.populationYear,
  killings: r.killings,
  unsolved: r.unsolved,
  value: r.value === null ? null : Number(r.value),
  published: r.published,
  createdAt: r.createdAt.toISOString(),
});

/** Computes the index from the published incidents and stores it with its parameters. */
export async function computeIndex(db: Db, actor: AuditActor, p: Principal, params: ImpunityIndexParams & { publish: boolean }) {
  requirePermission(p, params.publish ? 'incidents:publish' : 'incidents:override');
  return auditedTransaction(db, actor, async (tx) => {
    const cases = await repo.indexCases(tx);
    const r = impunityIndex(cases.map((c) => ({ year: c.year, killing: c.killing, status: c.status as ImpunityStatus })), params);
    const row = await tx
      .insertInto('pressImpunityIndex')
      .values({ endYear: params.endYear, windowYears: params.windowYears, minCases: params.minCases, population: params.population, populationSource: params.populationSource, populationYear: params.populationYear, killings: r.killings, unsolved: r.unsolved, value: r.value, published: params.publish, computedBy: p.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (params.publish) await repo.bumpPublicVersion(tx);
    return { result: indexView(row), audit: { action: 'press.impunity_index.computed', recordType: 'press_impunity_index', recordId: row.id, changes: { params, result: r } } };
  });
}

export async function listIndexes(db: Db, p: Principal) {
  requireIncidentRead(p);
  return (await repo.listIndexes(db)).map(indexView);
}

