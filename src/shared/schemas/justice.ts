import { z } from 'zod';
import {
  AGE_GROUPS,
  APPEAL_PARTIES,
  APPEAL_RESULTS,
  CHARGE_OUTCOMES,
  COMPLICITY_AGENCY_TYPES,
  COOPERATION_DIRECTIONS,
  COOPERATION_KINDS,
  COOPERATION_OUTCOMES,
  CRIMINAL_CASE_STATUSES,
  DEFENDANT_RELATIONS,
  DEFENDANT_ROLES,
  DEFERRAL_GROUNDS,
  FIGURES,
  FORM_GROUPS,
  INSTANCES,
  INVESTIGATING_BODIES,
  MITIGATING_CODES,
  PROCEDURAL_EVENT_TYPES,
  PROTECTION_MEASURES,
  RELEASE_BASES,
  SENTENCE_BANDS,
  SENTENCE_TYPES,
  TERMINATION_GROUNDS,
  VERDICT_OUTCOMES,
} from '../justice.ts';
import { EXPLOITATION_FORMS } from '../nrm.ts';
import { CITIZENSHIP_PATTERN, PERSON_SEXES } from '../people.ts';
import { CreatePersonBody } from './people.ts';

const Day = z.iso.date();
const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code');
/** An article part of the profile's statute list, e.g. `144-1.2.3`; the service checks it is in the list. */
const ArticleCode = z.string().trim().min(1, 'required').max(20);
const Months = z.number().int('whole months').min(0, 'must not be negative').max(1200);
const Amount = z.number().min(0, 'must not be negative').max(99_999_999_999, 'too large');

export const StatuteView = z.object({
  code: z.string(),
  article: z.string(),
  kind: z.enum(['trafficking', 'forced_labour', 'related']),
  minMonths: z.number().nullable(),
  maxMonths: z.number().nullable(),
  rank: z.number(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  label: z.string(),
});
export const JusticeProfileView = z.object({
  statutes: z.array(StatuteView),
  countedArticles: z.array(z.string()),
  investigationMonths: z.number(),
  investigationReminderDays: z.number(),
  deferralChildAge: z.array(z.object({ from: z.string(), value: z.number() })),
  seriousMinMonths: z.number(),
  reportingYear: z.enum(['calendar', 'us_tip']),
});

export const CreateCriminalCaseBody = z.strictObject({
  body: z.enum(INVESTIGATING_BODIES),
  caseNumber: z.string().trim().min(1, 'required').max(60),
  openedOn: Day,
  articles: z.array(ArticleCode).min(1, 'at least one article').max(20),
  forms: z.array(z.enum(EXPLOITATION_FORMS)).max(11).default([]),
  places: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  transnational: z.boolean().default(false),
  officialComplicity: z.boolean().default(false),
  complicityAgencyType: z.enum(COMPLICITY_AGENCY_TYPES).nullable().optional(),
  /** NRM cases this proceeding is about (the user must be able to read each); their victims are linked. */
  nrmCaseIds: z.array(z.uuid()).max(50).default([]),
  /** Opens the case to a prosecutor's office (supervising the investigation) from the start. */
  prosecutorAgencyId: z.uuid().optional(),
});
export type CreateCriminalCaseBody = z.infer<typeof CreateCriminalCaseBody>;

export const UpdateCriminalCaseBody = z.strictObject({
  /** The version the change was made on: another change since gives 409 `stale_version`, never a lost update. */
  version: z.number().int().min(1),
  caseNumber: z.string().trim().min(1, 'required').max(60).optional(),
  articles: z.array(ArticleCode).min(1, 'at least one article').max(20).optional(),
  forms: z.array(z.enum(EXPLOITATION_FORMS)).max(11).optional(),
  places: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  transnational: z.boolean().optional(),
  officialComplicity: z.boolean().optional(),
  complicityAgencyType: z.enum(COMPLICITY_AGENCY_TYPES).nullable().optional(),
  ownerUserId: z.uuid().nullable().optional(),
  /** An extension of the preliminary-investigation time limit, to this day. */
  investigationExtendedUntil: Day.nullable().optional(),
});

export const ShareCriminalCaseBody = z.strictObject({ agencyId: z.uuid() });

export const ProceduralEventBody = z.strictObject({
  type: z.enum(PROCEDURAL_EVENT_TYPES).refine((t) => t !== 'verdict' && t !== 'appeal_decided' && t !== 'cassation', 'record verdicts with POST .../verdicts'),
  occurredOn: Day,
  defendantId: z.uuid().optional(),
  ground: z.enum(TERMINATION_GROUNDS).optional(),
  appealBy: z.enum(APPEAL_PARTIES).optional(),
  documentNumber: z.string().trim().min(1).max(100).optional(),
  /** With `indicted`: the court the indictment is sent to; the case is opened to it. */
  courtAgencyId: z.uuid().optional(),
});

export const AddDefendantBody = z
  .strictObject({
    personId: z.uuid().optional(),
    person: CreatePersonBody.optional(),
    /** A company or other legal person (liable since 2012). */
    legalEntityName: z.string().trim().min(1).max(300).optional(),
    role: z.enum(DEFENDANT_ROLES),
    relation: z.enum(DEFENDANT_RELATIONS).default('unknown'),
    isOfficial: z.boolean().default(false),
    officialAgencyType: z.enum(COMPLICITY_AGENCY_TYPES).nullable().optional(),
    /** The day the person was identified as a suspect (a `suspect_identified` event); default the case's opening. */
    identifiedOn: Day.optional(),
  })
  .refine((b) => [b.personId, b.person, b.legalEntityName].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of personId, person, legalEntityName', path: ['personId'] });

export const DefendantParams = z.strictObject({ id: z.uuid(), defendantId: z.uuid() });

export const ChargeBody = z.strictObject({ article: ArticleCode, broughtOn: Day });

export const VerdictBody = z.strictObject({
  instance: z.enum(INSTANCES),
  decidedOn: Day,
  appealResult: z.enum(APPEAL_RESULTS).optional(),
  outcomes: z
    .array(
      z.strictObject({
        chargeId: z.uuid(),
        outcome: z.enum(VERDICT_OUTCOMES),
        terminationGround: z.enum(TERMINATION_GROUNDS).optional(),
        /** With `reclassified`: the article part the charge becomes (a new charge, keeping the history). */
        reclassifiedTo: ArticleCode.optional(),
      }),
    )
    .min(1, 'at least one charge')
    .max(50),
});

export const SentenceBody = z.strictObject({
  instance: z.enum(INSTANCES),
  imposedOn: Day,
  type: z.enum(SENTENCE_TYPES),
  termMonths: Months.nullable().optional(),
  fineAmount: Amount.nullable().optional(),
  suspended: z.boolean().default(false),
  probationMonths: Months.nullable().optional(),
  deferred: z.boolean().default(false),
  deferralGround: z.enum(DEFERRAL_GROUNDS).nullable().optional(),
  deferredUntil: Day.nullable().optional(),
  belowMinimum: z.boolean().default(false),
  /** The legal ground of a sentence below the minimum (art. 62) or other mitigation. */
  belowMinimumGround: z.string().trim().min(1).max(200).nullable().optional(),
  mitigating: z.array(z.enum(MITIGATING_CODES)).max(10).default([]),
  confiscation: z.boolean().default(false),
  deprivationOfRights: z.boolean().default(false),
  releasedOn: Day.nullable().optional(),
  releaseBasis: z.enum(RELEASE_BASES).nullable().optional(),
  /** The amnesty act or pardon decree (number and date as published). */
  releaseAct: z.string().trim().min(1).max(100).nullable().optional(),
});

export const LinkVictimBody = z.strictObject({
  /** An NRM case the user may read; with `personId` one victim of it, else its victims are linked. */
  nrmCaseId: z.uuid().optional(),
  personId: z.uuid().optional(),
  sex: z.enum(PERSON_SEXES).optional(),
  ageGroup: z.enum(AGE_GROUPS).optional(),
  nationality: z.string().regex(CITIZENSHIP_PATTERN, 'ISO 3166-1 alpha-3 code such as AZE, or XXX').nullable().optional(),
  testified: z.boolean().default(false),
  protectionMeasures: z.array(z.enum(PROTECTION_MEASURES)).max(10).default([]),
  compensationClaimed: Amount.nullable().optional(),
  compensationOrdered: Amount.nullable().optional(),
  compensationPaid: Amount.nullable().optional(),
  nonPunishment: z.boolean().default(false),
});

export const CooperationBody = z.strictObject({
  kind: z.enum(COOPERATION_KINDS),
  direction: z.enum(COOPERATION_DIRECTIONS),
  country: Country,
  requestedOn: Day,
  outcome: z.enum(COOPERATION_OUTCOMES).default('pending'),
  outcomeOn: Day.nullable().optional(),
});

// ------------------------------------------------------------------------------------------------
// Views

export const CriminalCaseListItem = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  body: z.enum(INVESTIGATING_BODIES),
  ownerAgencyId: z.uuid(),
  ownerAgencyName: z.string(),
  ownerUserId: z.uuid().nullable(),
  openedOn: z.string(),
  articles: z.array(z.string()),
  forms: z.array(z.string()),
  officialComplicity: z.boolean(),
  status: z.enum(CRIMINAL_CASE_STATUSES),
  defendants: z.number(),
  investigationDueOn: z.string().nullable(),
  overdue: z.boolean(),
  updatedAt: z.string(),
});

/** The criminal-case list's sorts: a column ascending, or descending with `-` (the SortHeader's form). */
export const CRIMINAL_CASE_SORTS = ['-openedOn', 'openedOn', 'caseNumber', '-caseNumber', 'status', '-status'] as const;

export const CriminalCaseListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(400).optional(),
  sort: z.enum(CRIMINAL_CASE_SORTS).default('-openedOn').describe('opening date, case number, or status in the order of procedure (then opening date); `-` for descending. A cursor is only valid for the sort it was given out for.'),
  status: z.enum(CRIMINAL_CASE_STATUSES).optional(),
  body: z.enum(INVESTIGATING_BODIES).optional(),
  form: z.enum(FORM_GROUPS).optional(),
  article: z.string().trim().min(1).max(20).optional(),
  complicity: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  number: z.string().trim().min(1).max(60).optional(),
  openedFrom: Day.optional(),
  openedTo: Day.optional(),
});

const NameView = z.object({ asEntered: z.string(), kind: z.string(), script: z.string() });

export const ChargeView = z.object({
  id: z.uuid(),
  article: z.string(),
  broughtOn: z.string(),
  outcome: z.enum(CHARGE_OUTCOMES).nullable(),
  outcomeOn: z.string().nullable(),
  outcomeInstance: z.enum(INSTANCES).nullable(),
  terminationGround: z.string().nullable(),
  reclassifiedToChargeId: z.uuid().nullable(),
  reclassifiedFromChargeId: z.uuid().nullable(),
});
export const VerdictView = z.object({
  id: z.uuid(),
  chargeId: z.uuid(),
  instance: z.enum(INSTANCES),
  outcome: z.enum(VERDICT_OUTCOMES),
  decidedOn: z.string(),
  terminationGround: z.string().nullable(),
  reclassifiedTo: z.string().nullable(),
});
export const SentenceView = z.object({
  id: z.uuid(),
  instance: z.enum(INSTANCES),
  imposedOn: z.string(),
  type: z.enum(SENTENCE_TYPES),
  termMonths: z.number().nullable(),
  fineAmount: z.number().nullable(),
  suspended: z.boolean(),
  probationMonths: z.number().nullable(),
  deferred: z.boolean(),
  deferralGround: z.enum(DEFERRAL_GROUNDS).nullable(),
  deferredUntil: z.string().nullable(),
  belowMinimum: z.boolean(),
  belowMinimumGround: z.string().nullable(),
  mitigating: z.array(z.string()),
  confiscation: z.boolean(),
  deprivationOfRights: z.boolean(),
  releasedOn: z.string().nullable(),
  releaseBasis: z.string().nullable(),
  releaseAct: z.string().nullable(),
  band: z.enum(SENTENCE_BANDS),
  reviewFlag: z.string().nullable(),
  supersededBy: z.uuid().nullable(),
  inForce: z.boolean(),
});
export const DefendantView = z.object({
  id: z.uuid(),
  pseudonym: z.string(),
  personId: z.uuid().nullable(),
  /** Only with `sensitive:identity`. */
  names: z.array(NameView).optional(),
  legalEntityName: z.string().nullable(),
  role: z.enum(DEFENDANT_ROLES),
  relation: z.enum(DEFENDANT_RELATIONS),
  isOfficial: z.boolean(),
  officialAgencyType: z.string().nullable(),
  sex: z.string(),
  birthYear: z.number().nullable(),
  citizenship: z.string().nullable(),
  charges: z.array(ChargeView),
  verdicts: z.array(VerdictView),
  sentences: z.array(SentenceView),
});
export const VictimView = z.object({
  id: z.uuid(),
  pseudonym: z.string(),
  sex: z.string(),
  ageGroup: z.enum(AGE_GROUPS),
  nationality: z.string().nullable(),
  /** Only to users who may see the NRM case's people: the case and the victim's names. */
  nrmCase: z.object({ id: z.uuid(), caseNumber: z.string() }).nullable(),
  names: z.array(NameView).nullable(),
  identityShown: z.boolean(),
  testified: z.boolean(),
  protectionMeasures: z.array(z.string()),
  compensationClaimed: z.number().nullable(),
  compensationOrdered: z.number().nullable(),
  compensationPaid: z.number().nullable(),
  nonPunishment: z.boolean(),
});
export const ProceduralEventView = z.object({
  id: z.uuid(),
  type: z.enum(PROCEDURAL_EVENT_TYPES),
  occurredOn: z.string(),
  defendantId: z.uuid().nullable(),
  defendantPseudonym: z.string().nullable(),
  ground: z.string().nullable(),
  appealBy: z.string().nullable(),
  appealResult: z.string().nullable(),
  documentNumber: z.string().nullable(),
  recordedAt: z.string(),
});
export const CooperationView = z.object({
  id: z.uuid(),
  kind: z.enum(COOPERATION_KINDS),
  direction: z.enum(COOPERATION_DIRECTIONS),
  country: z.string(),
  requestedOn: z.string(),
  outcome: z.enum(COOPERATION_OUTCOMES),
  outcomeOn: z.string().nullable(),
});
export const CriminalCaseDetail = CriminalCaseListItem.extend({
  version: z.number(),
  places: z.array(z.string()).optional(),
  transnational: z.boolean(),
  complicityAgencyType: z.string().nullable(),
  terminationGround: z.string().nullable(),
  investigationExtendedUntil: z.string().nullable(),
  warnings: z.array(z.string()),
  canUpdate: z.boolean(),
  defendants: z.number(),
  defendantList: z.array(DefendantView),
  victims: z.array(VictimView),
  events: z.array(ProceduralEventView),
  cooperation: z.array(CooperationView),
});

export const DeadlineView = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  openedOn: z.string(),
  dueOn: z.string(),
  overdue: z.boolean(),
  ownerUserId: z.uuid().nullable(),
});

// ------------------------------------------------------------------------------------------------
// Statistics

export const StatisticsQuery = z
  .strictObject({
    from: Day.optional(),
    to: Day.optional(),
    /** A reporting year instead of from/to: the calendar year, or the US year (1 April of the year before to 31 March). */
    year: z.coerce.number().int().min(1990).max(2100).optional(),
    yearKind: z.enum(['calendar', 'us_tip']).optional(),
    form: z.enum(FORM_GROUPS).optional(),
    article: z.string().trim().min(1).max(20).optional(),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: 'give both from and to', path: ['to'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => !(q.year !== undefined && q.from !== undefined), { message: 'give a year or from/to, not both', path: ['year'] });

const Bands = z.object(Object.fromEntries(SENTENCE_BANDS.map((b) => [b, z.number()])) as Record<(typeof SENTENCE_BANDS)[number], z.ZodNumber>);
export const FiguresView = z.object({
  investigations: z.object({ cases: z.number(), suspects: z.number() }),
  prosecutions: z.object({ defendants: z.number() }),
  convictions: z.object({ defendants: z.number(), final: z.number(), reversedOnAppeal: z.number() }),
  acquittals: z.object({ defendants: z.number() }),
  terminations: z.object({ defendants: z.number(), byGround: z.record(z.string(), z.number()) }),
  sentences: z.object({
    withSentence: z.number(),
    suspendedOrDeferred: z.number(),
    suspended: z.number(),
    deferred: z.number(),
    fineOnly: z.number(),
    belowMinimum: z.number(),
    serious: z.number(),
    flaggedForReview: z.number(),
    deferralGrounds: z.record(z.string(), z.number()),
    bands: Bands,
    shares: z.object({ suspendedOrDeferred: z.number().nullable(), belowMinimum: z.number().nullable(), serious: z.number().nullable() }),
  }),
});
export const StatisticsView = FiguresView.extend({
  period: z.object({ from: z.string(), to: z.string(), asOf: z.string() }),
  countedArticles: z.array(z.string()),
  byForm: z.object({ sexual: FiguresView, labour: FiguresView, other: FiguresView }),
  byArticle: z.record(z.string(), FiguresView),
  bySex: z.record(z.string(), FiguresView),
  byComplicity: z.object({ official: FiguresView, none: FiguresView }),
});
export type StatisticsView = z.infer<typeof StatisticsView>;

export const TrendQuery = z
  .strictObject({
    fromYear: z.coerce.number().int().min(1990).max(2100),
    toYear: z.coerce.number().int().min(1990).max(2100),
    yearKind: z.enum(['calendar', 'us_tip']).optional(),
  })
  .refine((q) => q.fromYear <= q.toYear && q.toYear - q.fromYear <= 60, { message: 'from fromYear to toYear, at most 60 years', path: ['toYear'] });
export const TrendView = z.object({
  years: z.array(
    z.object({
      year: z.number(),
      from: z.string(),
      to: z.string(),
      cases: z.number(),
      suspects: z.number(),
      prosecutions: z.number(),
      convictions: z.number(),
      convictionsSexual: z.number(),
      convictionsLabour: z.number(),
      acquittals: z.number(),
      suspendedOrDeferred: z.number(),
      serious: z.number(),
    }),
  ),
});

export const RecordsQuery = z
  .strictObject({
    from: Day,
    to: Day,
    figure: z.enum(FIGURES),
    form: z.enum(FORM_GROUPS).optional(),
    article: z.string().trim().min(1).max(20).optional(),
    sex: z.enum(PERSON_SEXES).optional(),
    complicity: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] });
export const RecordRow = z.object({
  criminalCaseId: z.uuid(),
  caseNumber: z.string(),
  agencyName: z.string(),
  /** The defendant's pseudonym (never a name); null for a case-level figure. */
  defendant: z.string().nullable(),
  sex: z.string().nullable(),
  articles: z.array(z.string()),
  on: z.string(),
  /** The user may open the case page. */
  openable: z.boolean(),
});
export const RecordsView = z.object({ items: z.array(RecordRow), total: z.number(), truncated: z.boolean() });
