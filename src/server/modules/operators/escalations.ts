import { openField } from '../../crypto/record-keys.ts';
import type { Principal } from '../../access/principal.ts';
import type { Permission } from '../../../shared/roles.ts';

/*
 * Who answers escalations, and how an escalation's reason is opened: what the operators' console and
 * the contacts both need. It sits in `operators`, which `contacts` imports (and never the reverse).
 */

/**
 * Who, in an agency an immediate-danger escalation alerts, reads its reason (often where a person in
 * danger is now) and acknowledges it: those who answer the alert. The hotline's operators and
 * supervisors (a contact permission, or `contacts:supervise`) and the police's investigators
 * (`investigation:read:agency`, held only by law enforcement roles). Not analysts, auditors,
 * administrators or anyone else who merely belongs to the agency.
 */
export const ESCALATION_PERMISSIONS: readonly Permission[] = [
  'contacts:supervise',
  'contact:read:own',
  'contact:read:agency',
  'contact:read:all',
  'investigation:read:agency',
];

export const mayAnswerEscalations = (p: Principal): boolean => ESCALATION_PERMISSIONS.some((x) => p.permissions.has(x));

/** An escalation's reason, opened (sealed at rest with the escalation's id). */
export const openEscalationReason = (id: string, reasonEnc: Buffer | null): string => openField('contact_escalations', 'reason', id, reasonEnc) ?? '';
