import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import type { TFunction } from 'i18next';
import { page } from '../../../shared/schemas/common.ts';
import { AgencyView } from '../../../shared/schemas/admin.ts';
import { MeasureView, MeetingListItem, MeetingView, MyView, PlanDetail, PlanView, ReminderView, ReportSummary, ReportView, type Deadline } from '../../../shared/schemas/action-plan.ts';
import { api, withQuery } from '../../api/client.ts';

export const PLAN_KEY = ['action-plan'];

export const usePlans = () => useQuery({ queryKey: [...PLAN_KEY, 'plans'], queryFn: () => api('GET', '/action-plan/plans', undefined, z.object({ items: z.array(PlanView) })) });
export const usePlan = (id: string, params: { order: 'late_first' | 'number'; status?: string; agencyId?: string }) =>
  useQuery({ queryKey: [...PLAN_KEY, 'plan', id, params], queryFn: () => api('GET', withQuery(`/action-plan/plans/${id}`, params), undefined, PlanDetail), placeholderData: (p) => p });
export const useMeasure = (id: string) => useQuery({ queryKey: [...PLAN_KEY, 'measure', id], queryFn: () => api('GET', `/action-plan/measures/${id}`, undefined, MeasureView) });
export const useReport = (id: string) => useQuery({ queryKey: [...PLAN_KEY, 'report', id], queryFn: () => api('GET', `/action-plan/reports/${id}`, undefined, ReportView) });
const ReportListItem = ReportSummary.extend({ subjectNumber: z.string(), measureId: z.uuid().nullable(), actionItemId: z.uuid().nullable(), returnReason: z.string().nullable() });
export const useReports = (review?: string) =>
  useQuery({ queryKey: [...PLAN_KEY, 'reports', review], queryFn: () => api('GET', withQuery('/action-plan/reports', { review }), undefined, z.object({ items: z.array(ReportListItem) })) });
export const useMine = () => useQuery({ queryKey: [...PLAN_KEY, 'mine'], queryFn: () => api('GET', '/action-plan/mine', undefined, MyView) });
export const useReminders = (enabled: boolean) =>
  useQuery({ queryKey: [...PLAN_KEY, 'reminders'], queryFn: () => api('GET', '/action-plan/reminders', undefined, z.object({ items: z.array(ReminderView) })), enabled });
export const useMeetings = () => useQuery({ queryKey: [...PLAN_KEY, 'meetings'], queryFn: () => api('GET', '/action-plan/meetings', undefined, z.object({ items: z.array(MeetingListItem) })) });
export const useMeeting = (id: string) => useQuery({ queryKey: [...PLAN_KEY, 'meeting', id], queryFn: () => api('GET', `/action-plan/meetings/${id}`, undefined, MeetingView) });
export const useAgencyOptions = () =>
  useQuery({
    queryKey: ['agencies', 'all-options'],
    queryFn: () => api('GET', withQuery('/agencies', { limit: 200 }), undefined, page(AgencyView)),
    select: (p) => p.items.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.name })),
  });

export const STATUS_COLOR: Record<string, string> = { late: 'red', not_started: 'gray', on_track: 'blue', done: 'green', dropped: 'dark' };
export const REVIEW_COLOR: Record<string, string> = { submitted: 'yellow', accepted: 'green', returned: 'orange' };

/** A deadline in words: a day (formatted), a year, years, or continuous. */
export function deadlineText(t: TFunction, d: Deadline, day: (s: string) => string): string {
  switch (d.kind) {
    case 'date':
      return day(d.on);
    case 'year':
      return t('actionPlan.deadline.year', { year: String(d.year) });
    case 'period':
      return t('actionPlan.deadline.period', { from: String(d.fromYear), to: String(d.toYear) });
    case 'continuous':
      return t('actionPlan.deadline.continuous');
  }
}
