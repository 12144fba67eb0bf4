import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { openField, sealField } from '../crypto/record-keys.ts';

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

/**
 * Keyset cursors of a list that has several orders (`sort`): the order the cursor was made for, the
 * last row's value in that order (an instant as ISO text, or text) and its id. A cursor is only good
 * for the order it was made for: used with another it would skip or repeat rows, so it is a 400.
 */
export type SortCursor = { sort: string; value: string; id: string };

/**
 * Sealed (encrypted and authenticated under the master key; the order it was made for inside): a sort value can be
 * a journalist's name in a press title or a user's name, and a cursor travels in a URL that proxies
 * log. A client can neither read nor forge one.
 */
export function encodeSortCursor(sort: string, value: Date | string, id: string): string {
  return sealField('cursors', 'sort', 'v1', JSON.stringify([sort, value instanceof Date ? value.toISOString() : value, id]))!.toString('base64url');
}

/** The parts of a cursor: sealed (this version), or the older plain two-part (created_at, id) form, which names nothing. */
function cursorParts(cursor: string): unknown {
  const raw = Buffer.from(cursor, 'base64url');
  try {
    return JSON.parse(openField('cursors', 'sort', 'v1', raw)!) as unknown;
  } catch {
    const plain = JSON.parse(raw.toString('utf8')) as unknown;
    if (Array.isArray(plain) && plain.length === 2) return plain;
    throw new Error('not a cursor of ours');
  }
}

/**
 * The cursor of a list ordered by `sort`; `valid` checks the value (a date, a number's text). A cursor
 * of the older two-part form (created_at, id) is read as one of `legacySort`, the order it was made for.
 */
export function decodeSortCursor(cursor: string | undefined, sort: string, valid: (value: string) => boolean, legacySort?: string): SortCursor | undefined {
  if (cursor === undefined) return undefined;
  let parsed: SortCursor;
  try {
    const parts = cursorParts(cursor);
    if (!Array.isArray(parts) || !parts.every((x) => typeof x === 'string')) throw new Error();
    const [a, b, c] = parts as string[];
    if (parts.length === 2 && legacySort !== undefined) parsed = { sort: legacySort, value: a!, id: b! };
    else if (parts.length === 3) parsed = { sort: a!, value: b!, id: c! };
    else throw new Error();
    if (!z.uuid().safeParse(parsed.id).success || parsed.value.length > 1000 || parsed.value.includes('\u0000')) throw new Error();
  } catch {
    throw badRequest('validation_failed', 'The cursor is not one this API gave out', { cursor: 'invalid cursor' });
  }
  if (parsed.sort !== sort) {
    throw badRequest('validation_failed', `The cursor was made for sort=${parsed.sort}, not sort=${sort}: ask for the first page of this order`, { cursor: `made for sort=${parsed.sort}`, sort: `the cursor was made for sort=${parsed.sort}` });
  }
  if (!valid(parsed.value)) throw badRequest('validation_failed', 'The cursor is not one this API gave out', { cursor: 'invalid cursor' });
  return parsed;
}

/** Whether `text` is an instant (as a sort cursor's value of a time column). */
export const isInstant = (text: string): boolean => {
  const d = new Date(text);
  // As this API writes them (toISOString), so that no rolled-over date (February 30th) reaches PostgreSQL.
  return !Number.isNaN(d.getTime()) && d.toISOString() === text;
};

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
