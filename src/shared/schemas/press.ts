import { z } from 'zod';
import { parsePartialDate } from '../../domain/press-dates.ts';
import { CURSOR_MAX } from './common.ts';
import {
  ACT_METHODS,
  ACT_OUTCOMES,
  ACT_TYPES,
  ALERT_CATEGORIES,
  ATTRIBUTIONS,
  DATE_PRECISIONS,
  EMPLOYMENTS,
  IMPUNITY_STATUSES,
  INCIDENT_CONTEXTS,
  INVOLVEMENT_DEGREES,
  LINK_KINDS,
  MECHANISMS,
  MILESTONE_KINDS,
  OUTLET_MEDIA,
  PERPETRATOR_CATEGORIES,
  RELIABILITIES,
  SOURCE_KINDS,
  UNESCO_STATUSES,
  WORK_RELATIONS,
} from '../press.ts';

const text = (max: number) => z.string().trim().min(1, 'required').max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
/** "2006", "2006-03" or "2006-03-05": as far as the date is known. */
export const PartialDateText = z.string().refine((v) => parsePartialDate(v) !== null, 'a date as YYYY, YYYY-MM or YYYY-MM-DD');
export const IsoDate = z.iso.date('a date as YYYY-MM-DD');
const Url = z.url({ protocol: /^https?$/, error: 'an http(s) address' }).max(2000);

export const PartialDateView = z.object({ on: z.string(), precision: z.enum(DATE_PRECISIONS), display: z.string() });

// ---------- inputs (staff) ----------

export const ActInput = z
  .strictObject({
    personId: z.uuid().nullable().optional(),
    outletId: z.uuid().nullable().optional(),
    actType: z.enum(ACT_TYPES),
    method: z.enum(ACT_METHODS).nullable().optional(),
    outcome: z.enum(ACT_OUTCOMES).nullable().optional(),
  })
  .refine((a) => Boolean(a.personId) || Boolean(a.outletId), { message: 'an act harms a person or an outlet: give personId or outletId', path: ['personId'] });

export const SourceInput = z.strictObject({
  kind: z.enum(SOURCE_KINDS),
  title: text(500),
  publisher: optionalText(200),
  url: Url.nullable().optional(),
  publishedOn: IsoDate.nullable().optional(),
  reliability: z.enum(RELIABILITIES),
  claim: optionalText(2000),
  confidential: z.boolean().optional(),
});

/** The types a source's file may have; the bytes are checked against the declared type. */
export const SOURCE_FILE_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp'] as const;
export const SOURCE_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** `?name=` of an upload: a plain file name, never a path. */
export const SourceFileQuery = z.strictObject({
  name: z
    .string()
    .min(1, 'required')
    .max(200)
    .refine((v) => ![...v].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'a file name without path separators, NUL or control characters')
    .refine((v) => v.trim() !== '' && v !== '.' && v !== '..', 'a file name'),
});

/** A source's attached file, without its content. */
export const SourceFileView = z.object({
  id: z.string(),
  sourceId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.string(),
});
export type SourceFileView = z.infer<typeof SourceFileView>;

const involvementFields = {
  label: optionalText(200),
  category: z.enum(PERPETRATOR_CATEGORIES),
  degree: z.enum(INVOLVEMENT_DEGREES),
  attribution: z.enum(ATTRIBUTIONS),
  internalNote: optionalText(4000),
  sourceId: z.uuid().nullable().optional(),
};
export const InvolvementInput = z.strictObject(involvementFields);
export const UpdateInvolvementBody = z.strictObject({
  label: involvementFields.label,
  category: involvementFields.category.optional(),
  degree: involvementFields.degree.optional(),
  attribution: involvementFields.attribution.optional(),
  internalNote: involvementFields.internalNote,
  sourceId: involvementFields.sourceId,
});

export const MilestoneInput = z.strictObject({
  kind: z.enum(MILESTONE_KINDS),
  occurred: PartialDateText,
  note: optionalText(2000),
  internalNote: optionalText(4000),
  sourceId: z.uuid().nullable().optional(),
});

export const LegalCaseInput = z.strictObject({
  jurisdiction: z.string().trim().min(2).max(60).optional(),
  authority: text(300),
  qualification: optionalText(300),
  caseNumber: optionalText(100),
});

export const StateRequestInput = z.strictObject({
  mechanism: z.enum(MECHANISMS),
  requestedOn: IsoDate,
  answeredOn: IsoDate.nullable().optional(),
  reply: optionalText(4000),
});
export const UpdateStateRequestBody = z.strictObject({ answeredOn: IsoDate.nullable().optional(), reply: optionalText(4000) });

export const LinkInput = z.strictObject({ relatedId: z.uuid(), kind: z.enum(LINK_KINDS), note: optionalText(1000) });

const incidentFields = {
  externalRef: z.string().trim().min(1).max(100).nullable().optional(),
  title: text(300),
  occurred: PartialDateText,
  disputed: PartialDateText.nullable().optional(),
  dateNote: optionalText(1000),
  country: z.string().trim().length(2, 'an ISO 3166 country code').toUpperCase().optional(),
  city: optionalText(200),
  placeExact: optionalText(500),
  context: z.enum(INCIDENT_CONTEXTS).nullable().optional(),
  alertCategory: z.enum(ALERT_CATEGORIES).nullable().optional(),
  narrative: z.string().trim().max(20_000).optional(),
  internalNotes: optionalText(20_000),
  priorThreats: z.boolean().nullable().optional(),
  surveillance: z.boolean().nullable().optional(),
  workRelation: z.enum(WORK_RELATIONS).optional(),
};
export const UpdateIncidentBody = z.strictObject({ ...incidentFields, title: incidentFields.title.optional(), occurred: incidentFields.occurred.optional() });
export type IncidentFieldsInput = z.infer<typeof UpdateIncidentBody>;

/** `sourceIndex` points into this body's `sources`, for records created together. */
export const CreateIncidentBody = z.strictObject({
  ...incidentFields,
  sources: z.array(SourceInput).max(100).optional(),
  acts: z.array(ActInput).max(100).optional(),
  involvements: z.array(InvolvementInput.extend({ sourceIndex: z.int().min(0).optional() })).max(100).optional(),
  legalCases: z
    .array(LegalCaseInput.extend({ milestones: z.array(MilestoneInput.extend({ sourceIndex: z.int().min(0).optional() })).max(200).optional() }))
    .max(20)
    .optional(),
  stateRequests: z.array(StateRequestInput).max(50).optional(),
});
export type CreateIncidentInput = z.infer<typeof CreateIncidentBody>;

export const OverrideBody = z.strictObject({
  impunityStatus: z.enum(IMPUNITY_STATUSES).nullable(),
  unescoStatus: z.enum(UNESCO_STATUSES).nullable(),
  reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000),
});

const affiliationFields = {
  outletId: z.uuid(),
  role: optionalText(100),
  employment: z.enum(EMPLOYMENTS).nullable().optional(),
  period: optionalText(100),
  from: PartialDateText.nullable().optional(),
  until: PartialDateText.nullable().optional(),
};

export const CreatePersonBody = z.strictObject({
  name: text(200),
  aliases: z.array(text(200)).max(50).optional(),
  contactDetails: optionalText(2000),
  beats: z.array(text(100)).max(20).optional(),
  local: z.boolean().optional(),
  affiliations: z.array(z.strictObject(affiliationFields)).max(20).optional(),
});
export const CreateOutletBody = z.strictObject({ name: text(200), aliases: z.array(text(200)).max(50).optional(), medium: z.enum(OUTLET_MEDIA).nullable().optional() });

/** A change to a journalist: only the fields given change; `aliases` and `beats` replace the lists. */
export const UpdatePersonBody = z.strictObject({
  name: text(200).optional(),
  aliases: z.array(text(200)).max(50).optional(),
  contactDetails: optionalText(2000),
  beats: z.array(text(100)).max(20).optional(),
  local: z.boolean().optional(),
});
export const UpdateOutletBody = z.strictObject({ name: text(200).optional(), aliases: z.array(text(200)).max(50).optional(), medium: z.enum(OUTLET_MEDIA).nullable().optional() });

/** A journalist's link with an outlet; `from` and `until` may be partial dates, `until` not before `from`. */
export const AffiliationInput = z.strictObject(affiliationFields);
export const UpdateAffiliationBody = z.strictObject({
  role: affiliationFields.role,
  employment: affiliationFields.employment,
  period: affiliationFields.period,
  from: affiliationFields.from,
  until: affiliationFields.until,
});
export type AffiliationFields = z.infer<typeof UpdateAffiliationBody>;
export const NameSearchQuery = z.strictObject({ q: z.string().trim().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

/**
 * The staff incident list's orders: `created` (first entered first, the default), `-created`,
 * `occurred`/`-occurred` (the incident's date) and `title`/`-title`.
 */
export const INCIDENT_SORTS = ['created', '-created', 'occurred', '-occurred', 'title', '-title'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

export const StaffIncidentQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  /** The order (`created` by default); a cursor is good only for the order it was made for. */
  sort: z.enum(INCIDENT_SORTS).default('created'),
  year: z.coerce.number().int().min(1900).max(2100).optional(),
  published: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(CURSOR_MAX).optional(),
});

export const ImpunityIndexBody = z.strictObject({
  endYear: z.int().min(1990).max(2100),
  windowYears: z.int().min(1).max(50).default(10),
  minCases: z.int().min(1).max(100).default(5),
  population: z.int().min(1).max(10_000_000_000),
  populationSource: text(300),
  populationYear: z.int().min(1900).max(2100),
  publish: z.boolean().default(false),
});

export const ImportQuery = z.strictObject({
  skipBadRows: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
  dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
});

// ---------- views (staff) ----------

export const PersonView = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  contactDetails: z.string().nullable().optional(),
  beats: z.array(z.string()),
  local: z.boolean(),
  isSynthetic: z.boolean(),
  affiliations: z.array(
    z.object({
      id: z.string(),
      outletId: z.string(),
      outletName: z.string(),
      role: z.string().nullable(),
      employment: z.string().nullable(),
      period: z.string().nullable(),
      from: PartialDateView.nullable(),
      until: PartialDateView.nullable(),
    }),
  ),
});
export const OutletView = z.object({ id: z.string(), name: z.string(), aliases: z.array(z.string()), medium: z.string().nullable(), isSynthetic: z.boolean() });

export const DerivedView = z.object({
  impunityStatus: z.enum(IMPUNITY_STATUSES),
  perpetratorConvicted: z.boolean(),
  mastermindConvicted: z.boolean().nullable(),
  unescoStatus: z.enum(UNESCO_STATUSES),
  lastInvestigativeActOn: z.string().nullable(),
  daysSinceLastInvestigativeAct: z.number().nullable(),
  overridden: z.boolean(),
  /** Public pages: the attack is too recent for an impunity label (country profile `impunityMinDays`); the status is not shown as a verdict. */
  impunityTooEarly: z.boolean().optional(),
  /** Public pages: the first day an impunity label is shown for this attack. */
  impunityLabelledFrom: z.string().optional(),
});

export const IncidentView = z.object({
  id: z.string(),
  externalRef: z.string().nullable(),
  title: z.string(),
  occurred: PartialDateView,
  disputed: PartialDateView.nullable(),
  dateNote: z.string().nullable(),
  country: z.string(),
  city: z.string().nullable(),
  placeExact: z.string().nullable().optional(),
  context: z.string().nullable(),
  alertCategory: z.string().nullable(),
  narrative: z.string(),
  internalNotes: z.string().nullable(),
  priorThreats: z.boolean().nullable(),
  surveillance: z.boolean().nullable(),
  workRelation: z.string(),
  derived: DerivedView,
  computed: z.object({ impunityStatus: z.enum(IMPUNITY_STATUSES), unescoStatus: z.enum(UNESCO_STATUSES) }),
  override: z.object({ impunityStatus: z.string().nullable(), unescoStatus: z.string().nullable(), reason: z.string() }).nullable(),
  publishedAt: z.string().nullable(),
  changedSincePublish: z.boolean(),
  isSynthetic: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acts: z.array(
    z.object({ id: z.string(), actType: z.string(), method: z.string().nullable(), outcome: z.string().nullable(), person: PersonView.nullable(), outlet: OutletView.nullable() }),
  ),
  involvements: z.array(
    z.object({ id: z.string(), label: z.string().nullable(), category: z.string(), degree: z.string(), attribution: z.string(), internalNote: z.string().nullable(), sourceId: z.string().nullable() }),
  ),
  sources: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      title: z.string(),
      publisher: z.string().nullable(),
      url: z.string().nullable(),
      publishedOn: z.string().nullable(),
      reliability: z.string(),
      claim: z.string().nullable(),
      confidential: z.boolean(),
      file: SourceFileView.nullable(),
    }),
  ),
  legalCases: z.array(
    z.object({
      id: z.string(),
      jurisdiction: z.string(),
      authority: z.string(),
      qualification: z.string().nullable(),
      caseNumber: z.string().nullable(),
      milestones: z.array(
        z.object({ id: z.string(), kind: z.string(), occurred: PartialDateView, note: z.string().nullable(), internalNote: z.string().nullable(), sourceId: z.string().nullable(), investigative: z.boolean() }),
      ),
    }),
  ),
  stateRequests: z.array(z.object({ id: z.string(), mechanism: z.string(), requestedOn: z.string(), answeredOn: z.string().nullable(), reply: z.string().nullable() })),
  links: z.array(z.object({ relatedId: z.string(), relatedTitle: z.string(), kind: z.string(), note: z.string().nullable() })),
});
export type IncidentView = z.infer<typeof IncidentView>;

export const IncidentListItem = z.object({
  id: z.string(),
  externalRef: z.string().nullable(),
  title: z.string(),
  occurred: PartialDateView,
  city: z.string().nullable(),
  impunityStatus: z.enum(IMPUNITY_STATUSES),
  unescoStatus: z.enum(UNESCO_STATUSES),
  publishedAt: z.string().nullable(),
  changedSincePublish: z.boolean(),
  isSynthetic: z.boolean(),
  createdAt: z.string(),
});

export const ImpunityIndexView = z.object({
  id: z.string(),
  endYear: z.number(),
  fromYear: z.number(),
  windowYears: z.number(),
  minCases: z.number(),
  population: z.number(),
  populationSource: z.string(),
  populationYear: z.number(),
  killings: z.number(),
  unsolved: z.number(),
  value: z.number().nullable(),
  published: z.boolean(),
  createdAt: z.string(),
});

export const ImportRowResult = z.object({
  row: z.number(),
  externalRef: z.string().nullable(),
  result: z.enum(['created', 'updated', 'refused']),
  incidentId: z.string().nullable(),
  errors: z.record(z.string(), z.string()).optional(),
});
export const ImportReport = z.object({
  applied: z.boolean(),
  dryRun: z.boolean(),
  created: z.number(),
  updated: z.number(),
  refused: z.number(),
  rows: z.array(ImportRowResult),
});
export type ImportReport = z.infer<typeof ImportReport>;

// ---------- public views: only what may be published ----------

export const PublicSource = z.object({ kind: z.string(), title: z.string(), publisher: z.string().nullable(), url: z.string().nullable(), publishedOn: z.string().nullable(), reliability: z.string(), claim: z.string().nullable() });
export const PublicIncident = z.object({
  id: z.string(),
  title: z.string(),
  occurred: PartialDateView,
  disputed: PartialDateView.nullable(),
  dateNote: z.string().nullable(),
  country: z.string(),
  city: z.string().nullable(),
  context: z.string().nullable(),
  alertCategory: z.string().nullable(),
  narrative: z.string(),
  priorThreats: z.boolean().nullable(),
  workRelation: z.string(),
  victims: z.array(z.object({ kind: z.enum(['person', 'outlet']), name: z.string(), aliases: z.array(z.string()), outlets: z.array(z.string()) })),
  acts: z.array(z.object({ actType: z.string(), method: z.string().nullable(), outcome: z.string().nullable(), victim: z.string() })),
  perpetrators: z.array(z.object({ label: z.string().nullable(), category: z.string(), degree: z.string(), attribution: z.string() })),
  legalCases: z.array(
    z.object({
      jurisdiction: z.string(),
      authority: z.string(),
      qualification: z.string().nullable(),
      milestones: z.array(z.object({ kind: z.string(), occurred: PartialDateView, note: z.string().nullable(), investigative: z.boolean(), source: PublicSource.nullable() })),
    }),
  ),
  stateRequests: z.array(z.object({ mechanism: z.string(), requestedOn: z.string(), answeredOn: z.string().nullable(), reply: z.string().nullable() })),
  sources: z.array(PublicSource),
  related: z.array(z.object({ id: z.string(), title: z.string(), kind: z.string() })),
  derived: DerivedView,
  isSynthetic: z.boolean(),
  publishedAt: z.string(),
});
export type PublicIncident = z.infer<typeof PublicIncident>;

export const PublicListItem = z.object({
  id: z.string(),
  title: z.string(),
  occurred: PartialDateView,
  disputed: PartialDateView.nullable(),
  city: z.string().nullable(),
  victims: z.array(z.string()),
  actTypes: z.array(z.string()),
  outcomes: z.array(z.string()),
  perpetratorCategories: z.array(z.string()),
  derived: DerivedView,
  isSynthetic: z.boolean(),
});
export type PublicListItem = z.infer<typeof PublicListItem>;

const yesNo = z.enum(['true', 'false']).transform((v) => v === 'true');
export const PublicListQuery = z.strictObject({
  year: z.coerce.number().int().min(1900).max(2100).optional(),
  actType: z.enum(ACT_TYPES).optional(),
  outcome: z.enum(ACT_OUTCOMES).optional(),
  perpetratorCategory: z.enum(PERPETRATOR_CATEGORIES).optional(),
  investigationStatus: z.enum(UNESCO_STATUSES).optional(),
  /** `too_early`: attacks without full justice too recent for an impunity label; the two labels list only older ones. */
  impunityStatus: z.enum([...IMPUNITY_STATUSES, 'too_early']).optional(),
  synthetic: yesNo.optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PublicListQuery = z.infer<typeof PublicListQuery>;

export const SINCE_LAST_ACT_BUCKETS = ['under_1_year', '1_to_3_years', '3_to_5_years', '5_to_10_years', 'over_10_years', 'never'] as const;
export const PublicSummary = z.object({
  version: z.number(),
  total: z.number(),
  synthetic: z.number(),
  byYear: z.array(z.object({ year: z.number(), total: z.number(), full_justice: z.number(), partial_justice: z.number(), complete_impunity: z.number(), too_early: z.number() })),
  /** `too_early`: not fully solved and too recent for an impunity label; not counted under the labels. */
  justice: z.object({ full_justice: z.number(), partial_justice: z.number(), complete_impunity: z.number(), too_early: z.number(), perpetratorConvicted: z.number(), mastermindConvicted: z.number() }),
  /** The country profile's `impunityMinDays` the labels follow. */
  impunityMinDays: z.number(),
  investigation: z.object({ resolved: z.number(), ongoing: z.number(), no_information: z.number() }),
  sinceLastInvestigativeAct: z.array(z.object({ bucket: z.enum(SINCE_LAST_ACT_BUCKETS), count: z.number() })),
  impunityIndex: ImpunityIndexView.omit({ published: true }).nullable(),
});
export type PublicSummary = z.infer<typeof PublicSummary>;

export const DataDictionary = z.object({
  title: z.string(),
  licence: z.string(),
  notes: z.array(z.string()),
  csvColumns: z.array(z.object({ name: z.string(), type: z.string(), description: z.string(), values: z.array(z.string()).optional() })),
  json: z.string(),
});
