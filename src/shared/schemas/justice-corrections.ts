/**
 * Corrections of a criminal case's records (docs/criminal-justice.md, "Corrections"): a procedural
 * event, a charge, a verdict, a sentence, a victim's part in the proceedings and a cooperation
 * request, each by the fields given; and the withdrawal of an event recorded by mistake.
 */
import { z } from 'zod';
import {
  APPEAL_PARTIES,
  COOPERATION_OUTCOMES,
  CRIMINAL_CASE_STATUSES,
  DEFERRAL_GROUNDS,
  INSTANCES,
  MITIGATING_CODES,
  PROTECTION_MEASURES,
  RELEASE_BASES,
  SENTENCE_TYPES,
  TERMINATION_GROUNDS,
} from '../justice.ts';

const Day = z.iso.date();
const ArticleCode = z.string().trim().min(1, 'required').max(20);
const Months = z.number().int('whole months').min(0, 'must not be negative').max(1200);
const Amount = z.number().min(0, 'must not be negative').max(99_999_999_999, 'too large');
const someField = (b: Record<string, unknown>) => Object.values(b).some((v) => v !== undefined);

/** Why an event is withdrawn: a code, so the audit entry can say it. */
export const WITHDRAWAL_REASONS = ['recorded_by_mistake', 'wrong_case', 'duplicate', 'other'] as const;

export const EventParams = z.strictObject({ id: z.uuid(), eventId: z.uuid() });
export const ChargeParams = z.strictObject({ id: z.uuid(), defendantId: z.uuid(), chargeId: z.uuid() });
export const VerdictParams = z.strictObject({ id: z.uuid(), defendantId: z.uuid(), verdictId: z.uuid() });
export const SentenceParams = z.strictObject({ id: z.uuid(), defendantId: z.uuid(), sentenceId: z.uuid() });
export const VictimParams = z.strictObject({ id: z.uuid(), victimId: z.uuid() });
export const CooperationParams = z.strictObject({ id: z.uuid(), requestId: z.uuid() });

export const CorrectEventBody = z
  .strictObject({
    occurredOn: Day.optional(),
    ground: z.enum(TERMINATION_GROUNDS).optional(),
    appealBy: z.enum(APPEAL_PARTIES).optional(),
    documentNumber: z.string().trim().min(1).max(100).nullable().optional(),
  })
  .refine(someField, { message: 'give at least one field to correct', path: ['occurredOn'] });

export const WithdrawEventBody = z.strictObject({ reason: z.enum(WITHDRAWAL_REASONS) });

export const CorrectChargeBody = z
  .strictObject({ article: ArticleCode.optional(), broughtOn: Day.optional() })
  .refine(someField, { message: 'give at least one field to correct', path: ['article'] });

/** A reclassification is not corrected here (it made a new charge): record the decision anew instead. */
export const CorrectVerdictBody = z
  .strictObject({
    outcome: z.enum(['convicted', 'acquitted', 'terminated', 'returned']).optional(),
    decidedOn: Day.optional(),
    terminationGround: z.enum(TERMINATION_GROUNDS).nullable().optional(),
  })
  .refine(someField, { message: 'give at least one field to correct', path: ['outcome'] });

/** The fields of a sentence to correct; the result must be a whole sentence (the rules of recording one). */
export const CorrectSentenceBody = z
  .strictObject({
    instance: z.enum(INSTANCES).optional(),
    imposedOn: Day.optional(),
    type: z.enum(SENTENCE_TYPES).optional(),
    termMonths: Months.nullable().optional(),
    fineAmount: Amount.nullable().optional(),
    suspended: z.boolean().optional(),
    probationMonths: Months.nullable().optional(),
    deferred: z.boolean().optional(),
    deferralGround: z.enum(DEFERRAL_GROUNDS).nullable().optional(),
    deferredUntil: Day.nullable().optional(),
    belowMinimumGround: z.string().trim().min(1).max(200).nullable().optional(),
    mitigating: z.array(z.enum(MITIGATING_CODES)).max(10).optional(),
    confiscation: z.boolean().optional(),
    deprivationOfRights: z.boolean().optional(),
    releasedOn: Day.nullable().optional(),
    releaseBasis: z.enum(RELEASE_BASES).nullable().optional(),
    releaseAct: z.string().trim().min(1).max(100).nullable().optional(),
  })
  .refine(someField, { message: 'give at least one field to correct', path: ['type'] });

export const UpdateVictimBody = z
  .strictObject({
    testified: z.boolean().optional(),
    protectionMeasures: z.array(z.enum(PROTECTION_MEASURES)).max(10).optional(),
    compensationClaimed: Amount.nullable().optional(),
    compensationOrdered: Amount.nullable().optional(),
    compensationPaid: Amount.nullable().optional(),
    nonPunishment: z.boolean().optional(),
  })
  .refine(someField, { message: 'give at least one field to change', path: ['testified'] });

export const UpdateCooperationBody = z
  .strictObject({ outcome: z.enum(COOPERATION_OUTCOMES).optional(), outcomeOn: Day.nullable().optional() })
  .refine(someField, { message: 'give at least one field to change', path: ['outcome'] });

/** `GET /cases/:id/criminal-cases`: the criminal cases of an NRM case that the user may read. */
export const LinkedCriminalCase = z.object({
  id: z.uuid(),
  caseNumber: z.string(),
  ownerAgencyName: z.string(),
  openedOn: z.string(),
  status: z.enum(CRIMINAL_CASE_STATUSES),
});
