import { CASE_SECTIONS, REFERRAL_PURPOSES } from '../nrm.ts';
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
  /** A receiver's request for sections of a referral (`POST /referrals/:id/ask-sections`): the referral and the sections asked for. */
  referralId: z.uuid().nullable(),
  askedSections: z.array(z.enum(CASE_SECTIONS)).nullable(),
});
export type TaskView = z.infer<typeof TaskView>;

export const MyTasksQuery = z.strictObject({
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** By due time: `due` soonest first (the default), `-due` latest first. */
  sort: z.enum(['due', '-due']).default('due'),
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
  /** What the caller may reassign from this row: the task (its assignee), the case's case worker, the referral's handler. */
  reassign: z.array(z.enum(['task', 'case_worker', 'referral_handler'])),
  /** For a referral's rows: its purpose (an identification referral's handler decides on identification) and its handler. */
  purpose: z.enum(REFERRAL_PURPOSES).optional(),
  handlerUserId: z.uuid().nullable().optional(),
});
export const OverdueView = z.object({
  counts: z.object({ task: z.number().int(), referral: z.number().int(), reasonable_grounds: z.number().int() }),
  items: z.array(OverdueItem),
});

/** What a reminder is about: the sweep's kinds (`investigation_due`: a criminal case's investigation time limit), and the notices of a reassignment to the new assignee. */
export const REMINDER_KINDS = ['task_due', 'referral_overdue', 'rg_overdue', 'task_assigned', 'case_assigned', 'permit_expiry', 'referral_assigned', 'investigation_due'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const ReminderView = z.object({
  id: z.uuid(),
  kind: z.enum(REMINDER_KINDS),
  subjectId: z.uuid(),
  /** The NRM case; null for a criminal case's reminder (`criminalCaseId`). */
  caseId: z.uuid().nullable(),
  criminalCaseId: z.uuid().nullable(),
  /** The NRM case's number, or the criminal case's. */
  caseNumber: z.string(),
  dueAt: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/** `POST /cases/:id/tasks/:taskId/reassign`: to another active user of the agency that owns the case. */
export const ReassignTaskBody = z.strictObject({
  assignedUserId: z.uuid(),
  /** Why; kept in the audit log, never shown on the timeline. */
  reason: z.string().trim().max(500).optional(),
});
/** `POST /cases/:id/reassign`: the case worker responsible, another user of the owning agency who works cases. */
export const ReassignCaseBody = z.strictObject({
  ownerUserId: z.uuid(),
  reason: z.string().trim().max(500).optional(),
});
export const CaseWorkerView = z.object({ caseId: z.uuid(), caseNumber: z.string(), ownerUserId: z.uuid(), ownerUserName: z.string() });

/** Who a supervisor may pick: active people of their agency who can take tasks, or be a case's worker. */
export const AssigneesQuery = z.strictObject({ for: z.enum(['task', 'case_worker', 'referral_handler', 'identification_handler']).default('task') });
export const AssigneeView = z.object({ id: z.uuid(), name: z.string() });
