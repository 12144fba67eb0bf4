/**
 * Criminal cases: the rules (access, order of procedure, validity of charges, verdicts and sentences,
 * the facts the figures count) over the repository's SQL. Every write is one transaction with its
 * audit entry; every read of a case (names of defendants, victims' identity) is audited.
 */
import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { appendAudit, auditedTransaction, auditRead, diff, type AuditActor, type AuditEntry } from '../../audit/audit.ts';
import { decide, redact, visibleFilter, type Decision } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { grantsQuery, loadRecordFacts, UUID } from '../../access/repository.ts';
import { grantAccess } from '../../access/grants.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../db/pagination.ts';
import { addDays } from '../../../domain/deadlines.ts';
import { ageBand } from '../../../domain/child.ts';
import { statutePart, type JusticeProfile } from '../../../domain/justice-profile.ts';
import { countryToday, loadJusticeProfile } from '../../nrm-profile.ts';
import { DEFENDANT_EVENTS, type CriminalCaseStatus, type DeferralGround, type Instance, type SentenceType, type VerdictOutcome } from '../../../shared/justice.ts';
import type {
  AddDefendantBody,
  ChargeBody,
  CooperationBody,
  CreateCriminalCaseBody,
  CriminalCaseDetail,
  CriminalCaseListItem,
  DeadlineView,
  DefendantView,
  LinkVictimBody,
  ProceduralEventBody,
  SentenceBody,
  UpdateCriminalCaseBody,
  VerdictBody,
  VictimView,
} from '../../../shared/schemas/justice.ts';
import { CASES } from '../cases/policy.ts';
import { insertPerson } from '../people/service.ts';
import { listNames, loadPerson } from '../people/repository.ts';
import { PEOPLE } from '../people/policy.ts';
import { CRIMINAL_CASE_SECTIONS, CRIMINAL_CASES, mayCreate } from './policy.ts';
import * as repo from './repository.ts';
import { defendantFacts, isBelowMinimum, partsOf, reviewFlag, sentenceBand, sentenceInForce, latestVerdicts } from './counting.ts';
import { checkOrder } from './procedure.ts';

type Allowed = Extract<Decision, { allowed: true }>;

/**
 * `auditedTransaction`, or within the caller's transaction when given one (the CSV import applies
 * many writes in one transaction, all or nothing).
 */
export async function audited<T>(db: Db | Tx, actor: AuditActor, work: (tx: Tx) => Promise<{ result: T; audit: AuditEntry | AuditEntry[] }>): Promise<T> {
  if (!db.isTransaction) return auditedTransaction(db as Db, actor, work);
  const { result, audit } = await work(db as Tx);
  for (const entry of Array.isArray(audit) ? audit : [audit]) await appendAudit(db as Tx, actor, entry);
  return result;
}

// ------------------------------------------------------------------------------------------------
// Access

/** May the principal `action` this criminal case? One they may not reach reads as not found. */
export async function caseAccess(db: DbOrTx, p: Principal, id: string, action: 'read' | 'update'): Promise<Allowed> {
  const facts = await loadRecordFacts(db, CRIMINAL_CASES, id);
  const decision = facts ? decide(p, action, CRIMINAL_CASES, facts) : { allowed: false as const };
  if (!facts || !decision.allowed) {
    if (facts && action === 'update' && decide(p, 'read', CRIMINAL_CASES, facts).allowed) throw forbidden('You may read this criminal case but not change it');
    throw notFound('Criminal case');
  }
  return decision;
}

/** Locks the case for a write, then decides: writes to one case are serialised. */
export async function lockForWrite(tx: Tx, p: Principal, id: string): Promise<repo.CaseRow> {
  if (!UUID.test(id) || !(await repo.lockCase(tx, id))) throw notFound('Criminal case');
  await caseAccess(tx, p, id, 'update');
  return (await repo.findCase(tx, id))!;
}

// ------------------------------------------------------------------------------------------------
// Small rules

export const invalid = (field: string, message: string) => badRequest('validation_failed', `Invalid ${field}: ${message}`, { [field]: message });

function checkArticles(profile: JusticeProfile, codes: readonly string[], field: string) {
  codes.forEach((code, i) => {
    if (!statutePart(profile, code)) throw invalid(`${field}.${i}`, `${code} is not in the country profile's statute list`);
  });
}

export function checkNotFuture(day: string | null | undefined, today: string, field: string) {
  if (day && day > today) throw invalid(field, 'in the future');
}

/** The investigation time limit: the opening plus the profile's months, or a later extension. */
export function investigationDueOn(openedOn: string, extendedUntil: string | null, profile: JusticeProfile): string {
  // Months counted as PostgreSQL counts them (the reminder sweep's SQL): 31 October + 4 months is the last of February.
  const [y, m, day] = openedOn.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + profile.investigationMonths, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  const due = target.toISOString().slice(0, 10);
  return extendedUntil && extendedUntil > due ? extendedUntil : due;
}

const pseudonymOf = (prefix: 'D' | 'V') => `${prefix}-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;

/** Warnings of the data model's checks that do not block: a minor victim without 144-1.2.3, complicity without 144-1.2.6. */
function warningsOf(c: repo.CaseRow, charges: readonly repo.ChargeRow[], victims: readonly repo.VictimRow[]): string[] {
  const codes = new Set([...c.articles, ...charges.map((ch) => ch.article)]);
  const out: string[] = [];
  if (victims.some((v) => v.ageGroup === 'child') && !codes.has('144-1.2.3')) out.push('child_victim_without_144_1_2_3');
  if (c.officialComplicity && !codes.has('144-1.2.6')) out.push('complicity_without_144_1_2_6');
  return out;
}

// ------------------------------------------------------------------------------------------------
// Facts for the figures

/** Recomputes the counting facts of the defendants given (all of the case's by default), in the caller's transaction. */
export async function refreshFacts(tx: Tx, caseId: string, only?: readonly string[]) {
  const c = (await repo.findCase(tx, caseId))!;
  const [defendants, charges, verdicts, events] = await Promise.all([
    repo.defendantsQuery(tx, caseId).execute(),
    repo.chargesQuery(tx, caseId).execute(),
    repo.verdictsQuery(tx, caseId).execute(),
    repo.eventsQuery(tx, caseId).execute(),
  ]);
  for (const d of defendants) {
    if (only && !only.includes(d.id)) continue;
    const facts = defendantFacts({
      caseOpenedOn: c.openedOn,
      caseForms: c.forms,
      caseArticles: c.articles,
      caseComplicity: c.officialComplicity,
      sex: d.sex,
      isOfficial: d.isOfficial,
      charges: charges.filter((ch) => ch.defendantId === d.id),
      verdicts: verdicts
        .filter((v) => v.defendantId === d.id)
        .map((v) => ({ chargeId: v.chargeId, instance: v.instance as Instance, outcome: v.outcome as VerdictOutcome, decidedOn: v.decidedOn, terminationGround: v.terminationGround, createdAt: v.createdAt.getTime() })),
      events: events.filter((e) => e.defendantId === d.id || (e.defendantId === null && e.type === 'terminated')),
    });
    await repo.upsertFacts(tx, d.id, caseId, facts);
  }
  await repo.refreshCaseFacts(tx, caseId);
}

// ------------------------------------------------------------------------------------------------
// Views

export function toListItem(r: repo.CaseRow, profile: JusticeProfile, today: string): z.infer<typeof CriminalCaseListItem> {
  const due = r.status === 'investigation' ? investigationDueOn(r.openedOn, r.investigationExtendedUntil, profile) : null;
  return {
    id: r.id,
    caseNumber: r.caseNumber,
    body: r.body as z.infer<typeof CriminalCaseListItem>['body'],
    ownerAgencyId: r.ownerAgencyId,
    ownerAgencyName: r.ownerAgencyName,
    ownerUserId: r.ownerUserId,
    openedOn: r.openedOn,
    articles: r.articles,
    forms: r.forms,
    officialComplicity: r.officialComplicity,
    status: r.status as CriminalCaseStatus,
    defendants: r.defendantCount,
    investigationDueOn: due,
    overdue: due !== null && due < today,
    updatedAt: r.updatedAt.toISOString(),
  };
}

const num = (v: string | null) => (v === null ? null : Number(v));

function toSentenceView(s: repo.SentenceRow, inForceId: string | undefined) {
  return {
    id: s.id,
    instance: s.instance as Instance,
    imposedOn: s.imposedOn,
    type: s.type as SentenceType,
    termMonths: s.termMonths,
    fineAmount: num(s.fineAmount),
    suspended: s.suspended,
    probationMonths: s.probationMonths,
    deferred: s.deferred,
    deferralGround: s.deferralGround as DeferralGround | null,
    deferredUntil: s.deferredUntil,
    belowMinimum: s.belowMinimum,
    belowMinimumGround: repo.openBelowMinimumGround(s),
    mitigating: s.mitigating,
    confiscation: s.confiscation,
    deprivationOfRights: s.deprivationOfRights,
    releasedOn: s.releasedOn,
    releaseBasis: s.releaseBasis,
    releaseAct: s.releaseAct,
    band: s.band as z.infer<typeof DefendantView>['sentences'][number]['band'],
    reviewFlag: s.reviewFlag,
    supersededBy: s.supersededBy,
    inForce: s.id === inForceId,
  };
}

/** May the principal see the people of this NRM case? (The victim's identity in a criminal case follows it.) */
async function mayReadNrmPeople(db: DbOrTx, p: Principal, nrmCaseId: string): Promise<boolean> {
  const facts = await loadRecordFacts(db, CASES, nrmCaseId);
  if (!facts) return false;
  const d = decide(p, 'read', CASES, facts);
  return d.allowed && d.sections.has('people') && p.permissions.has('sensitive:identity');
}

/** The case page: summary, defendants with charges, verdicts and sentences, victims, timeline, requests. The read is audited. */
export async function getCase(db: Db, p: Principal, actor: AuditActor, id: string): Promise<z.infer<typeof CriminalCaseDetail>> {
  if (!UUID.test(id)) throw notFound('Criminal case');
  const [row, grants] = await Promise.all([repo.findCase(db, id), grantsQuery(db, CRIMINAL_CASES, id).execute()]);
  const decision = row ? decide(p, 'read', CRIMINAL_CASES, { ownerAgencyId: row.ownerAgencyId, ownerUserId: row.ownerUserId, grants }) : { allowed: false as const };
  if (!row || !decision.allowed) throw notFound('Criminal case');
  const canUpdate = decide(p, 'update', CRIMINAL_CASES, { ownerAgencyId: row.ownerAgencyId, ownerUserId: row.ownerUserId, grants }).allowed;
  const has = (s: (typeof CRIMINAL_CASE_SECTIONS)[number]) => decision.sections.has(s);
  const [profile, today, defendants, charges, verdicts, sentences, events, victims, cooperation] = await Promise.all([
    loadJusticeProfile(db),
    countryToday(db),
    has('defendants') ? repo.defendantsQuery(db, id).execute() : [],
    has('defendants') ? repo.chargesQuery(db, id).execute() : [],
    has('defendants') ? repo.verdictsQuery(db, id).execute() : [],
    has('defendants') ? repo.sentencesQuery(db, id).execute() : [],
    has('timeline') ? repo.eventsQuery(db, id).execute() : [],
    has('victims') ? repo.victimsQuery(db, id).execute() : [],
    has('cooperation') ? repo.cooperationQuery(db, id).execute() : [],
  ]);
  const showNames = p.permissions.has('sensitive:identity');
  const personIds = defendants.map((d) => d.personId).filter((x): x is string => x !== null);
  const names = showNames ? await listNames(db, personIds) : [];
  const pseudonyms = new Map(defendants.map((d) => [d.id, d.pseudonym]));
  const defendantList = defendants.map((d) => {
    const own = sentences.filter((s) => s.defendantId === d.id);
    const inForce = sentenceInForce(own.map((s) => ({ ...s, instance: s.instance as Instance, createdAt: s.createdAt.getTime() })), today);
    const view: z.infer<typeof DefendantView> = {
      id: d.id,
      pseudonym: d.pseudonym,
      personId: d.personId,
      legalEntityName: d.legalEntityName,
      role: d.role as z.infer<typeof DefendantView>['role'],
      relation: d.relation as z.infer<typeof DefendantView>['relation'],
      isOfficial: d.isOfficial,
      officialAgencyType: d.officialAgencyType,
      sex: d.sex,
      birthYear: d.birthYear,
      citizenship: d.citizenship,
      charges: charges
        .filter((c) => c.defendantId === d.id)
        .map((c) => ({
          id: c.id, article: c.article, broughtOn: c.broughtOn, outcome: c.outcome as z.infer<typeof DefendantView>['charges'][number]['outcome'], outcomeOn: c.outcomeOn,
          outcomeInstance: c.outcomeInstance as Instance | null, terminationGround: c.terminationGround, reclassifiedToChargeId: c.reclassifiedToChargeId, reclassifiedFromChargeId: c.reclassifiedFromChargeId,
        })),
      verdicts: verdicts
        .filter((v) => v.defendantId === d.id)
        .map((v) => ({ id: v.id, chargeId: v.chargeId, instance: v.instance as Instance, outcome: v.outcome as VerdictOutcome, decidedOn: v.decidedOn, terminationGround: v.terminationGround, reclassifiedTo: v.reclassifiedTo })),
      sentences: own.map((s) => toSentenceView(s, inForce?.id)),
    };
    if (showNames && d.personId) view.names = names.filter((n) => n.personId === d.personId).map((n) => ({ asEntered: n.asEntered, kind: n.kind, script: n.script }));
    return view;
  });
  // A victim's identity: only to those who may see the NRM case's people; otherwise pseudonym, sex, age group, nationality.
  const nrmIds = [...new Set(victims.map((v) => v.nrmCaseId).filter((x): x is string => x !== null))];
  const readable = new Set<string>();
  for (const n of nrmIds) if (await mayReadNrmPeople(db, p, n)) readable.add(n);
  const victimNames = await listNames(db, victims.filter((v) => v.personId && v.nrmCaseId && readable.has(v.nrmCaseId)).map((v) => v.personId!));
  const victimViews: z.infer<typeof VictimView>[] = victims.map((v) => {
    const shown = v.nrmCaseId !== null && readable.has(v.nrmCaseId);
    return {
      id: v.id,
      pseudonym: v.pseudonym,
      sex: v.sex,
      ageGroup: v.ageGroup as z.infer<typeof VictimView>['ageGroup'],
      nationality: v.nationality,
      nrmCase: shown ? { id: v.nrmCaseId!, caseNumber: v.nrmCaseNumber! } : null,
      names: shown && v.personId ? victimNames.filter((n) => n.personId === v.personId).map((n) => ({ asEntered: n.asEntered, kind: n.kind, script: n.script })) : null,
      identityShown: shown,
      testified: v.testified,
      protectionMeasures: v.protectionMeasures,
      compensationClaimed: num(v.compensationClaimed),
      compensationOrdered: num(v.compensationOrdered),
      compensationPaid: num(v.compensationPaid),
      nonPunishment: v.nonPunishment,
    };
  });
  const detail: z.infer<typeof CriminalCaseDetail> = {
    ...toListItem(row, profile, today),
    version: row.version,
    ...(redact(p, CRIMINAL_CASES, { places: repo.openPlaces(row) }) as { places?: string[] }),
    transnational: row.transnational,
    complicityAgencyType: row.complicityAgencyType,
    terminationGround: row.terminationGround,
    investigationExtendedUntil: row.investigationExtendedUntil,
    warnings: warningsOf(row, charges, victims),
    canUpdate,
    defendantList,
    victims: victimViews,
    events: events.map((e) => ({
      id: e.id, type: e.type as z.infer<typeof CriminalCaseDetail>['events'][number]['type'], occurredOn: e.occurredOn, defendantId: e.defendantId,
      defendantPseudonym: e.defendantId ? (pseudonyms.get(e.defendantId) ?? null) : null, ground: e.ground, appealBy: e.appealBy, appealResult: e.appealResult,
      documentNumber: e.documentNumber, recordedAt: e.createdAt.toISOString(),
    })),
    cooperation: cooperation.map((c) => ({ id: c.id, kind: c.kind as never, direction: c.direction as never, country: c.country, requestedOn: c.requestedOn, outcome: c.outcome as never, outcomeOn: c.outcomeOn })),
  };
  await auditRead(db, actor, {
    action: 'criminal_case.read',
    recordType: 'investigation',
    recordId: id,
    changes: { sections: [...decision.sections].sort(), via: decision.via, defendants: defendants.length, identityShown: showNames, victimsIdentified: victimViews.filter((v) => v.identityShown).length },
  });
  return detail;
}

// ------------------------------------------------------------------------------------------------
// Cases

async function shareWith(tx: Tx, actor: AuditActor, caseId: string, agencyId: string, field: string, types: readonly string[]) {
  const a = await tx.selectFrom('agencies').select(['id', 'type', 'disabledAt']).where('id', '=', agencyId).executeTakeFirst();
  if (!a || a.disabledAt || !types.includes(a.type)) throw invalid(field, `not an active ${types.join(' or ')} agency`);
  const existing = await tx
    .selectFrom('accessGrants')
    .select('id')
    .where('recordType', '=', 'investigation')
    .where('recordId', '=', caseId)
    .where('granteeAgencyId', '=', agencyId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (!existing) await grantAccess(tx, actor, CRIMINAL_CASES, { recordId: caseId, grantee: { agencyId }, sections: CRIMINAL_CASE_SECTIONS, kind: 'share' });
}

export async function createCase(db: Db | Tx, p: Principal, actor: AuditActor, body: CreateCriminalCaseBody): Promise<{ id: string; version: number }> {
  if (!mayCreate(p)) throw forbidden();
  const [profile, today] = await Promise.all([loadJusticeProfile(db), countryToday(db)]);
  checkArticles(profile, body.articles, 'articles');
  checkNotFuture(body.openedOn, today, 'openedOn');
  if (!body.officialComplicity && body.complicityAgencyType) throw invalid('complicityAgencyType', 'only with officialComplicity');
  return audited(db, actor, async (tx) => {
    const id = crypto.randomUUID();
    try {
      await tx
        .insertInto('criminalCases')
        .values({
          id,
          ownerAgencyId: p.agencyId,
          ownerUserId: p.userId,
          body: body.body,
          caseNumber: body.caseNumber,
          openedOn: body.openedOn,
          articles: [...new Set(body.articles)],
          forms: [...new Set(body.forms)],
          placesEnc: repo.sealPlaces(id, body.places),
          transnational: body.transnational,
          officialComplicity: body.officialComplicity,
          complicityAgencyType: body.complicityAgencyType ?? null,
          createdBy: p.userId,
        })
        .execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('duplicate_case_number', 'Your agency already has a criminal case with this number', { caseNumber: 'already used by your agency' });
      throw e;
    }
    await tx.insertInto('criminalCaseEvents').values({ criminalCaseId: id, type: 'opened', occurredOn: body.openedOn, recordedBy: p.userId }).execute();
    const linked = [];
    for (const [i, nrmCaseId] of [...new Set(body.nrmCaseIds)].entries()) {
      const facts = await loadRecordFacts(tx, CASES, nrmCaseId);
      if (!facts || !decide(p, 'read', CASES, facts).allowed) throw invalid(`nrmCaseIds.${i}`, 'no NRM case you may read');
      await tx.insertInto('criminalCaseNrmLinks').values({ criminalCaseId: id, nrmCaseId, linkedBy: p.userId }).execute();
      linked.push(...(await linkNrmVictims(tx, p, id, body.openedOn, nrmCaseId, undefined, {})));
    }
    if (body.prosecutorAgencyId) await shareWith(tx, actor, id, body.prosecutorAgencyId, 'prosecutorAgencyId', ['prosecution']);
    await refreshFacts(tx, id);
    return {
      result: { id, version: 1 },
      audit: {
        action: 'criminal_case.created',
        recordType: 'investigation',
        recordId: id,
        changes: { body: body.body, caseNumber: body.caseNumber, openedOn: body.openedOn, articles: body.articles, forms: body.forms, places: body.places, officialComplicity: body.officialComplicity, complicityAgencyType: body.complicityAgencyType ?? null, nrmCaseIds: body.nrmCaseIds, victims: linked.length },
      },
    };
  });
}

export async function updateCase(db: Db | Tx, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof UpdateCriminalCaseBody>) {
  const profile = await loadJusticeProfile(db);
  if (body.articles) checkArticles(profile, body.articles, 'articles');
  return audited(db, actor, async (tx) => {
    const before = await lockForWrite(tx, p, id);
    if (before.version !== body.version)
      throw conflict('stale_version', `Someone changed this criminal case since you opened it (version ${before.version}, yours ${body.version}); reload and apply your change again`, { version: `now ${before.version}` });
    const set: Record<string, unknown> = {};
    for (const k of ['caseNumber', 'articles', 'forms', 'transnational', 'officialComplicity', 'complicityAgencyType', 'investigationExtendedUntil'] as const) if (body[k] !== undefined) set[k] = body[k];
    if (body.places !== undefined) set.placesEnc = repo.sealPlaces(id, body.places);
    const complicity = (set.officialComplicity as boolean | undefined) ?? before.officialComplicity;
    if (!complicity && ((set.complicityAgencyType as string | null | undefined) ?? (body.officialComplicity === false ? null : before.complicityAgencyType)))
      throw invalid('complicityAgencyType', 'only with officialComplicity');
    if (body.officialComplicity === false) set.complicityAgencyType = null;
    if (body.investigationExtendedUntil && body.investigationExtendedUntil < before.openedOn) throw invalid('investigationExtendedUntil', 'before the case was opened');
    if (body.ownerUserId !== undefined) {
      if (body.ownerUserId !== null) {
        const u = await tx.selectFrom('users').select(['agencyId', 'disabledAt']).where('id', '=', body.ownerUserId).executeTakeFirst();
        if (!u || u.disabledAt || u.agencyId !== before.ownerAgencyId) throw invalid('ownerUserId', 'not a user of the agency that owns the case');
      }
      set.ownerUserId = body.ownerUserId;
    }
    if (Object.keys(set).length === 0) throw invalid('body', 'no fields given');
    try {
      await tx.updateTable('criminalCases').set({ ...set, version: before.version + 1, updatedAt: new Date() }).where('id', '=', id).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('duplicate_case_number', 'Your agency already has a criminal case with this number', { caseNumber: 'already used by your agency' });
      throw e;
    }
    await refreshFacts(tx, id);
    const after = (await repo.findCase(tx, id))!;
    const pick = (r: repo.CaseRow) => ({
      caseNumber: r.caseNumber, articles: r.articles, forms: r.forms, places: repo.openPlaces(r), transnational: r.transnational, officialComplicity: r.officialComplicity,
      complicityAgencyType: r.complicityAgencyType, investigationExtendedUntil: r.investigationExtendedUntil, ownerUserId: r.ownerUserId,
    });
    const [prof, today] = [profile, await countryToday(tx)];
    return {
      result: { ...toListItem(after, prof, today), version: after.version },
      audit: { action: 'criminal_case.updated', recordType: 'investigation', recordId: id, changes: { ...diff(pick(before), pick(after)), version: after.version } },
    };
  });
}

/** Opens the case to a prosecutor's office or a court (the owning agency, or whoever may change it). */
export async function shareCase(db: Db | Tx, p: Principal, actor: AuditActor, id: string, agencyId: string) {
  return audited(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    await shareWith(tx, actor, id, agencyId, 'agencyId', ['prosecution', 'court']);
    return { result: { ok: true as const }, audit: [] };
  });
}

// ------------------------------------------------------------------------------------------------
// Procedural events

export const STATUS_AFTER: Partial<Record<string, CriminalCaseStatus>> = {
  suspended: 'suspended',
  resumed: 'investigation',
  indicted: 'in_court',
  trial_opened: 'in_court',
  verdict: 'decided',
  appeal_decided: 'decided',
  final: 'final',
};

async function insertEvent(
  tx: Tx,
  p: Principal,
  c: repo.CaseRow,
  ev: { type: string; occurredOn: string; defendantId: string | null; ground?: string | null; appealBy?: string | null; appealResult?: string | null; documentNumber?: string | null },
  field: string,
) {
  const today = await countryToday(tx);
  const existing = (await repo.eventsQuery(tx, c.id).execute()).filter((e) => e.defendantId === ev.defendantId || e.defendantId === null || ev.defendantId === null);
  const own = ev.defendantId ? existing.filter((e) => e.defendantId === ev.defendantId || ['suspended', 'resumed', 'opened', 'trial_opened'].includes(e.type)) : existing;
  const problem = checkOrder(c.openedOn, today, own, { type: ev.type, occurredOn: ev.occurredOn }, field);
  if (problem) throw invalid(problem.field, problem.message);
  const row = await tx
    .insertInto('criminalCaseEvents')
    .values({
      criminalCaseId: c.id, defendantId: ev.defendantId, type: ev.type, occurredOn: ev.occurredOn, ground: ev.ground ?? null, appealBy: ev.appealBy ?? null,
      appealResult: ev.appealResult ?? null, documentNumber: ev.documentNumber ?? null, recordedBy: p.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const status = ev.type === 'terminated' && ev.defendantId === null ? 'terminated' : STATUS_AFTER[ev.type];
  const set: Record<string, unknown> = { updatedAt: new Date() };
  if (status) set.status = status;
  if (ev.type === 'terminated' && ev.defendantId === null) set.terminationGround = ev.ground ?? null;
  await tx.updateTable('criminalCases').set(set).where('id', '=', c.id).execute();
  return row.id;
}

export async function defendantOf(tx: DbOrTx, caseId: string, defendantId: string | undefined, field = 'defendantId') {
  if (!defendantId) return undefined;
  const d = await tx.selectFrom('criminalDefendants').selectAll().where('id', '=', defendantId).where('criminalCaseId', '=', caseId).executeTakeFirst();
  if (!d) throw invalid(field, 'not a defendant of this case');
  return d;
}

export async function addEvent(db: Db | Tx, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof ProceduralEventBody>) {
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const perDefendant = DEFENDANT_EVENTS.includes(body.type);
    if (perDefendant && !body.defendantId) throw invalid('defendantId', `required for ${body.type}`);
    if (!perDefendant && body.type !== 'terminated' && body.defendantId) throw invalid('defendantId', `${body.type} is an event of the whole case`);
    const d = await defendantOf(tx, id, body.defendantId);
    if (body.type === 'terminated' && !body.ground) throw invalid('ground', 'required when terminating');
    if (body.type !== 'terminated' && body.ground) throw invalid('ground', 'only with terminated');
    if (body.type === 'appeal_lodged' && !body.appealBy) throw invalid('appealBy', 'required for an appeal');
    if (body.courtAgencyId && body.type !== 'indicted') throw invalid('courtAgencyId', 'only with indicted');
    if (body.type === 'indicted') {
      const charges = await tx.selectFrom('criminalCharges').select('id').where('defendantId', '=', d!.id).where('outcome', 'is', null).execute();
      if (charges.length === 0) throw invalid('defendantId', 'no open charge brought against this defendant');
    }
    const eventId = await insertEvent(tx, p, c, { type: body.type, occurredOn: body.occurredOn, defendantId: d?.id ?? null, ground: body.ground, appealBy: body.appealBy, documentNumber: body.documentNumber }, 'occurredOn');
    if (body.courtAgencyId) await shareWith(tx, actor, id, body.courtAgencyId, 'courtAgencyId', ['court']);
    await refreshFacts(tx, id);
    return {
      result: { id: eventId },
      audit: { action: 'criminal_case.event_added', recordType: 'investigation', recordId: id, changes: { eventId, type: body.type, occurredOn: body.occurredOn, defendantId: d?.id ?? null, ground: body.ground ?? null } },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Defendants, charges, verdicts, sentences

export async function addDefendant(db: Db | Tx, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof AddDefendantBody>) {
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    let personId: string | null = null;
    const entries: AuditEntry[] = [];
    let facts: { sex: string; birthYear: number | null; citizenship: string | null } = { sex: 'unknown', birthYear: null, citizenship: null };
    if (body.person) {
      const person = await insertPerson(tx, p, actor, body.person);
      personId = person.id;
      facts = { sex: person.sex, birthYear: person.birthYear, citizenship: person.citizenship };
    } else if (body.personId) {
      const visible = await tx.selectFrom('people as p').select('p.id').where('p.id', '=', body.personId).where(visibleFilter(p, 'read', PEOPLE)).executeTakeFirst();
      if (!visible) throw invalid('personId', 'no person you may read');
      const person = await loadPerson(tx, body.personId);
      if (person.mergedInto) throw invalid('personId', 'merged into another record; use that one');
      personId = person.id;
      facts = { sex: person.sex, birthYear: person.birthYear, citizenship: person.citizenship };
    }
    if (!body.isOfficial && body.officialAgencyType) throw invalid('officialAgencyType', 'only with isOfficial');
    const identifiedOn = body.identifiedOn ?? c.openedOn;
    let defendantId: string;
    try {
      defendantId = (
        await tx
          .insertInto('criminalDefendants')
          .values({
            criminalCaseId: id, personId, legalEntityName: body.legalEntityName ?? null, role: body.role, relation: body.relation, isOfficial: body.isOfficial,
            officialAgencyType: body.officialAgencyType ?? null, sex: body.legalEntityName ? 'legal_person' : facts.sex, birthYear: facts.birthYear, citizenship: facts.citizenship,
            pseudonym: pseudonymOf('D'), addedBy: p.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('already_defendant', 'This person is already a defendant in this case', { personId: 'already a defendant here' });
      throw e;
    }
    await insertEvent(tx, p, c, { type: 'suspect_identified', occurredOn: identifiedOn, defendantId }, 'identifiedOn');
    await refreshFacts(tx, id, [defendantId]);
    entries.push({
      action: 'criminal_case.defendant_added',
      recordType: 'investigation',
      recordId: id,
      changes: { defendantId, personId, legalEntity: body.legalEntityName !== undefined, role: body.role, relation: body.relation, isOfficial: body.isOfficial, identifiedOn },
    });
    return { result: { id: defendantId, personId }, audit: entries };
  });
}


export async function addCharge(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, body: z.infer<typeof ChargeBody>) {
  const profile = await loadJusticeProfile(db);
  if (!statutePart(profile, body.article)) throw invalid('article', `${body.article} is not in the country profile's statute list`);
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    await insertEvent(tx, p, c, { type: 'charged', occurredOn: body.broughtOn, defendantId: d.id }, 'broughtOn');
    const charge = await tx.insertInto('criminalCharges').values({ criminalCaseId: id, defendantId: d.id, article: body.article, broughtOn: body.broughtOn, recordedBy: p.userId }).returning('id').executeTakeFirstOrThrow();
    await refreshFacts(tx, id, [d.id]);
    return {
      result: { id: charge.id },
      audit: { action: 'criminal_case.charge_brought', recordType: 'investigation', recordId: id, changes: { defendantId: d.id, chargeId: charge.id, article: body.article, broughtOn: body.broughtOn } },
    };
  });
}

export const VERDICT_EVENT: Record<Instance, string> = { first: 'verdict', appeal: 'appeal_decided', cassation: 'cassation' };

export async function recordVerdict(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, body: z.infer<typeof VerdictBody>) {
  const profile = await loadJusticeProfile(db);
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    const charges = await tx.selectFrom('criminalCharges').selectAll().where('defendantId', '=', d.id).execute();
    const seen = new Set<string>();
    body.outcomes.forEach((o, i) => {
      const charge = charges.find((ch) => ch.id === o.chargeId);
      if (!charge) throw invalid(`outcomes.${i}.chargeId`, 'no such charge was brought against this defendant');
      if (seen.has(o.chargeId)) throw invalid(`outcomes.${i}.chargeId`, 'named twice');
      seen.add(o.chargeId);
      if (charge.reclassifiedToChargeId) throw invalid(`outcomes.${i}.chargeId`, 'this charge was reclassified; decide on the new charge');
      if (charge.broughtOn > body.decidedOn) throw invalid('decidedOn', `before the charge was brought (${charge.broughtOn})`);
      if (o.outcome === 'terminated' && !o.terminationGround) throw invalid(`outcomes.${i}.terminationGround`, 'required when terminated');
      if (o.outcome !== 'terminated' && o.terminationGround) throw invalid(`outcomes.${i}.terminationGround`, 'only when terminated');
      if (o.outcome === 'reclassified') {
        if (!o.reclassifiedTo) throw invalid(`outcomes.${i}.reclassifiedTo`, 'required when reclassified');
        if (!statutePart(profile, o.reclassifiedTo)) throw invalid(`outcomes.${i}.reclassifiedTo`, `${o.reclassifiedTo} is not in the country profile's statute list`);
      } else if (o.reclassifiedTo) throw invalid(`outcomes.${i}.reclassifiedTo`, 'only when reclassified');
    });
    if (body.instance === 'first') {
      const decided = (await tx.selectFrom('criminalVerdicts').select('chargeId').where('defendantId', '=', d.id).where('instance', '=', 'first').execute()).map((v) => v.chargeId);
      const again = body.outcomes.findIndex((o) => decided.includes(o.chargeId));
      if (again >= 0) throw invalid(`outcomes.${again}.chargeId`, 'already decided at first instance; record the appeal instead');
    } else {
      const first = (await tx.selectFrom('criminalVerdicts').select('chargeId').where('defendantId', '=', d.id).where('instance', '=', 'first').execute()).map((v) => v.chargeId);
      const never = body.outcomes.findIndex((o) => !first.includes(o.chargeId));
      if (never >= 0) throw invalid(`outcomes.${never}.chargeId`, 'no first-instance verdict on this charge to appeal');
    }
    const eventId = await insertEvent(tx, p, c, { type: VERDICT_EVENT[body.instance], occurredOn: body.decidedOn, defendantId: d.id, appealResult: body.appealResult ?? null }, 'decidedOn');
    for (const o of body.outcomes) {
      await tx
        .insertInto('criminalVerdicts')
        .values({ chargeId: o.chargeId, defendantId: d.id, instance: body.instance, outcome: o.outcome, decidedOn: body.decidedOn, terminationGround: o.terminationGround ?? null, reclassifiedTo: o.reclassifiedTo ?? null, recordedBy: p.userId })
        .execute();
      const set: Record<string, unknown> = { outcome: o.outcome === 'returned' ? null : o.outcome, outcomeOn: o.outcome === 'returned' ? null : body.decidedOn, outcomeInstance: o.outcome === 'returned' ? null : body.instance, terminationGround: o.terminationGround ?? null };
      if (o.outcome === 'reclassified') {
        const next = await tx
          .insertInto('criminalCharges')
          .values({ criminalCaseId: id, defendantId: d.id, article: o.reclassifiedTo!, broughtOn: body.decidedOn, reclassifiedFromChargeId: o.chargeId, recordedBy: p.userId })
          .returning('id')
          .executeTakeFirstOrThrow();
        set.reclassifiedToChargeId = next.id;
      }
      await tx.updateTable('criminalCharges').set(set).where('id', '=', o.chargeId).execute();
    }
    await refreshFacts(tx, id, [d.id]);
    return {
      result: { eventId },
      audit: {
        action: 'criminal_case.verdict_recorded',
        recordType: 'investigation',
        recordId: id,
        changes: { defendantId: d.id, instance: body.instance, decidedOn: body.decidedOn, outcomes: body.outcomes.map((o) => ({ chargeId: o.chargeId, outcome: o.outcome, terminationGround: o.terminationGround ?? null })) },
      },
    };
  });
}

/** The shape of a sentence: what each type, suspension, deferral and release needs (400 naming the field). */
export function checkSentenceShape(body: Omit<z.infer<typeof SentenceBody>, 'instance'>) {
  if (body.type === 'imprisonment' || body.type === 'restriction_of_liberty' || body.type === 'correctional_work') {
    if (body.termMonths == null) throw invalid('termMonths', `required for ${body.type}`);
  }
  if (body.type === 'fine' && body.fineAmount == null) throw invalid('fineAmount', 'required for a fine');
  if (body.suspended && body.probationMonths == null) throw invalid('probationMonths', 'required for a suspended sentence');
  if (!body.suspended && body.probationMonths != null) throw invalid('probationMonths', 'only for a suspended sentence');
  if (body.deferred && !body.deferralGround) throw invalid('deferralGround', 'required for a deferral');
  if (!body.deferred && (body.deferralGround || body.deferredUntil)) throw invalid('deferralGround', 'only with deferred');
  if (body.suspended && body.deferred) throw invalid('deferred', 'a sentence is suspended or deferred, not both');
  if ((body.releasedOn == null) !== (body.releaseBasis == null)) throw invalid(body.releasedOn == null ? 'releasedOn' : 'releaseBasis', 'give both the release day and its basis');
  if (body.releasedOn && body.releasedOn < body.imposedOn) throw invalid('releasedOn', 'before the sentence was imposed');
  if (body.deferredUntil && body.deferredUntil < body.imposedOn) throw invalid('deferredUntil', 'before the sentence was imposed');
}

export async function recordSentence(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, body: z.infer<typeof SentenceBody>) {
  checkSentenceShape(body);
  const profile = await loadJusticeProfile(db);
  return audited(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    const today = await countryToday(tx);
    checkNotFuture(body.imposedOn, today, 'imposedOn');
    checkNotFuture(body.releasedOn, today, 'releasedOn');
    const verdicts = await tx.selectFrom('criminalVerdicts').selectAll().where('defendantId', '=', d.id).where('decidedOn', '<=', body.imposedOn).execute();
    const latest = latestVerdicts(verdicts.map((v) => ({ chargeId: v.chargeId, instance: v.instance as Instance, outcome: v.outcome as VerdictOutcome, decidedOn: v.decidedOn, terminationGround: v.terminationGround, createdAt: v.createdAt.getTime() })));
    const convictedCharges = [...latest.values()].filter((v) => v.outcome === 'convicted').map((v) => v.chargeId);
    if (convictedCharges.length === 0)
      throw invalid('defendantId', verdicts.length === 0 ? 'no verdict convicting this defendant on or before imposedOn' : 'the defendant is not convicted on any charge: no sentence');
    const atInstance = verdicts.filter((v) => v.instance === body.instance);
    if (atInstance.length === 0) throw invalid('instance', `no ${body.instance}-instance verdict for this defendant on or before imposedOn`);
    const charges = await tx.selectFrom('criminalCharges').select(['id', 'article']).where('id', 'in', convictedCharges).execute();
    const parts = partsOf(profile, charges.map((c) => c.article));
    const input = {
      type: body.type, termMonths: body.termMonths ?? null, fineAmount: body.fineAmount ?? null, suspended: body.suspended, deferred: body.deferred,
      deferralGround: body.deferralGround ?? null, belowMinimum: body.belowMinimum, belowMinimumGround: body.belowMinimumGround ?? null, mitigating: body.mitigating,
    };
    const flag = reviewFlag(input, parts, d.sex);
    const previous = await tx.selectFrom('criminalSentences').select(['id', 'imposedOn', 'instance', 'createdAt']).where('defendantId', '=', d.id).execute();
    const inForce = sentenceInForce(previous.map((s) => ({ ...s, instance: s.instance as Instance, createdAt: s.createdAt.getTime() })), body.imposedOn);
    const sentenceId = crypto.randomUUID();
    const row = await tx
      .insertInto('criminalSentences')
      .values({
        id: sentenceId, defendantId: d.id, instance: body.instance, imposedOn: body.imposedOn, type: body.type, termMonths: body.termMonths ?? null, fineAmount: body.fineAmount ?? null,
        suspended: body.suspended, probationMonths: body.probationMonths ?? null, deferred: body.deferred, deferralGround: body.deferralGround ?? null, deferredUntil: body.deferredUntil ?? null,
        belowMinimum: isBelowMinimum(input, parts), belowMinimumGroundEnc: repo.sealBelowMinimumGround(sentenceId, body.belowMinimumGround ?? null), mitigating: body.mitigating, confiscation: body.confiscation,
        deprivationOfRights: body.deprivationOfRights, releasedOn: body.releasedOn ?? null, releaseBasis: body.releaseBasis ?? null, releaseAct: body.releaseAct ?? null,
        band: sentenceBand(input), reviewFlag: flag, recordedBy: p.userId,
      })
      .returning(['id', 'band', 'reviewFlag', 'belowMinimum'])
      .executeTakeFirstOrThrow();
    if (inForce) await tx.updateTable('criminalSentences').set({ supersededBy: row.id }).where('id', '=', inForce.id).execute();
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    // The defendant's latest sentence, which the figures count (migration 0112).
    await refreshFacts(tx, id, [d.id]);
    return {
      result: { id: row.id, band: row.band, reviewFlag: row.reviewFlag, belowMinimum: row.belowMinimum, supersedes: inForce?.id ?? null },
      audit: {
        action: 'criminal_case.sentence_recorded',
        recordType: 'investigation',
        recordId: id,
        // A flag for review is brought to the auditors' attention (a figure worth reporting).
        flagged: flag !== null,
        changes: {
          defendantId: d.id, sentenceId: row.id, instance: body.instance, imposedOn: body.imposedOn, type: body.type, termMonths: body.termMonths ?? null, suspended: body.suspended,
          deferred: body.deferred, deferralGround: body.deferralGround ?? null, belowMinimum: row.belowMinimum, reviewFlag: flag, releaseBasis: body.releaseBasis ?? null, supersedes: inForce?.id ?? null,
        },
      },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Victims and cooperation

/** Links the victims of an NRM case (or one of them) to the criminal case, keeping only their sex, age group and nationality here. */
async function linkNrmVictims(tx: Tx, p: Principal, caseId: string, openedOn: string, nrmCaseId: string, personId: string | undefined, extra: Partial<z.infer<typeof LinkVictimBody>>) {
  let q = tx.selectFrom('casePeople').select('personId').where('caseId', '=', nrmCaseId).where('role', '=', 'victim');
  if (personId) q = q.where('personId', '=', personId);
  const victims = await q.execute();
  if (personId && victims.length === 0) throw invalid('personId', 'not a victim of that NRM case');
  const ids: string[] = [];
  for (const v of victims) {
    const already = await tx.selectFrom('criminalCaseVictims').select('id').where('criminalCaseId', '=', caseId).where('personId', '=', v.personId).executeTakeFirst();
    if (already) continue;
    const person = await loadPerson(tx, v.personId);
    const row = await tx
      .insertInto('criminalCaseVictims')
      .values({
        criminalCaseId: caseId, nrmCaseId, personId: v.personId, pseudonym: pseudonymOf('V'), sex: person.sex,
        ageGroup: ageBand({ birthDate: person.birthDate, birthYear: person.birthYear, ageDisputed: false }, openedOn), nationality: person.citizenship,
        testified: extra.testified ?? false, protectionMeasures: extra.protectionMeasures ?? [], compensationClaimed: extra.compensationClaimed ?? null,
        compensationOrdered: extra.compensationOrdered ?? null, compensationPaid: extra.compensationPaid ?? null, nonPunishment: extra.nonPunishment ?? false, addedBy: p.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

export async function addVictim(db: Db | Tx, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof LinkVictimBody>) {
  if (body.personId && !body.nrmCaseId) throw invalid('nrmCaseId', 'required with personId');
  if (body.compensationPaid != null && body.compensationOrdered == null) throw invalid('compensationOrdered', 'record the amount ordered before the amount paid');
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    let ids: string[];
    if (body.nrmCaseId) {
      const facts = await loadRecordFacts(tx, CASES, body.nrmCaseId);
      if (!facts || !decide(p, 'read', CASES, facts).allowed) throw invalid('nrmCaseId', 'no NRM case you may read');
      await tx.insertInto('criminalCaseNrmLinks').values({ criminalCaseId: id, nrmCaseId: body.nrmCaseId, linkedBy: p.userId }).onConflict((oc) => oc.doNothing()).execute();
      ids = await linkNrmVictims(tx, p, id, c.openedOn, body.nrmCaseId, body.personId, body);
    } else {
      // A victim known to the proceedings only (not in the NRM): pseudonym, sex, age group, nationality.
      const row = await tx
        .insertInto('criminalCaseVictims')
        .values({
          criminalCaseId: id, pseudonym: pseudonymOf('V'), sex: body.sex ?? 'unknown', ageGroup: body.ageGroup ?? 'unknown', nationality: body.nationality ?? null,
          testified: body.testified, protectionMeasures: body.protectionMeasures, compensationClaimed: body.compensationClaimed ?? null,
          compensationOrdered: body.compensationOrdered ?? null, compensationPaid: body.compensationPaid ?? null, nonPunishment: body.nonPunishment, addedBy: p.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids = [row.id];
    }
    return {
      result: { ids },
      audit: { action: 'criminal_case.victims_linked', recordType: 'investigation', recordId: id, changes: { nrmCaseId: body.nrmCaseId ?? null, victimIds: ids, testified: body.testified, nonPunishment: body.nonPunishment } },
    };
  });
}

export async function addCooperation(db: Db | Tx, p: Principal, actor: AuditActor, id: string, body: z.infer<typeof CooperationBody>) {
  if (body.outcomeOn && body.outcome === 'pending') throw invalid('outcomeOn', 'only with an outcome');
  if (body.outcomeOn && body.outcomeOn < body.requestedOn) throw invalid('outcomeOn', 'before the request');
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    if (body.requestedOn < c.openedOn) throw invalid('requestedOn', `before the case was opened (${c.openedOn})`);
    checkNotFuture(body.requestedOn, await countryToday(tx), 'requestedOn');
    const row = await tx.insertInto('criminalCooperationRequests').values({ criminalCaseId: id, ...body, outcomeOn: body.outcomeOn ?? null, recordedBy: p.userId }).returning('id').executeTakeFirstOrThrow();
    return { result: { id: row.id }, audit: { action: 'criminal_case.cooperation_recorded', recordType: 'investigation', recordId: id, changes: { requestId: row.id, kind: body.kind, direction: body.direction, outcome: body.outcome, requestedOn: body.requestedOn } } };
  });
}

// ------------------------------------------------------------------------------------------------
// Deadlines

/** Cases in investigation with their time limit, those due within the profile's reminder days or past it. */
export async function deadlines(db: Db, p: Principal, mine: boolean): Promise<z.infer<typeof DeadlineView>[]> {
  const [profile, today] = await Promise.all([loadJusticeProfile(db), countryToday(db)]);
  const horizon = addDays(today, profile.investigationReminderDays);
  return (await repo.deadlineCandidates(db, p, mine))
    .map((c) => ({ id: c.id, caseNumber: c.caseNumber, openedOn: c.openedOn, dueOn: investigationDueOn(c.openedOn, c.investigationExtendedUntil, profile), overdue: false, ownerUserId: c.ownerUserId }))
    .filter((c) => c.dueOn <= horizon)
    .map((c) => ({ ...c, overdue: c.dueOn < today }))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
}
