import { z } from 'zod';
import { LANGUAGES } from './common.ts';

const Text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
/** The honeypot: a field people never see. Whatever a bot puts in it, the answer looks like success and nothing is stored. */
const Honeypot = z.string().max(1000).optional();

export const PublicReportBody = z
  .strictObject({
    description: Text(10_000).min(10, 'at least 10 characters'),
    /** Where it happens: a city, a district, an address. */
    location: Text(100).optional(),
    name: Text(200).optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number').optional(),
    email: z.email('an e-mail address').max(320).optional(),
    /** The reporter agrees to be called back on `phone`. */
    callbackConsent: z.boolean().default(false),
    language: z.enum(LANGUAGES).default('az'),
    website: Honeypot,
  })
  .superRefine((b, ctx) => {
    if (b.callbackConsent && !b.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'required for a call-back' });
  });
export type PublicReportBody = z.infer<typeof PublicReportBody>;

export const PublicReportReceipt = z.object({
  /** Shown once: only its hash is kept. Groups of four letters and digits (Crockford base32, 100 bits). */
  code: z.string(),
  receivedAt: z.string(),
});

export const FollowUpBody = z.strictObject({ code: z.string().trim().min(1, 'required').max(64) });

export const FollowUpAddBody = z.strictObject({
  code: z.string().trim().min(1, 'required').max(64),
  body: Text(10_000).min(1, 'required'),
  website: Honeypot,
});

export const FollowUpThread = z.object({
  receivedAt: z.string(),
  messages: z.array(z.object({ direction: z.enum(['in', 'out']), body: z.string(), createdAt: z.string() })),
});
export type FollowUpThread = z.infer<typeof FollowUpThread>;

export const FollowUpAdded = z.object({ receivedAt: z.string() });
