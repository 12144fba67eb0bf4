import { z } from 'zod';

export const CreateTaskBody = z.strictObject({
  title: z.string().trim().min(1, 'required').max(500),
  dueAt: z.iso.datetime({ offset: true }),
  /** A user of the agency that owns the case; default: the one creating it. */
  assignedUserId: z.uuid().optional(),
});
export const TaskParams = z.strictObject({ id: z.uuid(), taskId: z.uuid() });

export const TaskView = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.string(),
  title: z.string().optional(),
  dueAt: z.string(),
  assignedUserId: z.uuid(),
  assignedUserName: z.string(),
  createdBy: z.uuid(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.uuid().nullable(),
  /** Open and past its due time. */
  overdue: z.boolean(),
});
export type TaskView = z.infer<typeof TaskView>;

export const MyTasksQuery = z.strictObject({
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

/** One overdue thing in the oversight view: anonymous (case number, agency, kind, due). */
export const OverdueItem = z.object({
  kind: z.enum(['task', 'referral', 'reasonable_grounds']),
  id: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  dueAt: z.string(),
});
export const OverdueView = z.object({
  counts: z.object({ task: z.number().int(), referral: z.number().int(), reasonable_grounds: z.number().int() }),
  items: z.array(OverdueItem),
});

export const ReminderView = z.object({
  id: z.uuid(),
  kind: z.enum(['task_due', 'referral_overdue', 'rg_overdue']),
  subjectId: z.uuid(),
  caseId: z.uuid(),
  caseNumber: z.string(),
  dueAt: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
