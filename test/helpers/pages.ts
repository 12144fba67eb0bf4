import { expect } from 'vitest';

type Answer = { statusCode: number; body: string; json: () => unknown };

/**
 * Every page of a keyset-paginated list, following each answer's `nextCursor` (at most `max` pages):
 * the ids in the order the pages gave them, and how many pages that took. `get` asks for one page,
 * given the cursor (null for the first); every page must answer 200.
 */
export async function followPages(get: (cursor: string | null) => Promise<Answer>, max = 10): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(cursor);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < max);
  return { ids, pages };
}
