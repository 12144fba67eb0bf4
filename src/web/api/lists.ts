import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import type { z } from 'zod';
import { page } from '../../shared/schemas/common.ts';
import { api, withQuery } from './client.ts';

/** A keyset-paginated list (`cursor` / `nextCursor`) with "load more". */
export function usePagedList<T extends z.ZodType>(key: QueryKey, path: string, item: T, query: Record<string, string | number | undefined>) {
  const schema = page(item);
  const q = useInfiniteQuery({
    queryKey: [...key, query],
    queryFn: ({ pageParam }) => api('GET', withQuery(path, { ...query, cursor: pageParam }), undefined, schema),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items: z.infer<T>[] = q.data?.pages.flatMap((p) => p.items as z.infer<T>[]) ?? [];
  return { ...q, items };
}
