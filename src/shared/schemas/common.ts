import { z } from 'zod';

import { LANGUAGES } from '../languages.ts';

export { LANGUAGES };
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

export const Uuid = z.uuid();
export const IdParams = z.strictObject({ id: z.uuid() });

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The longest cursor any list gives out: a sorted list's cursor carries its last row's value sealed (a 500-letter title, in base64, with room). */
export const CURSOR_MAX = 3000;

/** Keyset pagination: `cursor` is opaque; `nextCursor` is null on the last page. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(CURSOR_MAX).optional(),
});
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Password = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');
export const Email = z.email().max(320).transform((e) => e.toLowerCase());
export const Name = z.string().trim().min(1, 'required').max(200);

export const Ok = z.object({ ok: z.literal(true) });
