import { z } from 'zod';
import {
  CONSENT_FORMS,
  CONSENT_GIVERS,
  CONSENT_KINDS,
  REFERRAL_PURPOSES,
  SERVICE_TYPES,
  CASE_PERSON_ROLES,
  CASE_SECTIONS,
  CASE_STATUSES,
  CONTROL_METHODS,
  EXPLOITATION_FORMS,
  INDUSTRIES,
  RECRUITMENT_METHODS,
  SEX_EXPLOITATION_TYPES,
  TRAFFICKING_EVENT_TYPES,
  VICTIM_STATUSES,
  WEBSITES_AND_APPS,
} from '../nrm.ts';
import { CONTACT_CHANNELS, OBSERVATION_SOURCES } from '../hotline.ts';
import { PERSON_SEXES } from '../people.ts';
import { EXPLOITATION_TYPES } from '../../domain/screening.ts';
import { PageQuery } from './common.ts';
import { CreatePersonBody, PersonNameInput, PersonView } from './people.ts';
import { ReferralView } from './referrals.ts';
import { PersonIdentificationView } from './identification.ts';
import { TaskView } from './tasks.ts';
import { IndicatorCode, ScreeningListSchema, ScreeningResultView } from './screening.ts';

const Text = (max: number) => z.string().trim().max(max);
const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code');
const uniqueList = <T extends readonly [string, ...string[]]>(values: T, max = 30) =>
  z.array(z.enum(values)).max(max).transform((xs) => [...new Set(xs)]);
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(500)
    .transform((s, ctx) => {
      const parts = s.split(',').map((p) => p.trim()).filter(Boolean);
      const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown: ${bad.join(', ')}; one or more of ${values.join(', ')}` });
      return parts as T[number][];
    });
/** "2024", "2024-03" or "2024-03-05": a date known to the year, month or day. */
export const PartialDateText = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date as YYYY, YYYY-MM or YYYY-MM-DD');

/** What a case says about the exploitation (HTCDS victim context), shared by create and update. */
const CaseFields = {
  region: Text(100).min(1).nullable().optional(),
  country: Country.nullable().optional(),
  exploitationForms: uniqueList(EXPLOITATION_FORMS).optional(),
  sexExploitationTypes: uniqueList(SEX_EXPLOITATION_TYPES).optional(),
  controlMethods: uniqueList(CONTROL_METHODS).optional(),
  recruitmentMethods: uniqueList(RECRUITMENT_METHODS).optional(),
  recruitmentApps: uniqueList(WEBSITES_AND_APPS).optional(),
  industry: z.enum(INDUSTRIES).nullable().optional(),
  /** Free text about the situation; personal narrative, shown only in the `notes` section. */
  narrative: Text(20_000).nullable().optional(),
};

/** Open a case: directly, or from a hotline contact (linked, its screenings and place carried over). */
/**
 * The victim a new case is about, recorded in the person registry (with its name keys, as a person
 * added on the case page). The name only if it is known: a hotline caller often gives none.
 */
export const CaseVictimInput = CreatePersonBody.omit({ aliases: true }).extend({ name: PersonNameInput.optional(), sex: z.enum(PERSON_SEXES).optional() });
export type CaseVictimInput = z.infer<typeof CaseVictimInput>;

export const CreateCaseBody = z.strictObject({
  contactId: z.uuid().optional(),
  /**
   * The victim, added to the case as its first person. From a contact, whatever is not given here is
   * taken from the first potential victim the operator recorded (sex, age as an estimated birth year,
   * nationality), and the contact's other potential victims are added too.
   */
  victim: CaseVictimInput.optional(),
  ...CaseFields,
});

export const UpdateCaseBody = z.strictObject({
  ...CaseFields,
  status: z.enum(CASE_STATUSES).optional(),
  /** Required when closing. */
  closureReason: Text(5000).min(1).nullable().optional(),
  victimStatus: z.enum(VICTIM_STATUSES).optional(),
  /** The case worker of the owning agency responsible for the case. */
  ownerUserId: z.uuid().nullable().optional(),
});

/**
 * The case list's orders: `-created` newest entered first (the default), `created` oldest entered
 * first, `opened`/`-opened` by the case's opening time, `number`/`-number` by case number. Names are
 * not an order: they are sealed at rest.
 */
export const CASE_SORTS = ['-created', 'created', '-opened', 'opened', '-number', 'number'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export const CaseListQuery = PageQuery.extend({
  /** The order (`-created` by default); a cursor is good only for the order it was made for. */
  sort: z.enum(CASE_SORTS).default('-created'),
  status: csvOf(CASE_STATUSES).optional(),
  victimStatus: csvOf(VICTIM_STATUSES).optional(),
  /** Cases with any of these forms of exploitation. */
  exploitation: csvOf(EXPLOITATION_FORMS).optional(),
  region: Text(100).min(1).optional(),
  ownerAgencyId: z.uuid().optional(),
  /** Only my cases (owner user). */
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  contactId: z.uuid().optional(),
  /**
   * A case number with or without its leading zeros or prefix ("2", "000002", "NRM-2026-2",
   * "NRM-2026-000002" find case NRM-<year>-000002), or the beginning of one ("NRM-2026-0001").
   */
  number: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9-]+$/, 'a case number: letters, digits and dashes, e.g. 2 or NRM-2026-000002').optional(),
  /** Cases whose victim's name answers this, in any script (the people search's matching), among the cases whose people the user may see. */
  name: z.string().trim().min(2).max(200).regex(/\p{L}/u, 'a name: letters to search by').optional(),
  /** Created (entered in Pathway) at or after this instant. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Created before this instant. */
  to: z.iso.datetime({ offset: true }).optional(),
  /** Opened at or after this instant (the case's opening time, which may precede its entry). */
  openedFrom: z.iso.datetime({ offset: true }).optional(),
  /** Opened before this instant. */
  openedTo: z.iso.datetime({ offset: true }).optional(),
});

/** One row of the case list: only the anonymous summary, whatever sections the user may see. */
export const CaseListItem = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  ownerAgencyId: z.uuid(),
  ownerAgencyName: z.string(),
  ownerUserId: z.uuid().nullable(),
  status: z.enum(CASE_STATUSES),
  victimStatus: z.enum(VICTIM_STATUSES),
  region: z.string().nullable(),
  country: z.string().nullable(),
  exploitationForms: z.array(z.enum(EXPLOITATION_FORMS)),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** How this user reaches the case: their agency's, their own, or shared with their agency. */
  access: z.enum(['all', 'agency', 'own', 'granted', 'user_grant']),
});
export type CaseListItem = z.infer<typeof CaseListItem>;

export const CaseSummaryView = CaseListItem.extend({
  sexExploitationTypes: z.array(z.enum(SEX_EXPLOITATION_TYPES)),
  controlMethods: z.array(z.enum(CONTROL_METHODS)),
  recruitmentMethods: z.array(z.enum(RECRUITMENT_METHODS)),
  recruitmentApps: z.array(z.enum(WEBSITES_AND_APPS)),
  industry: z.enum(INDUSTRIES).nullable(),
  closureReason: z.string().nullable().optional(),
  sourceContactId: z.uuid().nullable(),
  createdBy: z.uuid(),
  /** A prosecutor's or court's order ended access: only auditors and the owning agency's supervisors open it. */
  accessEnded: z.object({ at: z.string(), authority: z.enum(['prosecutor', 'court']), reference: z.string().nullable(), orderedOn: z.string() }).nullable(),
});

export const TraffickingEventView = z.object({
  id: z.uuid(),
  type: z.enum(TRAFFICKING_EVENT_TYPES),
  /** As far as it is known: YYYY, YYYY-MM or YYYY-MM-DD. */
  date: z.string().nullable(),
  country: z.string().nullable(),
  region: z.string().nullable(),
  city: z.string().nullable().optional(),
  place: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const TraffickingEventBody = z.strictObject({
  type: z.enum(TRAFFICKING_EVENT_TYPES),
  date: PartialDateText.nullable().optional(),
  country: Country.nullable().optional(),
  region: Text(100).nullable().optional(),
  city: Text(100).nullable().optional(),
  place: Text(500).nullable().optional(),
  description: Text(10_000).nullable().optional(),
});
export const UpdateTraffickingEventBody = TraffickingEventBody.partial();

export const CaseNoteBody = z.strictObject({ body: Text(20_000).min(1, 'required') });
export const CaseNoteView = z.object({ id: z.uuid(), body: z.string().optional(), createdBy: z.uuid(), createdByName: z.string(), createdAt: z.string() });

export const CaseScreeningBody = z.strictObject({
  exploitation: z.enum(EXPLOITATION_TYPES),
  age: z.number().int().min(0).max(120).nullable(),
  ageVerified: z.boolean().optional(),
  possiblyChild: z.boolean().optional(),
  indicators: z
    .array(z.strictObject({ code: IndicatorCode, source: z.enum(OBSERVATION_SOURCES), observedAt: z.iso.datetime({ offset: true }).optional() }))
    .max(100),
  recruitmentActEstablished: z.boolean().optional(),
});

export const CaseScreeningView = z.object({
  id: z.uuid(),
  fromContactScreeningId: z.uuid().nullable(),
  list: ScreeningListSchema,
  listReason: z.string(),
  indicators: z.array(z.object({ code: z.string(), source: z.string(), observedAt: z.string(), observedBy: z.string() })),
  result: ScreeningResultView,
  /** A positive result proposes a referral to the competent authority; it changes no one's status. */
  proposeReferral: z.boolean(),
  screenedBy: z.uuid(),
  screenedAt: z.string(),
});

export const CaseContactView = z.object({
  contactId: z.uuid(),
  channel: z.enum(CONTACT_CHANNELS),
  receivedAt: z.string(),
  linkedBy: z.uuid(),
  linkedAt: z.string(),
});
export const LinkContactBody = z.strictObject({ contactId: z.uuid() });

export const TimelineEntryView = z.object({
  seq: z.string(),
  at: z.string(),
  action: z.string(),
  actorUserId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  actorAgencyName: z.string().nullable(),
  /** The fields the entry touched; values only for non-identifying ones (statuses, types, dates). */
  fields: z.array(z.string()),
  detail: z.record(z.string(), z.unknown()),
});


export const CaseVocabulariesView = z.object({
  status: z.array(z.string()),
  victimStatus: z.array(z.string()),
  exploitationForms: z.array(z.string()),
  sexExploitationTypes: z.array(z.string()),
  controlMethods: z.array(z.string()),
  recruitmentMethods: z.array(z.string()),
  industries: z.array(z.string()),
  recruitmentApps: z.array(z.string()),
  eventTypes: z.array(z.string()),
  sections: z.array(z.string()),
});

export const CaseEventParams = z.strictObject({ id: z.uuid(), eventId: z.uuid() });

const GuardianFields = {
  /** Whether a child is without a parent or carer in the country (CETS art. 10(4): a guardian is appointed). */
  unaccompanied: z.boolean().optional(),
  /** Age uncertain with reasons to think the person is a child: treated as a child (art. 10(3)). */
  ageDisputed: z.boolean().optional(),
  guardianName: Text(300).min(1).nullable().optional(),
  guardianAppointedOn: z.iso.date().nullable().optional(),
};

/** Add a person to the case: one already recorded (`personId`) or a new one (`person`). */
export const AddCasePersonBody = z
  .strictObject({
    personId: z.uuid().optional(),
    person: CreatePersonBody.optional(),
    role: z.enum(CASE_PERSON_ROLES),
    ...GuardianFields,
  })
  .refine((b) => (b.personId === undefined) !== (b.person === undefined), { message: 'give either personId or person', path: ['personId'] });

export const UpdateCasePersonBody = z.strictObject({ role: z.enum(CASE_PERSON_ROLES).optional(), ...GuardianFields });
export const CasePersonParams = z.strictObject({ id: z.uuid(), casePersonId: z.uuid() });

export const CasePersonView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  role: z.enum(CASE_PERSON_ROLES),
  ageDisputed: z.boolean(),
  unaccompanied: z.boolean(),
  /** Treated as a child today: under 18, possibly under 18, or age disputed. */
  child: z.boolean(),
  guardianName: z.string().nullable().optional(),
  guardianAppointedOn: z.string().nullable(),
  returnedOn: z.string().nullable(),
  returnedTo: z.string().nullable(),
  person: PersonView,
  addedBy: z.uuid(),
  addedAt: z.string(),
});


export const RecordConsentBody = z
  .strictObject({
    personId: z.uuid(),
    kind: z.enum(CONSENT_KINDS),
    /** Assistance only: consent to one service; absent for assistance in general. */
    service: z.enum(SERVICE_TYPES).optional(),
    /** Data sharing only: the agency the data may go to, and what for. */
    agencyId: z.uuid().optional(),
    purpose: z.enum(REFERRAL_PURPOSES).optional(),
    givenOn: z.iso.date(),
    form: z.enum(CONSENT_FORMS),
    givenBy: z.enum(CONSENT_GIVERS).optional(),
    note: Text(2000).nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'data_sharing') {
      if (!b.agencyId) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'required for data sharing' });
      if (!b.purpose) ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'required for data sharing' });
    } else {
      if (b.agencyId) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'only for data sharing' });
      if (b.purpose) ctx.addIssue({ code: 'custom', path: ['purpose'], message: 'only for data sharing' });
    }
    if (b.service && b.kind !== 'assistance') ctx.addIssue({ code: 'custom', path: ['service'], message: 'only for assistance' });
  });

export const WithdrawConsentBody = z.strictObject({ withdrawnOn: z.iso.date(), note: Text(2000).nullable().optional() });
export const ConsentParams = z.strictObject({ id: z.uuid(), consentId: z.uuid() });

export const ConsentView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  kind: z.enum(CONSENT_KINDS),
  service: z.enum(SERVICE_TYPES).nullable(),
  agencyId: z.uuid().nullable(),
  agencyName: z.string().nullable(),
  purpose: z.enum(REFERRAL_PURPOSES).nullable(),
  givenOn: z.string(),
  form: z.enum(CONSENT_FORMS),
  givenBy: z.enum(CONSENT_GIVERS),
  note: z.string().nullable().optional(),
  recordedBy: z.uuid(),
  recordedAt: z.string(),
  /** Active until withdrawn. */
  active: z.boolean(),
  withdrawnOn: z.string().nullable(),
  withdrawnRecordedBy: z.uuid().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawalNote: z.string().nullable().optional(),
});

/**
 * The case page in one request: the sections this user may see (all for the owning agency; those a
 * referral or share opened for another agency), each field also dropped when the user's role may not
 * see its sensitivity tag. Sections the user may not see are absent.
 */
export const CaseDetail = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  sections: z.array(z.enum(CASE_SECTIONS)),
  summary: CaseSummaryView.optional(),
  narrative: z.string().nullable().optional(),
  contacts: z.array(CaseContactView).optional(),
  events: z.array(TraffickingEventView).optional(),
  screenings: z.array(CaseScreeningView).optional(),
  notes: z.array(CaseNoteView).optional(),
  people: z.array(CasePersonView).optional(),
  consents: z.array(ConsentView).optional(),
  referrals: z.array(ReferralView).optional(),
  /** The referrals of the case to the user's agency, whatever sections they share (with `sectionsMissing`). */
  received: z.array(ReferralView).optional(),
  identification: z.array(PersonIdentificationView).optional(),
  tasks: z.array(TaskView).optional(),
  timeline: z.array(TimelineEntryView).optional(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const EndAccessBody = z.strictObject({
  authority: z.enum(['prosecutor', 'court']),
  /** The order's number or reference. */
  reference: Text(200).min(1).optional(),
  orderedOn: z.iso.date(),
});

export const BestInterestsBody = z.strictObject({
  personId: z.uuid(),
  assessedOn: z.iso.date(),
  /** Who assessed: the guardianship authority, a multidisciplinary panel, ... */
  assessedBy: Text(300).min(2),
  conclusion: z.enum(['return_in_best_interests', 'return_not_in_best_interests']),
  summary: Text(20_000).min(3),
});
export const BestInterestsView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  assessedOn: z.string(),
  assessedBy: z.string(),
  conclusion: z.enum(['return_in_best_interests', 'return_not_in_best_interests']),
  summary: z.string().optional(),
  recordedBy: z.uuid(),
  recordedAt: z.string(),
});
export const ReturnBody = z.strictObject({
  returnedOn: z.iso.date(),
  /** ISO 3166-1 alpha-3 of the country returned to. */
  returnedTo: z.string().regex(/^[A-Z]{3}$/, 'ISO 3166-1 alpha-3 code'),
  /** Required for a child: a best-interests assessment concluding that return is in the child's best interests. */
  assessmentId: z.uuid().optional(),
});
