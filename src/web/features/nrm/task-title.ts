import type { TFunction } from 'i18next';
import type { TaskView } from '../../../shared/schemas/tasks.ts';
import { codeLabel } from './labels.ts';

/** A task's title as shown: a receiver's request for sections in the reader's language, else what its author typed. */
export const taskTitle = (t: TFunction, k: Pick<TaskView, 'title' | 'askedSections'>): string =>
  k.askedSections ? t('handoffs.askTask', { sections: k.askedSections.map((s) => codeLabel(t, 'section', s)).join(', ') }) : (k.title ?? '—');
