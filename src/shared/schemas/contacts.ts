import { z } from 'zod';
import {
  CATEGORY_CODES,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  CONTACT_STATUSES,
  CONTACT_TYPES,
  CONTACTOR_TYPES,
  OBSERVATION_SOURCES,
  PERSON_ROLES,
  SEXES,
  URGENCIES,
} from '../hotline.ts';
import { EXPLOITATION_TYPES } from '../../domain/screening.ts';
import { PageQuery } from './common.ts';
import { IndicatorCode, ScreeningListSchema, ScreeningResultView } from './screening.ts';

const Text = (max: number) => z.string().trim().max(max);
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

export const ContactListQuery = PageQuery.extend({
  status: csvOf(CONTACT_STATUSES).optional(),
  channel: csvOf(CONTACT_CHANNELS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  region: Text(100).min(1).optional(),
});

export const PersonInput = z.strictObject({
  role: z.enum(PERSON_ROLES),
  sex: z.enum(SEXES).default('unknown'),
  age: z.number().int().min(0).max(120).nullable().default(null),
  possiblyChild: z.boolean().default(false),
  nationality: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code').nullable().default(null),
});

/** The contact form. Submitting needs who contacted and what the contact was; the rest may stay empty. */
export const ContactFormBody = z.strictObject({
  contactorType: z.enum(CONTACTOR_TYPES),
  contactType: z.enum(CONTACT_TYPES),
  language: z.string().regex(/^[a-z]{2,3}$/, 'a language code such as az, ru, en').nullable().optional(),
  region: Text(100).nullable().optional(),
  city: Text(100).nullable().optional(),
  persons: z.array(PersonInput).max(50).optional(),
  categories: z.array(z.enum(CATEGORY_CODES as [string, ...string[]])).max(30).optional(),
  summary: Text(20_000).nullable().optional(),
  urgency: z.enum(URGENCIES).optional(),
  /** Stored encrypted, and only with `callbackConsent: true`. */
  callbackNumber: z.string().regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number').nullable().optional(),
  callbackConsent: z.boolean().optional(),
});
export type ContactFormBody = z.infer<typeof ContactFormBody>;

/** A draft holds whatever was typed, checked for shape only: every field is optional. */
export const ContactDraftData = z.strictObject({
  contactorType: z.enum(CONTACTOR_TYPES).nullable().optional(),
  contactType: z.enum(CONTACT_TYPES).nullable().optional(),
  language: Text(10).nullable().optional(),
  region: Text(100).nullable().optional(),
  city: Text(100).nullable().optional(),
  persons: z.array(PersonInput.partial()).max(50).optional(),
  categories: z.array(Text(100)).max(30).optional(),
  summary: Text(20_000).nullable().optional(),
  urgency: z.enum(URGENCIES).optional(),
  callbackNumber: Text(30).nullable().optional(),
  callbackConsent: z.boolean().optional(),
});
export const SaveDraftBody = z.strictObject({
  data: ContactDraftData,
  /** The version this draft was based on; when another tab saved since, the save is refused (409). */
  baseVersion: z.number().int().min(0).optional(),
});
export const DraftView = z.object({ data: ContactDraftData, version: z.number(), updatedAt: z.string() });

export const ContactorAddressInput = z.strictObject({
  kind: z.enum(['phone', 'telegram', 'email']),
  value: Text(320).min(1),
});

/** Operator-entered contacts: walk-ins, e-mails, calls logged afterwards. */
export const CreateContactBody = z.strictObject({
  channel: z.enum(CONTACT_CHANNELS),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  contactor: ContactorAddressInput.optional(),
});

export const ContactView = z.object({
  id: z.uuid(),
  channel: z.enum(CONTACT_CHANNELS),
  status: z.enum(CONTACT_STATUSES),
  ownerAgencyId: z.uuid(),
  assignedUserId: z.uuid().nullable(),
  /** The last three digits of the number; the number itself is never stored. */
  contactorLast3: z.string().nullable().optional(),
  /** Earlier contacts from the same number or handle that this user may see. */
  repeatContacts: z.number().int(),
  hasCallbackNumber: z.boolean(),
  contactorType: z.enum(CONTACTOR_TYPES).nullable(),
  contactType: z.enum(CONTACT_TYPES).nullable(),
  language: z.string().nullable(),
  region: z.string().nullable(),
  city: z.string().nullable().optional(),
  persons: z.array(PersonInput).optional(),
  categories: z.array(z.string()),
  summary: z.string().nullable().optional(),
  urgency: z.enum(URGENCIES),
  outcomes: z.array(z.enum(CONTACT_OUTCOMES)),
  outcomeNote: z.string().nullable().optional(),
  receivedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** A test contact sent from Administration -> Channels (no one is waiting on it). */
  isTest: z.boolean(),
});
export type ContactView = z.infer<typeof ContactView>;

export const MessageView = z.object({
  id: z.uuid(),
  direction: z.enum(['in', 'out']),
  body: z.string(),
  mediaCount: z.number(),
  delivery: z.enum(['pending', 'sent', 'failed']).nullable(),
  createdAt: z.string(),
});

export const ObservedIndicatorInput = z.strictObject({
  code: IndicatorCode,
  source: z.enum(OBSERVATION_SOURCES),
  /** When it was observed; default now. */
  observedAt: z.iso.datetime({ offset: true }).optional(),
});

/** The list follows from the person's age and the exploitation type (child list when under 18 or possibly a child). */
export const StoreScreeningBody = z.strictObject({
  personIndex: z.number().int().min(0).max(49).optional(),
  exploitation: z.enum(EXPLOITATION_TYPES),
  age: z.number().int().min(0).max(120).nullable(),
  ageVerified: z.boolean().optional(),
  possiblyChild: z.boolean().optional(),
  indicators: z.array(ObservedIndicatorInput).max(100),
  recruitmentActEstablished: z.boolean().optional(),
});

export const ScreeningView = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  personIndex: z.number().nullable(),
  list: ScreeningListSchema,
  listReason: z.string(),
  indicators: z.array(z.object({ code: z.string(), source: z.string(), observedAt: z.string(), observedBy: z.string() })),
  result: ScreeningResultView,
  /** A positive result proposes a referral to the competent authority; it changes no one's status. */
  proposeReferral: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});

export const EscalateBody = z.strictObject({ reason: Text(2000).min(3, 'say what the danger is') });
export const EscalationView = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  reason: z.string(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  alertedAgencyIds: z.array(z.uuid()),
  alertedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.uuid().nullable(),
  /** From the alert to the acknowledgement. */
  secondsToAcknowledge: z.number().nullable(),
});

export const ContactDetail = ContactView.extend({
  messages: z.array(MessageView).optional(),
  screenings: z.array(ScreeningView),
  escalations: z.array(EscalationView),
});

export const HistoryView = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      channel: z.enum(CONTACT_CHANNELS),
      status: z.enum(CONTACT_STATUSES),
      contactType: z.enum(CONTACT_TYPES).nullable(),
      urgency: z.enum(URGENCIES),
      outcomes: z.array(z.enum(CONTACT_OUTCOMES)),
      receivedAt: z.string(),
    }),
  ),
});

export const CloseContactBody = z.strictObject({
  outcomes: z.array(z.enum(CONTACT_OUTCOMES)).min(1, 'at least one outcome').max(7),
  outcomeNote: Text(5000).nullable().optional(),
});
export const ReassignBody = z.strictObject({ userId: z.uuid() });
export const EscalationParams = z.strictObject({ id: z.uuid(), escalationId: z.uuid() });
