import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { page } from '../../../../shared/schemas/common.ts';
import { ContactDetail, ContactView, DraftView, HistoryView } from '../../../../shared/schemas/contacts.ts';
import { EscalationList, OperatorStateView, SupervisorOverview } from '../../../../shared/schemas/operators.ts';
import { CatalogueView } from '../../../../shared/schemas/screening.ts';
import { api, isApiError } from '../../../api/client.ts';
import { conversationKey } from '../conversation/ConversationPanel.tsx';

export const HOTLINE_KEY = ['hotline'] as const;
export const QUEUE_KEY = [...HOTLINE_KEY, 'queue'] as const;
export const STATE_KEY = [...HOTLINE_KEY, 'my-state'] as const;
export const ESCALATIONS_KEY = [...HOTLINE_KEY, 'escalations'] as const;
export const OVERVIEW_KEY = [...HOTLINE_KEY, 'overview'] as const;
export const contactKey = (id: string) => [...HOTLINE_KEY, 'contact', id] as const;

export type LiveEventName = 'ready' | 'contact' | 'escalation' | 'operator_state';
export type LiveData = Record<string, unknown>;

/**
 * The live queue (server-sent events). The browser's EventSource reconnects by itself; events sent
 * while it was away are not replayed, so on every `ready` (the first and each reconnect) the lists
 * are loaded again.
 */
export function useLiveStream(onEvent?: (name: LiveEventName, data: LiveData) => void) {
  const qc = useQueryClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    // A burst of events (a campaign, a webhook retry storm) reloads each list at most every 250 ms.
    const due = new Map<string, ReturnType<typeof setTimeout>>();
    const reload = (key: readonly string[]) => {
      const k = key.join('/');
      if (due.has(k)) return;
      due.set(k, setTimeout(() => {
        due.delete(k);
        void qc.invalidateQueries({ queryKey: key });
      }, 250));
    };
    const es = new EventSource('/api/v1/contacts/stream', { withCredentials: true });
    const on = (name: LiveEventName) => (ev: MessageEvent<string>) => {
      let data: LiveData = {};
      try {
        data = JSON.parse(ev.data) as LiveData;
      } catch {
        return;
      }
      if (name === 'ready') void qc.invalidateQueries({ queryKey: HOTLINE_KEY });
      if (name === 'contact') {
        reload(QUEUE_KEY);
        reload(OVERVIEW_KEY);
        if (typeof data.id === 'string') {
          void qc.invalidateQueries({ queryKey: contactKey(data.id), refetchType: 'none' });
          reload(conversationKey(data.id));
        }
      }
      if (name === 'escalation') {
        reload(ESCALATIONS_KEY);
        reload(OVERVIEW_KEY);
      }
      if (name === 'operator_state') {
        reload(STATE_KEY);
        reload(OVERVIEW_KEY);
      }
      handler.current?.(name, data);
    };
    const names: LiveEventName[] = ['ready', 'contact', 'escalation', 'operator_state'];
    const listeners = names.map((n) => [n, on(n)] as const);
    for (const [n, l] of listeners) es.addEventListener(n, l);
    return () => {
      for (const [n, l] of listeners) es.removeEventListener(n, l);
      for (const timer of due.values()) clearTimeout(timer);
      es.close();
    };
  }, [qc]);
}

const OPEN = 'new,ringing,in_progress,wrap_up';
/** The agency's open contacts, newest first (the console splits waiting and mine). */
export const useQueue = () =>
  useQuery({ queryKey: QUEUE_KEY, queryFn: () => api('GET', `/contacts?status=${OPEN}&limit=200`, undefined, page(ContactView)) });

export const useContact = (id: string) => useQuery({ queryKey: contactKey(id), queryFn: () => api('GET', `/contacts/${id}`, undefined, ContactDetail) });

export const useHistory = (id: string) =>
  useQuery({ queryKey: [...contactKey(id), 'history'], queryFn: () => api('GET', `/contacts/${id}/history`, undefined, HistoryView) });

export const useMyState = (enabled: boolean) => useQuery({ queryKey: STATE_KEY, queryFn: () => api('GET', '/operator/state', undefined, OperatorStateView), enabled });

export const useEscalations = () => useQuery({ queryKey: ESCALATIONS_KEY, queryFn: () => api('GET', '/escalations', undefined, EscalationList) });

export const useOverview = () => useQuery({ queryKey: OVERVIEW_KEY, queryFn: () => api('GET', '/supervisor/overview', undefined, SupervisorOverview) });

export const useCatalogue = () =>
  useQuery({ queryKey: [...HOTLINE_KEY, 'catalogue'], queryFn: () => api('GET', '/screenings/catalogue', undefined, CatalogueView), staleTime: Infinity });

/** The saved draft, or null when there is none yet. */
export async function loadDraft(id: string): Promise<z.infer<typeof DraftView> | null> {
  try {
    return await api('GET', `/contacts/${id}/draft`, undefined, DraftView);
  } catch (e) {
    if (isApiError(e) && e.status === 404 && e.message.startsWith('Draft')) return null;
    throw e;
  }
}
