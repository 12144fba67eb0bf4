import { z } from 'zod';
import { badRequest } from '../errors.ts';

/** Keyset cursors over `(created_at, id)`: stable under inserts, cheap on an index, opaque to clients. */
export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) throw new Error();
    return { createdAt, id };
  } catch {
    throw badRequest('validation_failed', 'The cursor is not one this API gave out', { cursor: 'invalid cursor' });
  }
}

/** Fetch `limit + 1` rows, give back `limit` and the cursor of the last one when there were more. */
export function pageOf<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { rows: pageRows, nextCursor: more && last ? encodeCursor(last) : null };
}

export const isUniqueViolation = (e: unknown, constraint?: string): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505' &&
  (constraint === undefined || (e as { constraint?: string }).constraint === constraint);

export const isForeignKeyViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === '23503';
