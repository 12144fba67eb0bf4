import { z } from 'zod';

export const AuditEntryView = z.object({
  seq: z.string(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorAgencyId: z.string().nullable(),
  /** The acting user's agency, by name. */
  actorAgencyName: z.string().nullable().optional(),
  via: z.string(),
  tokenId: z.string().nullable(),
  action: z.string(),
  recordType: z.string().nullable(),
  recordId: z.string().nullable(),
  /**
   * The record by a name that identifies no victim: a case number (a referral's case's), a user's,
   * agency's, provider's, outlet's, sign-in provider's or token's name; a contact's channel and time.
   * Null for people, journalists and incidents, and for records that no longer exist.
   */
  record: z.object({ name: z.string().nullable(), channel: z.string().optional(), receivedAt: z.string().optional() }).nullable().optional(),
  changes: z.unknown(),
  purpose: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  flagged: z.boolean(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditQuery = z.strictObject({
  actorUserId: z.uuid().optional(),
  action: z.string().trim().max(100).optional(),
  recordType: z.string().trim().max(50).optional(),
  recordId: z.string().trim().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** A person's name: entries of the searches that could have been for them (the log holds only keyed hashes of searched names). */
  name: z.string().trim().min(1).max(200).describe("a person's name, any script: the searches that could have been for them").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The seq of the last entry seen: the next page holds older entries. */
  before: z
    .string()
    .regex(/^\d{1,19}$/, 'a sequence number')
    .refine((v) => !/^\d{1,19}$/.test(v) || BigInt(v) <= 9223372036854775807n, 'a sequence number')
    .optional(),
});

/**
 * Noted at an earlier check: `a<id>:<hash>`, the anchor a check printed, or `<seq>:<hash>`, an entry
 * (what checks printed before the log had several chains). The check then also fails if it is gone or changed.
 */
export const VerifyQuery = z.strictObject({
  anchor: z
    .string()
    .regex(/^a?\d{1,19}:[0-9a-f]{64}$/, 'a<id>:hash (or seq:hash), as an earlier check printed it')
    .transform((v) => {
      const [at, hash] = v.split(':') as [string, string];
      return at.startsWith('a') ? { kind: 'anchor' as const, id: at.slice(1), hash } : { kind: 'entry' as const, seq: at, hash };
    })
    .optional(),
});

export const ChainReport = z.object({
  ok: z.boolean(),
  checked: z.number().describe('entries verified (before the first broken one)'),
  chains: z.number().optional().describe('chains holding entries'),
  anchor: z
    .object({ id: z.string(), hash: z.string() })
    .nullable()
    .optional()
    .describe('the newest anchor, written just before the check: note `a<id>:<hash>` outside Pathway and pass it as `anchor` next time'),
  firstBroken: z
    .object({
      seq: z.string().nullable().describe('the broken entry; null where the entry is missing'),
      chain: z.number().nullable(),
      pos: z.string().nullable().describe('position in the chain (chain 0: the seq)'),
      anchor: z.string().nullable().describe('a broken anchor, when no entry is broken'),
      reason: z.string(),
    })
    .optional(),
});
