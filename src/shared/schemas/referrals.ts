import { z } from 'zod';
import { CASE_SECTIONS, EXPLOITATION_FORMS, REFERRAL_PURPOSES, REQUIRED_SECTIONS, SERVICE_TYPES } from '../nrm.ts';
import { PageQuery } from './common.ts';

const Text = (max: number) => z.string().trim().max(max);

export const REFERRAL_STATUSES = ['pending', 'accepted', 'declined', 'completed', 'revoked'] as const;
export const CONSENT_BASES = ['consent', 'child', 'anonymous'] as const;

/**
 * Refer the case (or one service need, `serviceType`) to an agency or a provider (then its agency),
 * naming the sections the receiver may see once it accepts. `summary` always goes; identifying
 * sections go only with every adult victim's consent for that agency and purpose, or under the
 * child rules.
 */
export const SendReferralBody = z
  .strictObject({
    toAgencyId: z.uuid().optional(),
    providerId: z.uuid().optional(),
    purpose: z.enum(REFERRAL_PURPOSES),
    serviceType: z.enum(SERVICE_TYPES).optional(),
    sections: z.array(z.enum(CASE_SECTIONS)).min(1, 'name at least one section').max(CASE_SECTIONS.length).transform((xs) => [...new Set(xs)]),
    reason: Text(5000).min(1).optional(),
    /** Send although a referral of the case to the same agency is pending or accepted (otherwise 409 `duplicate_referral`). */
    confirmDuplicate: z.boolean().optional(),
  })
  .refine((b) => (b.toAgencyId === undefined) !== (b.providerId === undefined), { message: 'give either toAgencyId or providerId', path: ['toAgencyId'] })
  .superRefine((b, ctx) => {
    const missing = missingSections(b.purpose, b.sections);
    if (missing.length > 0) ctx.addIssue({ code: 'custom', path: ['sections'], message: `${REQUIRED_MESSAGE}${missing.join(', ')}`, params: { missing } });
  });

/** The start of the message that names the sections a purpose requires and the request lacks. */
export const REQUIRED_MESSAGE = 'the purpose requires the sections: ';

/** The sections `purpose` requires that `sections` lacks. */
export const missingSections = (purpose: (typeof REFERRAL_PURPOSES)[number], sections: readonly string[]) =>
  REQUIRED_SECTIONS[purpose].filter((s) => !sections.includes(s));

/** `POST /referrals/:id/ask-sections`: the receiver asks the sender for the sections the purpose requires and it lacks. */
export const AskSectionsBody = z.strictObject({ note: Text(500).min(1).optional() });
/** `POST /referrals/:id/sections`: the sender shares more sections on the referral (the consent gate decides again). */
export const AddSectionsBody = z.strictObject({ sections: z.array(z.enum(CASE_SECTIONS)).min(1, 'name at least one section').max(CASE_SECTIONS.length).transform((xs) => [...new Set(xs)]) });

export const AcceptReferralBody = z.strictObject({ note: Text(5000).min(1).optional() });
export const DeclineReferralBody = z.strictObject({ reason: Text(5000).min(3, 'say why') });
export const CompleteReferralBody = z.strictObject({ note: Text(5000).min(3, 'say what was done') });
export const RevokeReferralBody = z.strictObject({ reason: Text(5000).min(3, 'say why') });

/** What the receiver sees before answering and what an anonymous notification counts: no identity. */
export const ReferralSummary = z.object({
  caseNumber: z.string(),
  exploitationForms: z.array(z.enum(EXPLOITATION_FORMS)),
  region: z.string().nullable(),
  country: z.string().nullable(),
  victims: z.array(z.object({ sex: z.string(), ageBand: z.enum(['child', 'adult', 'unknown']), nationality: z.string().nullable(), unaccompanied: z.boolean() })),
});

export const ReferralView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  fromAgencyId: z.uuid(),
  fromAgencyName: z.string(),
  fromUserId: z.uuid(),
  toAgencyId: z.uuid(),
  toAgencyName: z.string(),
  providerId: z.uuid().nullable(),
  providerName: z.string().nullable(),
  purpose: z.enum(REFERRAL_PURPOSES),
  serviceType: z.enum(SERVICE_TYPES).nullable(),
  reason: z.string().nullable().optional(),
  sectionsRequested: z.array(z.enum(CASE_SECTIONS)),
  /** The sections the receiver sees once it accepts: the requested ones the consent gate let through. */
  sectionsShared: z.array(z.enum(CASE_SECTIONS)),
  /** Requested but held back: no consent from an adult victim for this agency and purpose. */
  sectionsWithheld: z.array(z.enum(CASE_SECTIONS)),
  /** Sections the purpose requires that the receiver does not see (an identification referral sent before they were required, or withheld for want of consent). */
  sectionsMissing: z.array(z.enum(CASE_SECTIONS)),
  /** The receiver asked the sender for the missing sections and the sender has not shared them yet. */
  sectionsAskedAt: z.string().nullable(),
  consentBasis: z.enum(CONSENT_BASES),
  summary: ReferralSummary,
  status: z.enum(REFERRAL_STATUSES),
  sentAt: z.string(),
  answerDueAt: z.string(),
  /** Pending after its answer time (country profile `referralAnswerHours`). */
  overdue: z.boolean(),
  acceptedAt: z.string().nullable(),
  acceptedBy: z.uuid().nullable(),
  acceptNote: z.string().nullable().optional(),
  declinedAt: z.string().nullable(),
  declinedBy: z.uuid().nullable(),
  declineReason: z.string().nullable().optional(),
  completedAt: z.string().nullable(),
  completedBy: z.uuid().nullable(),
  completionNote: z.string().nullable().optional(),
  revokedAt: z.string().nullable(),
  revokedBy: z.uuid().nullable(),
  revokeReason: z.string().nullable().optional(),
  /** The person of the receiving agency who handles it: given by its supervisor, or who accepted it. */
  handlerUserId: z.uuid().nullable(),
  handlerName: z.string().nullable(),
  /** How this user sees it: sent by their agency, or received. */
  direction: z.enum(['outgoing', 'incoming', 'other']),
});
export type ReferralView = z.infer<typeof ReferralView>;

export const ReferralListQuery = PageQuery.extend({
  direction: z.enum(['incoming', 'outgoing']).optional(),
  status: z
    .string()
    .max(200)
    .transform((s, ctx) => {
      const parts = s.split(',').map((p) => p.trim()).filter(Boolean);
      const bad = parts.filter((p) => !(REFERRAL_STATUSES as readonly string[]).includes(p));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown: ${bad.join(', ')}` });
      return parts as (typeof REFERRAL_STATUSES)[number][];
    })
    .optional(),
  purpose: z.enum(REFERRAL_PURPOSES).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  caseId: z.uuid().optional(),
  /** By the day sent: `-sent` newest first (the default), `sent` oldest first. */
  sort: z.enum(['-sent', 'sent']).default('-sent'),
});

/** `POST /referrals/:id/assign`: a supervisor of the receiving agency names who handles the referral. */
export const AssignReferralBody = z.strictObject({
  handlerUserId: z.uuid(),
  /** Why; kept in the audit log, never shown on the timeline. */
  reason: z.string().trim().max(500).optional(),
});
