import { z } from 'zod';
import { CASE_PERSON_ROLES, CONSENT_FORMS, CONSENT_GIVERS, CONSENT_KINDS, REFERRAL_PURPOSES, SERVICE_TYPES, VICTIM_STATUSES, ASSISTANCE_SERVICES, ASSISTANCE_SERVICE_STATUSES } from '../nrm.ts';
import {
  CAS_REFERRAL_REASON,
  CAS_STATUS,
  HTCDS_STANDARD,
  HTCDS_VERSION,
  HTE_TYPE,
  PRS_GENDER,
  PRS_GENDER_IMPORT_ONLY,
  SPL_TYPE,
  VIC_DECISION_ORG,
  VIC_FORCED_LABOUR_INDUSTRY,
  VIC_METHOD_OF_RECRUITMENT,
  VIC_METHODS_OF_CONTROL,
  VIC_TRAFFICKING_STATUS,
  VIC_TYPE_OF_EXPLOITATION,
  VIC_TYPE_OF_SEX_EXPLOITATION,
  VIC_WEBSITES_AND_APPS,
  htcdsValues,
} from '../htcds.ts';
import { PartialDateText } from './cases.ts';

/**
 * One HTCDS v2 document: an envelope and its records, one per case. Field names are HTCDS's
 * (`cas_`, `vic_`, `prs_`, `hte_`, `spl_`, `con_`, `cco_`); values of pick-lists are HTCDS's values.
 * What Pathway records and HTCDS has no field for travels in `pw_` fields (see docs/nrm.md), so that an
 * export imported again gives the same case.
 */
const Text = (max: number) => z.string().trim().max(max);
const OneOf = (map: Readonly<Record<string, string>>) => z.enum(htcdsValues(map));
const ListOf = (map: Readonly<Record<string, string>>) => z.array(OneOf(map)).max(30);
const IsoDate = z.iso.date();
const Alpha2 = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code');
const Alpha3 = z.string().regex(/^[A-Z]{3}$/, 'ISO 3166-1 alpha-3 code such as AZE, or XXX');
const Language = z.string().regex(/^[a-z]{2,3}$/, 'an ISO 639 language code such as aze, rus, az');
const NamePart = Text(200).nullable().optional();

export const HtcdsName = z.strictObject({
  prs_FirstName: NamePart,
  prs_MiddleName: NamePart,
  prs_SecondName: NamePart,
  /** The name exactly as written or said, in its own script. */
  pw_NameAsEntered: Text(600).nullable().optional(),
});

export const HtcdsPerson = z.strictObject({
  /** The person within the document (consents name it); an id or a pseudonym on export. */
  pw_PersonRef: Text(100).min(1),
  /** victim, family_member, contactor, witness, suspected_perpetrator, other. */
  pw_Role: z.enum(CASE_PERSON_ROLES),
  ...HtcdsName.shape,
  pw_Aliases: z.array(HtcdsName).max(20).optional(),
  prs_Birthdate: IsoDate.nullable().optional(),
  pw_BirthYear: z.number().int().min(1900).max(2100).nullable().optional(),
  pw_BirthYearEstimated: z.boolean().optional(),
  prs_Gender: z.enum([...htcdsValues(PRS_GENDER), ...Object.keys(PRS_GENDER_IMPORT_ONLY)] as [string, ...string[]]).optional(),
  /** HTCDS allows several; Pathway records one. */
  prs_Citizenship: z.array(Alpha3).max(1).optional(),
  prs_PrimaryLanguage: Language.nullable().optional(),
  prs_SecondaryLanguage: Language.nullable().optional(),
  pw_OtherLanguages: z.array(Language).max(18).optional(),
  pw_AgeDisputed: z.boolean().optional(),
  pw_Unaccompanied: z.boolean().optional(),
  pw_GuardianName: Text(300).min(1).nullable().optional(),
  pw_GuardianAppointedOn: IsoDate.nullable().optional(),
});
export type HtcdsPerson = z.infer<typeof HtcdsPerson>;

export const HtcdsEvent = z.strictObject({
  hte_Type: OneOf(HTE_TYPE),
  /** As far as it is known: YYYY, YYYY-MM or YYYY-MM-DD. */
  hte_Date: PartialDateText.nullable().optional(),
  hte_Country: Alpha2.nullable().optional(),
  hte_State: Text(100).nullable().optional(),
  hte_City: Text(100).nullable().optional(),
  hte_Street: Text(500).nullable().optional(),
  hte_Description: Text(10_000).nullable().optional(),
});
export type HtcdsEvent = z.infer<typeof HtcdsEvent>;

export const HtcdsConsent = z.strictObject({
  /** In force: given and not withdrawn. */
  con_Consent: z.boolean(),
  pw_PersonRef: Text(100).min(1),
  pw_Kind: z.enum(CONSENT_KINDS),
  pw_Service: z.enum(SERVICE_TYPES).nullable().optional(),
  /** Data sharing: the agency (of this Pathway) and the purpose. */
  pw_AgencyId: z.uuid().nullable().optional(),
  pw_AgencyName: z.string().nullable().optional(),
  pw_Purpose: z.enum(REFERRAL_PURPOSES).nullable().optional(),
  pw_GivenOn: IsoDate,
  pw_Form: z.enum(CONSENT_FORMS),
  pw_GivenBy: z.enum(CONSENT_GIVERS).optional(),
  pw_WithdrawnOn: IsoDate.nullable().optional(),
});
export type HtcdsConsent = z.infer<typeof HtcdsConsent>;

export const HtcdsSupportPlan = z.strictObject({
  spl_Type: OneOf(SPL_TYPE),
  pw_Service: z.enum(ASSISTANCE_SERVICES),
  pw_Status: z.enum(ASSISTANCE_SERVICE_STATUSES),
  spl_Objectives: z.string().nullable().optional(),
  spl_ActionPlan: z.string().nullable().optional(),
  pw_PlannedOn: IsoDate.nullable().optional(),
  pw_StartedOn: IsoDate.nullable().optional(),
  spl_ActualEndDate: IsoDate.nullable().optional(),
});

const ReferralReason = z.enum([...new Set(Object.values(CAS_REFERRAL_REASON))] as [string, ...string[]]);

export const HtcdsRecord = z.strictObject({
  /** The case number, or a stable pseudonym in a de-identified export. Not imported: a new case gets a new number. */
  pw_CaseRef: Text(100).optional(),
  pw_OwnerAgency: z.string().optional(),
  pw_OpenedAt: z.string().optional(),
  cas_Status: OneOf(CAS_STATUS).optional(),
  cas_ReasonForCaseClosure: Text(5000).min(1).nullable().optional(),
  /** Pathway's exact step (potential, presumed, identified, not_identified); wins over vic_TraffickingStatus. */
  pw_VictimStatus: z.enum(VICTIM_STATUSES).optional(),
  vic_TraffickingStatus: OneOf(VIC_TRAFFICKING_STATUS).optional(),
  vic_TraffickingStatusDecisionMakingOrg: OneOf(VIC_DECISION_ORG).nullable().optional(),
  vic_TypeOfExploitation: ListOf(VIC_TYPE_OF_EXPLOITATION).optional(),
  vic_TypeOfSexExploitation: ListOf(VIC_TYPE_OF_SEX_EXPLOITATION).optional(),
  vic_MethodsOfControl: ListOf(VIC_METHODS_OF_CONTROL).optional(),
  vic_MethodOfRecruitment: ListOf(VIC_METHOD_OF_RECRUITMENT).optional(),
  vic_RecruitmentWebsitesAndApps: ListOf(VIC_WEBSITES_AND_APPS).optional(),
  vic_ForcedLabourIndustry: OneOf(VIC_FORCED_LABOUR_INDUSTRY).nullable().optional(),
  pw_Region: Text(100).min(1).nullable().optional(),
  pw_Country: Alpha2.nullable().optional(),
  pw_Narrative: Text(20_000).nullable().optional(),
  cas_ReferringOrganisation: z.string().nullable().optional(),
  cas_IncomingReferralDate: IsoDate.nullable().optional(),
  cas_ReasonForIncomingReferral: ReferralReason.nullable().optional(),
  cas_ReferredOrganisation: z.string().nullable().optional(),
  cas_OutgoingReferralDate: IsoDate.nullable().optional(),
  cas_ReasonForOutgoingReferral: ReferralReason.nullable().optional(),
  persons: z.array(HtcdsPerson).max(50).optional(),
  events: z.array(HtcdsEvent).max(200).optional(),
  consents: z.array(HtcdsConsent).max(200).optional(),
  supportPlans: z.array(HtcdsSupportPlan).max(100).optional(),
  cco_CaseComment: z.array(Text(20_000).min(1)).max(500).optional(),
});
export type HtcdsRecord = z.infer<typeof HtcdsRecord>;

/** At most this many records per import request (split larger files). */
export const HTCDS_IMPORT_MAX_RECORDS = 1000;

export const HtcdsDocument = z.strictObject({
  standard: z.literal(HTCDS_STANDARD),
  version: z.literal(HTCDS_VERSION),
  exportedAt: z.string().optional(),
  /**
   * False: names, dates of birth, the guardian's appointment, free text and exact places are left out,
   * other dates cut to the month and references are pseudonyms. Such a document is not imported.
   */
  identifying: z.boolean().optional(),
  source: z.string().max(300).optional(),
  records: z.array(HtcdsRecord).min(1).max(HTCDS_IMPORT_MAX_RECORDS),
});
export type HtcdsDocument = z.infer<typeof HtcdsDocument>;

/** A day, or in a de-identified export its month alone. */
const ExportDay = z.union([IsoDate, z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)]).describe('YYYY-MM-DD; YYYY-MM in a de-identified export');

/**
 * A record as exported: the import's form, except that a de-identified export cuts dates to the month
 * (`YYYY-MM`) and leaves out `prs_Birthdate` and `pw_GuardianAppointedOn`, and that an export holds
 * every person, event, consent, plan and comment of the case, however many.
 */
export const HtcdsExportRecord = HtcdsRecord.extend({
  pw_OpenedAt: z.string().optional().describe('The opening time (ISO 8601); its month (YYYY-MM) in a de-identified export'),
  cas_IncomingReferralDate: ExportDay.nullable().optional(),
  cas_OutgoingReferralDate: ExportDay.nullable().optional(),
  persons: z.array(HtcdsPerson).optional(),
  events: z.array(HtcdsEvent).optional(),
  consents: z.array(HtcdsConsent.extend({ pw_GivenOn: ExportDay, pw_WithdrawnOn: ExportDay.nullable().optional() })).optional(),
  supportPlans: z
    .array(HtcdsSupportPlan.extend({ pw_PlannedOn: ExportDay.nullable().optional(), pw_StartedOn: ExportDay.nullable().optional(), spl_ActualEndDate: ExportDay.nullable().optional() }))
    .optional(),
  cco_CaseComment: z.array(z.string()).optional(),
});

/** The export document: the same envelope, any number of records. */
export const HtcdsExportDocument = HtcdsDocument.extend({ records: z.array(HtcdsExportRecord) });

export const HtcdsExportQuery = z.strictObject({
  /** Cases opened (the case's opening time, not its entry in Pathway) at or after this instant. */
  openedFrom: z.iso.datetime({ offset: true }).optional(),
  /** Cases opened before this instant. */
  openedTo: z.iso.datetime({ offset: true }).optional(),
  format: z.enum(['json', 'csv']).default('json'),
  /** true: names, dates of birth, free text and case numbers (permission `htcds:export_identifying`). */
  identifying: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
});

export const HtcdsImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
});

export const HtcdsImportWarning = z.object({ path: z.string(), code: z.string(), message: z.string(), personIds: z.array(z.uuid()).optional() });

export const HtcdsImportResult = z.object({
  dryRun: z.boolean(),
  records: z.array(
    z.object({
      index: z.number().int(),
      persons: z.number().int(),
      events: z.number().int(),
      consents: z.number().int(),
      comments: z.number().int(),
      /** Set when written. */
      caseId: z.uuid().optional(),
      caseNumber: z.string().optional(),
      warnings: z.array(HtcdsImportWarning),
    }),
  ),
});
export type HtcdsImportResult = z.infer<typeof HtcdsImportResult>;
