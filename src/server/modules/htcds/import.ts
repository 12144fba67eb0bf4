import crypto from 'node:crypto';
import type { z } from 'zod';
import { sealField } from '../../crypto/record-keys.ts';
import type { Db } from '../../db/database.ts';
import { appendAudit, auditRead, type AuditActor } from '../../audit/audit.ts';
import { scopesFor } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, forbidden, type FieldErrors } from '../../errors.ts';
import { parsePartialDate } from '../../../domain/press-dates.ts';
import { PERSON_SEXES } from '../../../shared/people.ts';
import {
  CAS_STATUS,
  HTE_TYPE,
  PRS_GENDER,
  PRS_GENDER_IMPORT_ONLY,
  VIC_FORCED_LABOUR_INDUSTRY,
  VIC_METHOD_OF_RECRUITMENT,
  VIC_METHODS_OF_CONTROL,
  VIC_TRAFFICKING_STATUS,
  VIC_TYPE_OF_EXPLOITATION,
  VIC_TYPE_OF_SEX_EXPLOITATION,
  VIC_WEBSITES_AND_APPS,
  fromHtcds,
} from '../../../shared/htcds.ts';
import { CLOSED_CASE_STATUSES } from '../../../shared/nrm.ts';
import type { CreatePersonBody } from '../../../shared/schemas/people.ts';
import { HtcdsDocument, type HtcdsImportResult, type HtcdsPerson, type HtcdsRecord } from '../../../shared/schemas/htcds.ts';
import { insertCase } from '../cases/repository.ts';
import { duplicateCandidates, insertPerson } from '../people/service.ts';

/** `records[3].vic_TypeOfExploitation[0]`: a path as a person reading a file names it. */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');

const invalid = (fields: FieldErrors) =>
  new AppError('validation_failed', 400, `Invalid HTCDS document: ${Object.keys(fields).slice(0, 5).join(', ')}${Object.keys(fields).length > 5 ? ', ...' : ''}`, fields);

/**
 * Checks the document's form and every code; every problem is named by its path. A de-identified
 * export (`identifying: false`) is refused whole: its references are pseudonyms, its names, dates of
 * birth and free text are gone and its dates cut to the month, so importing it would make new cases of
 * half-erased copies (and duplicates of the people they stand for).
 */
export function parseDocument(body: unknown): z.infer<typeof HtcdsDocument> {
  if (typeof body === 'object' && body !== null && (body as { identifying?: unknown }).identifying === false)
    throw invalid({ identifying: 'a de-identified export cannot be imported: import an identifying export (identifying: true)' });
  const parsed = HtcdsDocument.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) fields[fieldPath([...issue.path, k])] = 'unknown field';
    else fields[fieldPath(issue.path) || 'body'] ??= issue.message;
  }
  throw invalid(fields);
}

const codes = <C extends string>(map: Readonly<Record<C, string>>, values: readonly string[] | undefined): C[] =>
  [...new Set((values ?? []).map((v) => fromHtcds(map, v)!))];

const sexOf = (g: string | undefined): (typeof PERSON_SEXES)[number] => (g ? (fromHtcds(PRS_GENDER, g) ?? PRS_GENDER_IMPORT_ONLY[g] ?? 'unknown') : 'unknown');

const nameInput = (n: { prs_FirstName?: string | null | undefined; prs_MiddleName?: string | null | undefined; prs_SecondName?: string | null | undefined; pw_NameAsEntered?: string | null | undefined }) => ({
  givenName: n.prs_FirstName ?? null,
  patronymic: n.prs_MiddleName ?? null,
  familyName: n.prs_SecondName ?? null,
  asEntered: n.pw_NameAsEntered ?? null,
});

function personBody(x: HtcdsPerson): CreatePersonBody {
  const birthDate = x.prs_Birthdate ?? null;
  return {
    name: nameInput(x),
    aliases: (x.pw_Aliases ?? []).map(nameInput),
    sex: sexOf(x.prs_Gender),
    ...(birthDate ? { birthDate } : x.pw_BirthYear != null ? { birthYear: x.pw_BirthYear, birthYearEstimated: x.pw_BirthYearEstimated ?? false } : {}),
    citizenship: x.prs_Citizenship?.[0] ?? null,
    languages: [...new Set([x.prs_PrimaryLanguage, x.prs_SecondaryLanguage, ...(x.pw_OtherLanguages ?? [])].filter((l): l is string => Boolean(l)))],
  };
}

/** The rules a schema cannot say: closing needs a reason, dates are real and not in the future, consents name people of the record. */
function checkRecord(r: HtcdsRecord, at: string, today: string, fields: FieldErrors) {
  const status = r.cas_Status ? fromHtcds(CAS_STATUS, r.cas_Status) : 'active';
  if (status && CLOSED_CASE_STATUSES.includes(status) && !r.cas_ReasonForCaseClosure) fields[`${at}.cas_ReasonForCaseClosure`] = 'required when the case is closed';
  const refs = new Set<string>();
  (r.persons ?? []).forEach((x, j) => {
    const pp = `${at}.persons[${j}]`;
    if (refs.has(x.pw_PersonRef)) fields[`${pp}.pw_PersonRef`] = 'used twice in this record';
    refs.add(x.pw_PersonRef);
    if (!x.prs_FirstName && !x.prs_SecondName) fields[`${pp}.prs_FirstName`] = 'a first or a second name is required';
    (x.pw_Aliases ?? []).forEach((a, k) => {
      if (!a.prs_FirstName && !a.prs_SecondName) fields[`${pp}.pw_Aliases[${k}].prs_FirstName`] = 'a first or a second name is required';
    });
    if (x.prs_Birthdate) {
      if (x.prs_Birthdate < '1900-01-01' || x.prs_Birthdate > today) fields[`${pp}.prs_Birthdate`] = 'between 1900 and today';
      if (x.pw_BirthYear != null && x.pw_BirthYear !== Number(x.prs_Birthdate.slice(0, 4))) fields[`${pp}.pw_BirthYear`] = 'differs from prs_Birthdate';
      if (x.pw_BirthYearEstimated) fields[`${pp}.pw_BirthYearEstimated`] = 'only with a year alone';
    } else if (x.pw_BirthYear != null && x.pw_BirthYear > Number(today.slice(0, 4))) fields[`${pp}.pw_BirthYear`] = 'in the future';
    if ((x.pw_GuardianName ?? null) === null !== ((x.pw_GuardianAppointedOn ?? null) === null))
      fields[`${pp}.${x.pw_GuardianName ? 'pw_GuardianAppointedOn' : 'pw_GuardianName'}`] = 'a guardian is recorded with the date of appointment';
    if (x.pw_GuardianAppointedOn && x.pw_GuardianAppointedOn > today) fields[`${pp}.pw_GuardianAppointedOn`] = 'in the future';
  });
  (r.events ?? []).forEach((e, j) => {
    if (!e.hte_Date) return;
    const d = parsePartialDate(e.hte_Date);
    if (!d) fields[`${at}.events[${j}].hte_Date`] = 'not a real date';
    else if (d.on > today) fields[`${at}.events[${j}].hte_Date`] = 'in the future';
  });
  (r.consents ?? []).forEach((k, j) => {
    const kp = `${at}.consents[${j}]`;
    if (!refs.has(k.pw_PersonRef)) fields[`${kp}.pw_PersonRef`] = 'not a person of this record';
    if (k.pw_Kind === 'data_sharing') {
      if (!k.pw_AgencyId) fields[`${kp}.pw_AgencyId`] = 'required for data sharing';
      if (!k.pw_Purpose) fields[`${kp}.pw_Purpose`] = 'required for data sharing';
    } else {
      if (k.pw_AgencyId) fields[`${kp}.pw_AgencyId`] = 'only for data sharing';
      if (k.pw_Purpose) fields[`${kp}.pw_Purpose`] = 'only for data sharing';
    }
    if (k.pw_Service && k.pw_Kind !== 'assistance') fields[`${kp}.pw_Service`] = 'only for assistance';
    if (k.pw_GivenOn > today) fields[`${kp}.pw_GivenOn`] = 'in the future';
    if (k.con_Consent && k.pw_WithdrawnOn) fields[`${kp}.con_Consent`] = 'a withdrawn consent is not in force (false)';
    if (!k.con_Consent && !k.pw_WithdrawnOn) fields[`${kp}.pw_WithdrawnOn`] = 'required when con_Consent is false';
    if (k.pw_WithdrawnOn && (k.pw_WithdrawnOn < k.pw_GivenOn || k.pw_WithdrawnOn > today)) fields[`${kp}.pw_WithdrawnOn`] = 'between the consent and today';
  });
}

/** What an import does not carry over, said in a warning rather than silently dropped. */
function notImported(r: HtcdsRecord, at: string) {
  const w: HtcdsImportResult['records'][number]['warnings'] = [];
  if (r.supportPlans?.length) w.push({ path: `${at}.supportPlans`, code: 'not_imported', message: 'Support plans are not imported; record the assistance plan in Pathway' });
  if (r.cas_ReferringOrganisation || r.cas_ReferredOrganisation) w.push({ path: `${at}.cas_ReferredOrganisation`, code: 'not_imported', message: 'Referrals are not imported; refer the case in Pathway' });
  if (r.vic_TraffickingStatusDecisionMakingOrg) w.push({ path: `${at}.vic_TraffickingStatusDecisionMakingOrg`, code: 'not_imported', message: 'Identification decisions are not imported' });
  return w;
}

/**
 * `POST /imports/htcds`: HTCDS records become cases of the user's agency, with their people (names in
 * any script, through the people module), trafficking events, consents and comments. Every field and
 * code is checked first and every problem named by its path; nothing is written unless everything is
 * valid, and then all of it in one transaction. Likely duplicates of people the user may see are
 * warned about (new records are still made: merging is a person's decision). `dryRun` checks and
 * reports without writing.
 */
export async function importDocument(db: Db, p: Principal, actor: AuditActor, body: unknown, dryRun: boolean): Promise<HtcdsImportResult> {
  const caseScopes = scopesFor(p, 'case', 'create');
  if (!caseScopes.has('all') && !caseScopes.has('agency') && !caseScopes.has('own')) throw forbidden('You may not open cases');
  if (scopesFor(p, 'person', 'create').size === 0) throw forbidden('You may not record people');
  const doc = parseDocument(body);
  const today = new Date().toISOString().slice(0, 10);
  const fields: FieldErrors = {};
  doc.records.forEach((r, i) => checkRecord(r, `records[${i}]`, today, fields));
  const agencyIds = [...new Set(doc.records.flatMap((r) => (r.consents ?? []).map((k) => k.pw_AgencyId).filter((a): a is string => Boolean(a))))];
  const known = new Set(agencyIds.length ? (await db.selectFrom('agencies').select('id').where('id', 'in', agencyIds).execute()).map((a) => a.id) : []);
  doc.records.forEach((r, i) =>
    (r.consents ?? []).forEach((k, j) => {
      if (k.pw_AgencyId && !known.has(k.pw_AgencyId)) fields[`records[${i}].consents[${j}].pw_AgencyId`] = 'no such agency';
    }),
  );
  if (Object.keys(fields).length > 0) throw invalid(fields);

  const results: HtcdsImportResult['records'] = [];
  for (const [i, r] of doc.records.entries()) {
    const warnings = notImported(r, `records[${i}]`);
    for (const [j, x] of (r.persons ?? []).entries()) {
      const b = personBody(x);
      const dupes = await duplicateCandidates(db, p, { name: b.name, sex: b.sex, birthDate: b.birthDate ?? null, birthYear: b.birthYear ?? null, birthYearEstimated: b.birthYearEstimated ?? false, citizenship: b.citizenship ?? null });
      if (dupes.length > 0)
        warnings.push({
          path: `records[${i}].persons[${j}]`,
          code: dupes.some((d) => d.likely) ? 'likely_duplicate' : 'possible_duplicate',
          message: `${dupes.length} person(s) already recorded may be the same person; a new record is made, merge them in Pathway if they are`,
          personIds: dupes.map((d) => d.person.id),
        });
    }
    results.push({ index: i, persons: r.persons?.length ?? 0, events: r.events?.length ?? 0, consents: r.consents?.length ?? 0, comments: r.cco_CaseComment?.length ?? 0, warnings });
  }
  const summary = { records: doc.records.length, persons: results.reduce((n, r) => n + r.persons, 0), warnings: results.reduce((n, r) => n + r.warnings.length, 0), source: doc.source ?? null };
  if (dryRun) {
    await auditRead(db, actor, { action: 'htcds.import_checked', recordType: 'case', changes: { ...summary, dryRun: true } });
    return { dryRun: true, records: results };
  }

  return db.transaction().execute(async (tx) => {
    // Rows written together would share one timestamp and come back in random order: a millisecond
    // apart each, they keep the order of the document.
    let tick = Date.now();
    const next = () => new Date(tick++);
    for (const [i, r] of doc.records.entries()) {
      const victimStatus = r.pw_VictimStatus ?? (r.vic_TraffickingStatus ? fromHtcds(VIC_TRAFFICKING_STATUS, r.vic_TraffickingStatus)! : 'potential');
      const status = r.cas_Status ? fromHtcds(CAS_STATUS, r.cas_Status)! : 'active';
      const created = await insertCase(tx, {
        ownerAgencyId: p.agencyId,
        ownerUserId: p.userId,
        createdBy: p.userId,
        region: r.pw_Region ?? null,
        country: r.pw_Country ?? null,
        exploitationForms: codes(VIC_TYPE_OF_EXPLOITATION, r.vic_TypeOfExploitation),
        sexExploitationTypes: codes(VIC_TYPE_OF_SEX_EXPLOITATION, r.vic_TypeOfSexExploitation),
        controlMethods: codes(VIC_METHODS_OF_CONTROL, r.vic_MethodsOfControl),
        recruitmentMethods: codes(VIC_METHOD_OF_RECRUITMENT, r.vic_MethodOfRecruitment),
        recruitmentApps: codes(VIC_WEBSITES_AND_APPS, r.vic_RecruitmentWebsitesAndApps),
        industry: r.vic_ForcedLabourIndustry ? fromHtcds(VIC_FORCED_LABOUR_INDUSTRY, r.vic_ForcedLabourIndustry)! : null,
        narrative: r.pw_Narrative ?? null,
        sourceContactId: null,
      });
      const closing = CLOSED_CASE_STATUSES.includes(status);
      await tx
        .updateTable('cases')
        .set({ status, victimStatus, closureReasonEnc: sealField('cases', 'closure_reason', created.id, r.cas_ReasonForCaseClosure ?? null), closedAt: closing ? new Date() : null })
        .where('id', '=', created.id)
        .execute();
      const personIds = new Map<string, string>();
      for (const x of r.persons ?? []) {
        const person = await insertPerson(tx, p, actor, personBody(x));
        personIds.set(x.pw_PersonRef, person.id);
        const casePersonId = crypto.randomUUID();
        await tx
          .insertInto('casePeople')
          .values({
            id: casePersonId,
            caseId: created.id,
            personId: person.id,
            role: x.pw_Role,
            ageDisputed: x.pw_AgeDisputed ?? false,
            unaccompanied: x.pw_Unaccompanied ?? false,
            guardianNameEnc: sealField('case_people', 'guardian_name', casePersonId, x.pw_GuardianName ?? null),
            guardianAppointedOn: x.pw_GuardianAppointedOn ?? null,
            addedBy: p.userId,
            addedAt: next(),
          })
          .execute();
      }
      for (const e of r.events ?? []) {
        const d = e.hte_Date ? parsePartialDate(e.hte_Date)! : null;
        const eventId = crypto.randomUUID();
        await tx
          .insertInto('caseEvents')
          .values({
            id: eventId,
            caseId: created.id,
            type: fromHtcds(HTE_TYPE, e.hte_Type)!,
            occurredOn: d?.on ?? null,
            occurredPrecision: d?.precision ?? null,
            country: e.hte_Country ?? null,
            region: e.hte_State ?? null,
            cityEnc: sealField('case_events', 'city', eventId, e.hte_City ?? null),
            placeEnc: sealField('case_events', 'place', eventId, e.hte_Street ?? null),
            descriptionEnc: sealField('case_events', 'description', eventId, e.hte_Description ?? null),
            createdBy: p.userId,
            createdAt: next(),
          })
          .execute();
      }
      for (const k of r.consents ?? []) {
        await tx
          .insertInto('caseConsents')
          .values({
            caseId: created.id,
            personId: personIds.get(k.pw_PersonRef)!,
            kind: k.pw_Kind,
            service: k.pw_Service ?? null,
            agencyId: k.pw_AgencyId ?? null,
            purpose: k.pw_Purpose ?? null,
            givenOn: k.pw_GivenOn,
            form: k.pw_Form,
            givenBy: k.pw_GivenBy ?? 'person',
            note: null,
            recordedBy: p.userId,
            recordedAt: next(),
            ...(k.pw_WithdrawnOn ? { withdrawnOn: k.pw_WithdrawnOn, withdrawnRecordedBy: p.userId, withdrawnAt: new Date() } : {}),
          })
          .execute();
      }
      for (const body of r.cco_CaseComment ?? []) {
        const noteId = crypto.randomUUID();
        await tx.insertInto('caseNotes').values({ id: noteId, caseId: created.id, bodyEnc: sealField('case_notes', 'body', noteId, body), createdBy: p.userId, createdAt: next() }).execute();
      }
      await appendAudit(tx, actor, {
        action: 'case.created',
        recordType: 'case',
        recordId: created.id,
        changes: {
          caseNumber: created.caseNumber, ownerAgencyId: p.agencyId, ownerUserId: p.userId, importedFrom: 'htcds', status, victimStatus,
          persons: personIds.size, events: r.events?.length ?? 0, consents: r.consents?.length ?? 0, comments: r.cco_CaseComment?.length ?? 0,
        },
      });
      results[i] = { ...results[i]!, caseId: created.id, caseNumber: created.caseNumber };
    }
    await appendAudit(tx, actor, { action: 'htcds.imported', recordType: 'case', changes: { ...summary, cases: results.map((r) => r.caseId) } });
    return { dryRun: false, records: results };
  });
}
