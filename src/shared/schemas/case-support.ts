import { z } from 'zod';
import { ASSISTANCE_SERVICES, ASSISTANCE_SERVICE_STATUSES, DOCUMENT_KINDS, DOCUMENT_TYPES } from '../nrm.ts';

/** Case documents: upload with the raw bytes as the body and these as the query. */
export const DocumentUploadQuery = z.strictObject({
  name: z.string().trim().min(1, 'required').max(255, 'at most 255 characters'),
  kind: z.enum(DOCUMENT_KINDS).default('other'),
});
export const DocumentParams = z.strictObject({ id: z.uuid(), documentId: z.uuid() });
export const DocumentContentQuery = z.strictObject({
  /** `inline` for a preview in the browser (images and PDFs), `attachment` (default) to save it. */
  disposition: z.enum(['inline', 'attachment']).default('attachment'),
});
export const DocumentView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  fileName: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  contentType: z.enum(DOCUMENT_TYPES),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.uuid(),
  createdAt: z.string(),
});
export type DocumentView = z.infer<typeof DocumentView>;
export const DocumentList = z.object({ items: z.array(DocumentView), maxBytes: z.number().int() });

const Day = z.iso.date();
const Text = (max: number) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);

/** The needs assessment and goals of a case's assistance plan (CETS art. 12). */
export const AssistancePlanBody = z.strictObject({
  needsAssessment: Text(20_000).nullable().optional(),
  assessedOn: Day.nullable().optional(),
  goals: z.array(Text(1000)).max(50).optional(),
});

const serviceFields = {
  status: z.enum(ASSISTANCE_SERVICE_STATUSES),
  providerId: z.uuid().nullable(),
  /** The person's consent (kind `assistance`) to this service. */
  consentId: z.uuid().nullable(),
  plannedOn: Day.nullable(),
  startedOn: Day.nullable(),
  endedOn: Day.nullable(),
  note: Text(5000).nullable(),
};
export const AddAssistanceServiceBody = z.strictObject({
  service: z.enum(ASSISTANCE_SERVICES),
  ...Object.fromEntries(Object.entries(serviceFields).map(([k, v]) => [k, v.optional()])),
} as { service: z.ZodEnum<{ [K in (typeof ASSISTANCE_SERVICES)[number]]: K }> } & { [K in keyof typeof serviceFields]: z.ZodOptional<(typeof serviceFields)[K]> });
export const UpdateAssistanceServiceBody = z
  .strictObject(Object.fromEntries(Object.entries(serviceFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof serviceFields]: z.ZodOptional<(typeof serviceFields)[K]> })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field');
export const AssistanceServiceParams = z.strictObject({ id: z.uuid(), serviceId: z.uuid() });

export const AssistanceServiceView = z.object({
  id: z.uuid(),
  service: z.enum(ASSISTANCE_SERVICES),
  status: z.enum(ASSISTANCE_SERVICE_STATUSES),
  providerId: z.uuid().nullable(),
  providerName: z.string().nullable(),
  consentId: z.uuid().nullable(),
  /** Whether the linked consent is still in force (not withdrawn); null without a consent. */
  consentActive: z.boolean().nullable(),
  plannedOn: z.string().nullable(),
  startedOn: z.string().nullable(),
  endedOn: z.string().nullable(),
  note: z.string().nullable().optional(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const AssistancePlanView = z.object({
  caseId: z.uuid(),
  needsAssessment: z.string().nullable().optional(),
  assessedOn: z.string().nullable(),
  goals: z.array(z.string()).optional(),
  updatedBy: z.uuid().nullable(),
  updatedAt: z.string().nullable(),
  services: z.array(AssistanceServiceView),
});
export type AssistancePlanView = z.infer<typeof AssistancePlanView>;
