/** Domain vocabulary for the access model, shared by server and web. */

export const AGENCY_TYPES = [
  'government',
  'police',
  'prosecution',
  'court',
  'ngo',
  'shelter',
  'international',
  'coordinator',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

export const ROLES = [
  'operator',
  'case_worker',
  'supervisor',
  'identification_officer',
  'investigator',
  'prosecutor',
  'court_clerk',
  'coordinator',
  /** A ministry's (or any responsible body's) focal point for the national action plan: reports on its measures. */
  'plan_focal_point',
  'analyst',
  'press_monitor',
  'press_reviewer',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

/** How far a permission on records reaches. `granted` adds records shared with the user's agency. */
export const SCOPES = ['own', 'agency', 'granted', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

/** Sensitivity tags on fields of personal records; a role sees a tagged field only with `sensitive:<tag>`. */
export const SENSITIVITY_TAGS = ['identity', 'contact', 'location', 'health', 'narrative'] as const;
export type SensitivityTag = (typeof SENSITIVITY_TAGS)[number];

/** Record types that later modules plug into the policy engine. */
export const RECORD_TYPES = ['contact', 'case', 'person', 'referral', 'document', 'investigation', 'incident'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const RECORD_ACTIONS = ['read', 'update', 'create'] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

/** Permissions that are not about one record. */
export const SYSTEM_PERMISSIONS = [
  'users:manage',
  'agencies:manage',
  'roles:manage',
  'audit:read',
  'audit:verify',
  'tokens:service',
  'break_glass',
  'reports:aggregate',
  'contacts:supervise',
  /** The hotline manager's dashboard and its exports: aggregate figures of contacts, no personal data. */
  'hotline:reports',
  /** Publish a press-freedom incident to the public page, or withdraw it. */
  'incidents:publish',
  /** Override a derived press-freedom figure, with a reason; flagged in the audit log. */
  'incidents:override',
  /** Keep the service providers' directory (add, edit, deactivate providers). */
  'providers:manage',
  /** Record reasonable-grounds and conclusive identification decisions (the competent authority). */
  'identification:decide',
  /** Open a case whose access a prosecutor or court ended (auditors; supervisors of the owning agency only). */
  'cases:read_restricted',
  /** The hotline's channels: its agency, the Twilio and Telegram settings and secrets, test contacts (the Channels screen). */
  'channels:manage',
  /** Bulk HTCDS export with names, dates of birth, free text and case numbers (the default export is de-identified). */
  'htcds:export_identifying',
  /** The national action plan: plans, measures, meetings, dropping measures, reviewing progress reports (the coordinator's office). */
  'action_plan:manage',
  /** Read every plan, measure, report and meeting (the coordinator, analysts, auditors). */
  'action_plan:read',
  /** Report progress on the measures and action items of one's own agency. */
  'action_plan:report',
  /** Prepare a statistical release: the national tables frozen after disclosure control (analysts, the coordinator's office). */
  'statistics:prepare',
  /** Approve a statistical release for the public (the coordinator's office; never the person who prepared it). */
  'statistics:approve',
] as const;
export type SystemPermission = (typeof SYSTEM_PERMISSIONS)[number];

/** `record:action:scope`, for example `case:read:agency`. */
export type RecordPermission = `${RecordType}:${RecordAction}:${Scope}`;
export type SensitivePermission = `sensitive:${SensitivityTag}`;
export type Permission = SystemPermission | RecordPermission | SensitivePermission;

export const ALL_PERMISSIONS: readonly Permission[] = [
  ...SYSTEM_PERMISSIONS,
  ...RECORD_TYPES.flatMap((t) => RECORD_ACTIONS.flatMap((a) => SCOPES.map((s) => `${t}:${a}:${s}` as const))),
  ...SENSITIVITY_TAGS.map((t) => `sensitive:${t}` as const),
];

export function isPermission(value: string): value is Permission {
  return (ALL_PERMISSIONS as readonly string[]).includes(value);
}

const personal = SENSITIVITY_TAGS.map((t) => `sensitive:${t}` as const);
const rw = (type: RecordType, scope: Scope): RecordPermission[] => [
  `${type}:read:${scope}`,
  `${type}:update:${scope}`,
  `${type}:create:${scope}`,
];

/**
 * Each role's permissions on a new installation. Administrators may change them in the UI; these
 * are only inserted for roles that do not exist yet.
 */
export const DEFAULT_ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  operator: [...rw('contact', 'agency'), 'case:create:agency', 'case:read:own', ...personal],
  case_worker: [
    ...rw('case', 'agency'),
    ...rw('person', 'agency'),
    ...rw('referral', 'agency'),
    ...rw('document', 'agency'),
    'case:read:granted',
    'person:read:granted',
    'document:read:granted',
    'referral:read:granted',
    'referral:update:granted',
    ...personal,
  ],
  supervisor: [
    ...rw('contact', 'agency'),
    ...rw('case', 'agency'),
    ...rw('person', 'agency'),
    ...rw('referral', 'agency'),
    ...rw('document', 'agency'),
    'case:read:granted',
    'person:read:granted',
    'referral:read:granted',
    'referral:update:granted',
    'break_glass',
    'contacts:supervise',
    'hotline:reports',
    'cases:read_restricted',
    'htcds:export_identifying',
    ...personal,
  ],
  identification_officer: [
    'identification:decide',
    'case:read:granted',
    'case:update:granted',
    'person:read:granted',
    'referral:read:granted',
    'referral:update:granted',
    'document:read:granted',
    ...personal,
  ],
  // Suspects and defendants are people of the registry: law enforcement records them (migration 0108).
  investigator: [...rw('investigation', 'agency'), ...rw('person', 'agency'), 'case:read:granted', 'person:read:granted', 'sensitive:identity', 'sensitive:contact', 'sensitive:location', 'sensitive:narrative'],
  prosecutor: [...rw('investigation', 'agency'), ...rw('person', 'agency'), 'investigation:read:granted', 'investigation:update:granted', 'case:read:granted', 'person:read:granted', 'sensitive:identity', 'sensitive:narrative'],
  // Verdicts, sentences and appeals of the criminal cases sent to their court (shared on indictment).
  court_clerk: ['investigation:read:granted', 'investigation:update:granted', 'person:read:granted', 'sensitive:identity'],
  coordinator: ['reports:aggregate', 'hotline:reports', 'case:read:granted', 'referral:read:all', 'break_glass', 'providers:manage', 'action_plan:manage', 'action_plan:read', 'statistics:prepare', 'statistics:approve'],
  plan_focal_point: ['action_plan:report'],
  analyst: ['reports:aggregate', 'incident:read:all', 'incidents:override', 'action_plan:read', 'statistics:prepare'],
  // Monitors record victims' contact details and exact places; they never reach the public page.
  press_monitor: [...rw('incident', 'all'), 'sensitive:contact', 'sensitive:location'],
  press_reviewer: ['incident:read:all', 'incident:update:all', 'incidents:publish', 'sensitive:location'],
  auditor: ['audit:read', 'audit:verify', 'reports:aggregate', 'cases:read_restricted', 'action_plan:read'],
  administrator: ['users:manage', 'agencies:manage', 'roles:manage', 'tokens:service', 'audit:verify', 'providers:manage', 'channels:manage'],
};
