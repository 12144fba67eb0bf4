import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Db, DbOrTx } from '../../db/database.ts';
import { auditRead, type AuditActor } from '../../audit/audit.ts';
import { decide } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import type { Keys } from '../../crypto/keys.ts';
import { forbidden } from '../../errors.ts';
import { formatPartialDate } from '../../../domain/press-dates.ts';
import type { DatePrecision } from '../../../shared/press.ts';
import type { AgencyType } from '../../../shared/roles.ts';
import {
  CAS_REFERRAL_REASON,
  CAS_STATUS,
  HTCDS_STANDARD,
  HTCDS_VERSION,
  HTE_TYPE,
  PRS_GENDER,
  SPL_TYPE,
  VIC_DECISION_ORG,
  VIC_FORCED_LABOUR_INDUSTRY,
  VIC_METHOD_OF_RECRUITMENT,
  VIC_METHODS_OF_CONTROL,
  VIC_TRAFFICKING_STATUS,
  VIC_TYPE_OF_EXPLOITATION,
  VIC_TYPE_OF_SEX_EXPLOITATION,
  VIC_WEBSITES_AND_APPS,
  toHtcds,
} from '../../../shared/htcds.ts';
import type { HtcdsPerson, HtcdsRecord } from '../../../shared/schemas/htcds.ts';
import type { CasePersonRole } from '../../../shared/nrm.ts';
import { CASES } from '../cases/policy.ts';
import { caseAccess } from '../cases/access.ts';
import * as cases from '../cases/repository.ts';
import * as repo from './repository.ts';

/** Cases read per batch of a bulk export: memory stays bounded whatever the number of cases. */
export const EXPORT_BATCH = 200;

const list = (map: Readonly<Record<string, string>>, codes: readonly string[]) =>
  codes.map((c) => toHtcds(map, c));
const referralReason = (purpose: string) =>
  CAS_REFERRAL_REASON[purpose as keyof typeof CAS_REFERRAL_REASON] ?? 'Other';

type Bundle = {
  people: Map<string, repo.CasePersonRow[]>;
  names: Awaited<ReturnType<typeof repo.peopleFor>>['names'];
  events: Awaited<ReturnType<typeof repo.eventsFor>>;
  consents: Awaited<ReturnType<typeof repo.consentsFor>>;
  notes: Awaited<ReturnType<typeof repo.notesFor>>;
  support: Awaited<ReturnType<typeof repo.supportFor>>;
  referrals: Awaited<ReturnType<typeof repo.referralsFor>>;
  deciders: Map<string, string>;
};

async function loadBundle(db: DbOrTx, p: Principal, caseIds: string[]): Promise<Bundle> {
  const { people, names } = await repo.peopleFor(db, caseIds);
  return {
    people,
    names,
    events: await repo.eventsFor(db, caseIds),
    consents: await repo.consentsFor(db, caseIds),
    notes: await repo.notesFor(db, caseIds),
    support: await repo.supportFor(db, caseIds),
    referrals: await repo.referralsFor(db, p, caseIds),
    deciders: await repo.decidersFor(db, caseIds),
  };
}

/**
 * What an export may show. `identifying` false (the default of bulk exports) leaves out names, dates of
 * birth, the guardian's appointment, free text and exact places, cuts every other date to its month
 * (an exact day, with a region and a sex, narrows a person down too far), and puts stable pseudonyms
 * in place of case numbers and person ids. Either way a field tagged sensitive is shown only to a role
 * that may see that tag, and a section only to a user whose access opens it: exactly as on the case page.
 */
type Lens = {
  identifying: boolean;
  may: (tag: 'identity' | 'narrative' | 'location') => boolean;
  ref: (kind: 'case' | 'person', id: string) => string;
  /** A day (`YYYY-MM-DD`) as it may be shown: its month alone when de-identified. */
  day: { (d: string): string; (d: string | null): string | null };
  /** How precisely a partial date may be shown: a day only as its month when de-identified. */
  precision: (p: DatePrecision) => DatePrecision;
};

function lensFor(p: Principal, keys: Keys, identifying: boolean): Lens {
  function day(d: string): string;
  function day(d: string | null): string | null;
  function day(d: string | null) {
    return d === null || identifying ? d : d.slice(0, 7);
  }
  return {
    identifying,
    may: (tag) => identifying && p.permissions.has(`sensitive:${tag}`),
    ref: (kind, id) => (identifying ? id : `${kind === 'case' ? 'C' : 'P'}-${keys.pseudonym(kind, id)}`),
    day,
    precision: (precision) => (!identifying && precision === 'day' ? 'month' : precision),
  };
}

/** Drops the keys whose value is undefined, so that an absent field is absent from the JSON. */
const compact = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function toPerson(r: repo.CasePersonRow, names: Bundle['names'], lens: Lens): HtcdsPerson {
  const own = names.filter((n) => n.personId === r.id);
  const primary = own.find((n) => n.kind === 'primary');
  const nameOf = (n: (typeof own)[number]) => ({
    prs_FirstName: n.givenName,
    prs_MiddleName: n.patronymic,
    prs_SecondName: n.familyName,
    pw_NameAsEntered: n.asEntered,
  });
  const identity = lens.may('identity');
  const [first, second, ...others] = r.languages;
  return compact({
    pw_PersonRef: lens.ref('person', r.id),
    pw_Role: r.role as CasePersonRole,
    ...(identity && primary ? nameOf(primary) : {}),
    pw_Aliases: identity ? own.filter((n) => n.kind === 'alias').map(nameOf) : undefined,
    prs_Birthdate: identity ? r.birthDate : undefined,
    pw_BirthYear: r.birthYear,
    pw_BirthYearEstimated: r.birthYearEstimated,
    prs_Gender: toHtcds(PRS_GENDER, r.sex),
    prs_Citizenship: r.citizenship ? [r.citizenship] : [],
    prs_PrimaryLanguage: first ?? null,
    prs_SecondaryLanguage: second ?? null,
    pw_OtherLanguages: others,
    pw_AgeDisputed: r.ageDisputed,
    pw_Unaccompanied: r.unaccompanied,
    pw_GuardianName: identity ? r.guardianName : undefined,
    pw_GuardianAppointedOn: lens.identifying ? r.guardianAppointedOn : undefined,
  });
}

/** One case as an HTCDS record: only the sections given, each field as the lens allows. */
export function toRecord(
  row: cases.CaseRow,
  sections: ReadonlySet<string>,
  b: Bundle,
  lens: Lens,
): HtcdsRecord {
  const id = row.id;
  const rec: HtcdsRecord = { pw_CaseRef: lens.identifying ? row.caseNumber : lens.ref('case', id) };
  if (sections.has('summary')) {
    Object.assign(
      rec,
      compact({
        pw_OwnerAgency: row.ownerAgencyName,
        pw_OpenedAt: lens.identifying ? row.openedAt.toISOString() : row.openedAt.toISOString().slice(0, 7),
        cas_Status: toHtcds(CAS_STATUS, row.status),
        cas_ReasonForCaseClosure: lens.may('narrative') ? row.closureReason : undefined,
        pw_VictimStatus: row.victimStatus as HtcdsRecord['pw_VictimStatus'],
        vic_TraffickingStatus: toHtcds(VIC_TRAFFICKING_STATUS, row.victimStatus),
        vic_TypeOfExploitation: list(VIC_TYPE_OF_EXPLOITATION, row.exploitationForms),
        vic_TypeOfSexExploitation: list(VIC_TYPE_OF_SEX_EXPLOITATION, row.sexExploitationTypes),
        vic_MethodsOfControl: list(VIC_METHODS_OF_CONTROL, row.controlMethods),
        vic_MethodOfRecruitment: list(VIC_METHOD_OF_RECRUITMENT, row.recruitmentMethods),
        vic_RecruitmentWebsitesAndApps: list(VIC_WEBSITES_AND_APPS, row.recruitmentApps),
        vic_ForcedLabourIndustry: row.industry ? toHtcds(VIC_FORCED_LABOUR_INDUSTRY, row.industry) : null,
        pw_Region: row.region,
        pw_Country: row.country,
      }),
    );
  }
  if (sections.has('identification')) {
    const type = b.deciders.get(id);
    rec.vic_TraffickingStatusDecisionMakingOrg = type ? toHtcds(VIC_DECISION_ORG, type as AgencyType) : null;
  }
  if (sections.has('referrals')) {
    const refs = (b.referrals.get(id) ?? []).filter((r) => r.status !== 'declined' && r.status !== 'revoked');
    const outgoing = refs.filter((r) => r.fromAgencyId === row.ownerAgencyId).at(-1);
    const incoming = refs.filter((r) => r.toAgencyId === row.ownerAgencyId).at(-1);
    Object.assign(rec, {
      cas_ReferringOrganisation: incoming?.fromName ?? null,
      cas_IncomingReferralDate: incoming ? lens.day(incoming.sentAt.toISOString().slice(0, 10)) : null,
      cas_ReasonForIncomingReferral: incoming ? referralReason(incoming.purpose) : null,
      cas_ReferredOrganisation: outgoing?.toName ?? null,
      cas_OutgoingReferralDate: outgoing ? lens.day(outgoing.sentAt.toISOString().slice(0, 10)) : null,
      cas_ReasonForOutgoingReferral: outgoing ? referralReason(outgoing.purpose) : null,
    });
  }
  if (sections.has('notes') && lens.may('narrative')) {
    rec.pw_Narrative = row.narrative;
    rec.cco_CaseComment = (b.notes.get(id) ?? []).map((n) => n.body);
  }
  if (sections.has('people')) rec.persons = (b.people.get(id) ?? []).map((r) => toPerson(r, b.names, lens));
  if (sections.has('events')) {
    rec.events = (b.events.get(id) ?? []).map((e) =>
      compact({
        hte_Type: toHtcds(HTE_TYPE, e.type),
        hte_Date:
          e.occurredOn && e.occurredPrecision
            ? formatPartialDate({ on: e.occurredOn, precision: lens.precision(e.occurredPrecision as DatePrecision) })
            : null,
        hte_Country: e.country,
        hte_State: e.region,
        hte_City: lens.may('location') ? e.city : undefined,
        hte_Street: lens.may('location') ? e.place : undefined,
        hte_Description: lens.may('narrative') ? e.description : undefined,
      }),
    );
  }
  if (sections.has('consents')) {
    rec.consents = (b.consents.get(id) ?? []).map((k) =>
      compact({
        con_Consent: k.withdrawnOn === null,
        pw_PersonRef: lens.ref('person', k.personId),
        pw_Kind: k.kind as NonNullable<HtcdsRecord['consents']>[number]['pw_Kind'],
        pw_Service: k.service as NonNullable<HtcdsRecord['consents']>[number]['pw_Service'],
        pw_AgencyId: k.agencyId,
        pw_AgencyName: k.agencyName,
        pw_Purpose: k.purpose as NonNullable<HtcdsRecord['consents']>[number]['pw_Purpose'],
        pw_GivenOn: lens.day(k.givenOn),
        pw_Form: k.form as 'written' | 'oral',
        pw_GivenBy: k.givenBy as 'person' | 'parent' | 'guardian',
        pw_WithdrawnOn: lens.day(k.withdrawnOn),
      }),
    );
  }
  if (sections.has('assistance')) {
    const goals = b.support.plans.get(id)?.goals ?? [];
    rec.supportPlans = (b.support.services.get(id) ?? []).map((s) =>
      compact({
        spl_Type: toHtcds(SPL_TYPE, s.service),
        pw_Service: s.service as NonNullable<HtcdsRecord['supportPlans']>[number]['pw_Service'],
        pw_Status: s.status as NonNullable<HtcdsRecord['supportPlans']>[number]['pw_Status'],
        spl_Objectives: lens.may('narrative') ? (goals.length ? goals.join('\n') : null) : undefined,
        spl_ActionPlan: lens.may('narrative') ? s.note : undefined,
        pw_PlannedOn: lens.day(s.plannedOn),
        pw_StartedOn: lens.day(s.startedOn),
        spl_ActualEndDate: lens.day(s.endedOn),
      }),
    );
  }
  return rec;
}

const envelope = (identifying: boolean) =>
  ({
    standard: HTCDS_STANDARD,
    version: HTCDS_VERSION,
    exportedAt: new Date().toISOString(),
    identifying,
    source: 'Pathway',
  }) as const;

/**
 * `GET /cases/:id/htcds`: the case as an HTCDS document, with exactly what the case page would show
 * this user (sections and sensitive fields). Audited like a read of the case, with the sections.
 */
export async function exportCase(db: Db, p: Principal, actor: AuditActor, keys: Keys, id: string) {
  const { decision } = await caseAccess(db, p, id, 'read');
  const row = (await cases.findCase(db, id))!;
  const bundle = await loadBundle(db, p, [id]);
  const record = toRecord(row, decision.sections, bundle, lensFor(p, keys, true));
  const sections = [...decision.sections].sort();
  await auditRead(db, actor, {
    action: 'case.htcds.read',
    recordType: 'case',
    recordId: id,
    changes: { format: 'htcds-json', sections, via: decision.via },
  });
  return { caseNumber: row.caseNumber, document: { ...envelope(true), records: [record] } };
}

export type BulkQuery = {
  openedFrom?: string | undefined;
  openedTo?: string | undefined;
  format: 'json' | 'csv';
  identifying: boolean;
};

export function requireBulkExport(p: Principal, q: BulkQuery) {
  if (q.identifying && !p.permissions.has('htcds:export_identifying'))
    throw forbidden('An identifying export needs the permission htcds:export_identifying');
}

/**
 * The records of every case the user may read (the same filter as the case list, orders ending access
 * included), batch by batch in keyset order, so that a million cases never sit in memory.
 *
 * Audited so that an auditor can tell whose data left, never with the data itself: `htcds.export_started`
 * (the filters, the format, whether identifying) before anything is read; then, for each batch and
 * before any of its records is handed on, `htcds.exported_batch` with the ids of exactly the cases that
 * batch sends; at the end (or when the reader goes away) `htcds.exported` with the number of records
 * sent and whether the export completed. One `exportId` ties the entries together. A reader that stops
 * mid-batch leaves cases named that it did not receive: the audit errs on the side of naming.
 */
export async function* exportRecords(
  db: Db,
  p: Principal,
  actor: AuditActor,
  keys: Keys,
  q: BulkQuery,
): AsyncGenerator<HtcdsRecord> {
  const lens = lensFor(p, keys, q.identifying);
  const what = {
    exportId: randomUUID(),
    format: q.format,
    identifying: q.identifying,
    openedFrom: q.openedFrom ?? null,
    openedTo: q.openedTo ?? null,
  };
  await auditRead(db, actor, { action: 'htcds.export_started', recordType: 'case', changes: what });
  let count = 0;
  let batches = 0;
  let complete = false;
  try {
    let cursor: { sort: string; value: string; id: string } | undefined;
    for (;;) {
      const rows = await cases.listCases(db, p, {
        openedFrom: q.openedFrom,
        openedTo: q.openedTo,
        cursor,
        limit: EXPORT_BATCH,
      });
      const page = rows.slice(0, EXPORT_BATCH);
      if (page.length === 0) break;
      const ids = page.map((r) => r.id);
      const grants = await repo.grantsFor(db, ids);
      const bundle = await loadBundle(db, p, ids);
      const records: { id: string; record: HtcdsRecord }[] = [];
      for (const row of page) {
        // listCases let through only cases the user may read; an order ending access leaves them to those who may read all of it.
        const decision = row.accessEndedAt
          ? { allowed: true as const, sections: new Set(CASES.sections) }
          : decide(p, 'read', CASES, {
              ownerAgencyId: row.ownerAgencyId,
              ownerUserId: row.ownerUserId,
              grants: grants.get(row.id) ?? [],
            });
        if (decision.allowed) records.push({ id: row.id, record: toRecord(row, decision.sections, bundle, lens) });
      }
      if (records.length > 0) {
        batches++;
        await auditRead(db, actor, {
          action: 'htcds.exported_batch',
          recordType: 'case',
          changes: { exportId: what.exportId, batch: batches, caseIds: records.map((r) => r.id) },
        });
      }
      for (const { record } of records) {
        // Counted as it is handed on: a reader that stops after it has still received it.
        count++;
        yield record;
      }
      if (rows.length <= EXPORT_BATCH) break;
      const last = page.at(-1)!;
      cursor = { sort: '-created', value: last.createdAt.toISOString(), id: last.id };
    }
    complete = true;
  } finally {
    await auditRead(db, actor, {
      action: 'htcds.exported',
      recordType: 'case',
      changes: { ...what, records: count, batches, complete },
    });
  }
}

/** The JSON document, streamed: the envelope, then each record as it is made. */
export async function* jsonChunks(
  records: AsyncIterable<HtcdsRecord>,
  identifying: boolean,
): AsyncGenerator<string> {
  const head = JSON.stringify({ ...envelope(identifying), records: [] });
  yield head.slice(0, -2);
  let first = true;
  for await (const r of records) {
    yield (first ? '' : ',') + JSON.stringify(r);
    first = false;
  }
  yield ']}';
}

/** The CSV form: one row per person of a case (a case without people gives one row), multiple values joined by " | ". */
export const CSV_COLUMNS = [
  'pw_CaseRef',
  'pw_OwnerAgency',
  'pw_OpenedAt',
  'cas_Status',
  'pw_VictimStatus',
  'vic_TraffickingStatus',
  'vic_TraffickingStatusDecisionMakingOrg',
  'vic_TypeOfExploitation',
  'vic_TypeOfSexExploitation',
  'vic_MethodsOfControl',
  'vic_MethodOfRecruitment',
  'vic_RecruitmentWebsitesAndApps',
  'vic_ForcedLabourIndustry',
  'pw_Region',
  'pw_Country',
  'pw_PersonRef',
  'pw_Role',
  'prs_FirstName',
  'prs_MiddleName',
  'prs_SecondName',
  'prs_Gender',
  'prs_Birthdate',
  'pw_BirthYear',
  'prs_Citizenship',
  'prs_PrimaryLanguage',
  'prs_SecondaryLanguage',
  'pw_AgeDisputed',
  'pw_Unaccompanied',
] as const;

type CellValue = string | number | boolean | readonly string[] | null | undefined;
const cell = (v: CellValue): string => {
  if (v === undefined || v === null) return '';
  const s = Array.isArray(v) ? v.join(' | ') : String(v);
  // A spreadsheet must never read a cell as a formula.
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
};

export async function* csvChunks(records: AsyncIterable<HtcdsRecord>): AsyncGenerator<string> {
  yield '\ufeff' + stringify([[...CSV_COLUMNS]], { record_delimiter: '\r\n' });
  for await (const r of records) {
    const people: (HtcdsPerson | undefined)[] = r.persons?.length ? r.persons : [undefined];
    const rows = people.map((person) =>
      CSV_COLUMNS.map((c) =>
        cell(
          c in r ? (r as Record<string, CellValue>)[c] : (person as Record<string, CellValue> | undefined)?.[c],
        ),
      ),
    );
    yield stringify(rows, { record_delimiter: '\r\n' });
  }
}
