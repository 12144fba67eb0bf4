import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_STATUSES, URGENCIES } from '../hotline.ts';

/**
 * An operator's state in the console (hotline.md, "Supervisors see ... operators' states"). `available`
 * and `break` are the operator's own choice; `on_contact` (accepted a contact) and `wrap_up` (the call
 * ended, the form is still open) follow from the contact; `offline` follows from the console: the
 * operator was available or on a break and their console closed (or stopped beating).
 */
export const OPERATOR_STATES = ['available', 'on_contact', 'wrap_up', 'break', 'offline'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];
/** The states an operator may choose; the others are set by what happens to their contact. */
export const CHOSEN_OPERATOR_STATES = ['available', 'break'] as const;

export const OperatorStateView = z.object({
  userId: z.uuid(),
  /** null: the user has not set a state in the console yet. */
  state: z.enum(OPERATOR_STATES).nullable(),
  since: z.string().nullable(),
  contactId: z.uuid().nullable(),
});
export type OperatorStateView = z.infer<typeof OperatorStateView>;

export const SetOperatorStateBody = z.strictObject({ state: z.enum(CHOSEN_OPERATOR_STATES) });

export const QueueItem = z.object({
  id: z.uuid(),
  channel: z.enum(CONTACT_CHANNELS),
  status: z.enum(CONTACT_STATUSES),
  urgency: z.enum(URGENCIES),
  region: z.string().nullable(),
  assignedUserId: z.uuid().nullable(),
  receivedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Received to answered, or to now while it waits; for abandoned contacts, to the end of the call. */
  waitSeconds: z.number(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** An escalation as the alerted agencies see it: no personal data of the contact beyond the reason. */
export const EscalationAlert = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  reason: z.string(),
  region: z.string().nullable(),
  channel: z.enum(CONTACT_CHANNELS),
  createdAt: z.string(),
  createdByName: z.string(),
  alertedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedByName: z.string().nullable(),
  /** From the alert to the acknowledgement; null while open. */
  secondsToAcknowledge: z.number().nullable(),
});
export type EscalationAlert = z.infer<typeof EscalationAlert>;

export const EscalationListQuery = z.strictObject({
  /** true: only the unacknowledged ones; false (default): open ones and those of the last 24 hours. */
  open: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export const EscalationList = z.object({ items: z.array(EscalationAlert) });

export const OperatorRow = OperatorStateView.extend({ name: z.string(), email: z.string() });

export const TodayNumbers = z.object({
  /** The start of today in the supervisor's time zone. */
  since: z.string(),
  received: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  waitingNow: z.number().int(),
  escalationsOpen: z.number().int(),
});

export const SupervisorOverview = z.object({
  operators: z.array(OperatorRow),
  /** Waiting (new or ringing), oldest first. */
  waiting: z.array(QueueItem),
  /** Taken (in progress or wrap-up), oldest first. */
  active: z.array(QueueItem),
  /** Abandoned today, newest first. */
  abandoned: z.array(QueueItem),
  today: TodayNumbers,
  escalations: z.array(EscalationAlert),
});
export type SupervisorOverview = z.infer<typeof SupervisorOverview>;
