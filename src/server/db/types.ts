import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface AgenciesTable {
  id: Generated<string>;
  name: string;
  shortName: string | null;
  type: string;
  region: string | null;
  isDemo: Generated<boolean>;
  disabledAt: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface RolesTable {
  code: string;
  permissions: string[];
  requireTotp: Generated<boolean>;
  updatedAt: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  language: Generated<string>;
  timeZone: Generated<string>;
  agencyId: string;
  isServiceAccount: Generated<boolean>;
  passwordHash: string | null;
  passwordChangedAt: NullableTimestamp;
  mustChangePassword: Generated<boolean>;
  totpSecret: string | null;
  totpEnabledAt: NullableTimestamp;
  totpLastStep: ColumnType<string | null, string | number | null, string | number | null>;
  disabledAt: NullableTimestamp;
  lastLoginAt: NullableTimestamp;
  isDemo: Generated<boolean>;
  /** Reminder e-mails on (default) or off: the user's own choice. */
  reminderEmails: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UserRolesTable {
  userId: string;
  roleCode: string;
}

export interface SessionsTable {
  id: Generated<string>;
  tokenHash: Buffer;
  csrfToken: string;
  userId: string;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
  revokedAt: NullableTimestamp;
  ip: string | null;
  userAgent: string | null;
}

/** Failed sign-ins of one account from one address (an IPv6 address by its /64). */
export interface SignInAttemptsTable {
  userId: string;
  addressKey: string;
  failures: Generated<number>;
  lockedUntil: NullableTimestamp;
  updatedAt: Timestamp;
}

/** A rate limit's hits from one client key in the current window (rate-limit/store.ts); UNLOGGED. */
export interface RateLimitCountersTable {
  bucket: string;
  key: string;
  hits: number;
  windowEndsAt: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  userId: string;
  name: string;
  tokenHash: Buffer;
  prefix: string;
  createdBy: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  lastUsedAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface SetupTokensTable {
  tokenHash: Buffer;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  usedAt: NullableTimestamp;
}

export interface AccessGrantsTable {
  id: Generated<string>;
  recordType: string;
  recordId: string;
  granteeAgencyId: string | null;
  granteeUserId: string | null;
  sections: string[];
  kind: 'referral' | 'share' | 'break_glass';
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  reason: LegacyPlain;
  /** Why the grant or break-glass read was made, sealed under the master key, bound to the grant's id. */
  reasonEnc: Buffer | null;
  grantedBy: string | null;
  createdAt: Timestamp;
  expiresAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface AuditLogTable {
  seq: ColumnType<string, string | number, never>;
  at: ColumnType<Date, Date, never>;
  actorUserId: string | null;
  actorAgencyId: string | null;
  via: 'session' | 'token' | 'system' | 'cli' | 'public';
  tokenId: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  changes: ColumnType<unknown, string | null, never>;
  purpose: string | null;
  requestId: string | null;
  ip: string | null;
  flagged: Generated<boolean>;
  prevHash: string;
  hash: string;
  /** The chain the entry belongs to: 0 is the single chain written before migration 0138, closed. */
  chain: number;
  /** The entry's position in its chain from 1; null in chain 0, whose position is `seq`. */
  pos: string | null;
}

/** The chains audit entries are appended to (migration 0138); `legacy`: chain 0, closed. */
export interface AuditChainsTable {
  chain: number;
  legacy: boolean;
}

/** Hash-linked records of every chain's head (position and hash): truncation behind one shows. */
export interface AuditAnchorsTable {
  id: string;
  at: Date;
  heads: ColumnType<unknown, string, never>;
  prevHash: string;
  hash: string;
}

export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updatedAt: Timestamp;
}

export interface ContactsTable {
  id: Generated<string>;
  channel: string;
  status: Generated<string>;
  ownerAgencyId: string;
  assignedUserId: string | null;
  externalId: string | null;
  contactorHash: Buffer | null;
  contactorLast3: string | null;
  callbackNumberEnc: Buffer | null;
  /** Where a reply goes (encrypted JSON `{ to, from? }`), from the contactor's latest message. */
  replyAddressEnc: Buffer | null;
  enteredBy: string | null;
  contactorType: string | null;
  contactType: string | null;
  language: string | null;
  region: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  city: LegacyPlain;
  /** The city given (a public report's free-text location) sealed under the master key, bound to the row. */
  cityEnc: Buffer | null;
  persons: ColumnType<unknown, string | undefined, string>;
  categories: Generated<string[]>;
  /** Plain only in rows written before migration 0099 (then NULL after the data step). */
  summary: LegacyPlain;
  /** The summary sealed under the master key, bound to the contact's id. */
  summaryEnc: Buffer | null;
  urgency: Generated<string>;
  outcomes: Generated<string[]>;
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  outcomeNote: LegacyPlain;
  /** The outcome note sealed under the master key, bound to the contact's id. */
  outcomeNoteEnc: Buffer | null;
  receivedAt: Timestamp;
  answeredAt: NullableTimestamp;
  endedAt: NullableTimestamp;
  completedAt: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** Sent from the Channels screen to try the intake path (migration 0103). */
  isTest: Generated<boolean>;
}

export interface ContactInboundEventsTable {
  source: 'twilio_call' | 'twilio_message' | 'telegram' | 'webhook' | 'public_report' | 'test' | 'simulation';
  externalId: string;
  contactId: string;
  receivedAt: Timestamp;
}

export interface ContactMessagesTable {
  id: Generated<string>;
  contactId: string;
  direction: 'in' | 'out';
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  body: LegacyPlain;
  /** The message sealed under the master key, bound to the message's id. */
  bodyEnc: Buffer | null;
  mediaCount: Generated<number>;
  sentBy: string | null;
  delivery: 'pending' | 'sent' | 'failed' | null;
  deliveryAttempts: Generated<number>;
  deliveryError: string | null;
  nextAttemptAt: NullableTimestamp;
  deliveredAt: NullableTimestamp;
  providerMessageId: string | null;
  createdAt: Timestamp;
}

export interface ContactFollowUpCodesTable {
  codeHash: Buffer;
  contactId: string;
  createdAt: Timestamp;
  lastUsedAt: NullableTimestamp;
}

export interface ContactDraftsTable {
  contactId: string;
  userId: string;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  data: ColumnType<unknown, null | undefined, null>;
  /** The draft (JSON) bound to `<contact id>/<user id>` sealed under the master key, bound to the row. */
  dataEnc: Buffer | null;
  version: Generated<number>;
  updatedAt: Timestamp;
}

export interface ContactScreeningsTable {
  id: Generated<string>;
  contactId: string;
  personIndex: number | null;
  list: string;
  listReason: string;
  indicators: ColumnType<unknown, string, never>;
  recruitmentActEstablished: boolean;
  presumedVictim: boolean;
  provisional: boolean;
  catalogueVersion: string;
  ruleVersion: string;
  result: ColumnType<unknown, string, never>;
  createdBy: string;
  createdAt: Timestamp;
}

export interface ContactEscalationsTable {
  id: Generated<string>;
  contactId: string;
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  reason: LegacyPlain;
  /** The reason (where a person is in danger) sealed under the master key, bound to the escalation's id. */
  reasonEnc: Buffer | null;
  createdBy: string;
  createdAt: Timestamp;
  alertedAgencyIds: Generated<string[]>;
  alertedAt: NullableTimestamp;
  acknowledgedAt: NullableTimestamp;
  acknowledgedBy: string | null;
}

type DateCol = ColumnType<string, string, string>;
type NullableDateCol = ColumnType<string | null, string | null | undefined, string | null>;
/** A plain column kept only for rows from before it was sealed: never written by new code. */
type LegacyPlain = ColumnType<string | null, null | undefined, null>;

export interface DataStepsTable {
  name: string;
  doneAt: Generated<Date>;
}

export interface PressOutletsTable {
  id: Generated<string>;
  name: string;
  aliases: Generated<string[]>;
  medium: string | null;
  nameKeys: Generated<string[]>;
  isSynthetic: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PressPersonsTable {
  id: Generated<string>;
  name: string;
  aliases: Generated<string[]>;
  contactDetails: string | null;
  beats: Generated<string[]>;
  local: Generated<boolean>;
  nameKeys: Generated<string[]>;
  isSynthetic: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PressAffiliationsTable {
  id: Generated<string>;
  personId: string;
  outletId: string;
  role: string | null;
  employment: string | null;
  period: string | null;
  startedOn: NullableDateCol;
  startedPrecision: string | null;
  endedOn: NullableDateCol;
  endedPrecision: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PressIncidentsTable {
  id: Generated<string>;
  externalRef: string | null;
  title: string;
  occurredOn: DateCol;
  occurredPrecision: string;
  disputedOn: NullableDateCol;
  disputedPrecision: string | null;
  dateNote: string | null;
  occurredYear: ColumnType<number, never, never>;
  country: Generated<string>;
  city: string | null;
  placeExact: string | null;
  context: string | null;
  alertCategory: string | null;
  narrative: Generated<string>;
  internalNotes: string | null;
  priorThreats: boolean | null;
  surveillance: boolean | null;
  workRelation: Generated<string>;
  impunityStatus: Generated<string>;
  perpetratorConvicted: Generated<boolean>;
  mastermindConvicted: boolean | null;
  unescoStatus: Generated<string>;
  lastInvestigativeActOn: NullableDateCol;
  impunityOverride: string | null;
  unescoOverride: string | null;
  overrideReason: string | null;
  searchKeys: Generated<string[]>;
  publishedAt: NullableTimestamp;
  publishedBy: string | null;
  changedSincePublish: Generated<boolean>;
  isSynthetic: Generated<boolean>;
  ownerAgencyId: string;
  createdBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PressActsTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  incidentId: string;
  personId: string | null;
  outletId: string | null;
  actType: string;
  method: string | null;
  outcome: string | null;
  createdAt: Timestamp;
}

export interface PressSourcesTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  incidentId: string;
  kind: string;
  title: string;
  publisher: string | null;
  url: string | null;
  publishedOn: NullableDateCol;
  reliability: string;
  claim: string | null;
  confidential: Generated<boolean>;
  createdAt: Timestamp;
}

export interface PressSourceFilesTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  sourceId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  content: Buffer;
  uploadedBy: string | null;
  createdAt: Timestamp;
}

export interface PressInvolvementsTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  incidentId: string;
  label: string | null;
  category: string;
  degree: string;
  attribution: string;
  internalNote: string | null;
  sourceId: string | null;
  createdAt: Timestamp;
}

export interface PressLegalCasesTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  incidentId: string;
  jurisdiction: Generated<string>;
  authority: string;
  qualification: string | null;
  caseNumber: string | null;
  createdAt: Timestamp;
}

export interface PressMilestonesTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  legalCaseId: string;
  incidentId: string;
  kind: string;
  occurredOn: DateCol;
  precision: string;
  note: string | null;
  internalNote: string | null;
  sourceId: string | null;
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface PressStateRequestsTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  incidentId: string;
  mechanism: string;
  requestedOn: DateCol;
  answeredOn: NullableDateCol;
  reply: string | null;
  createdAt: Timestamp;
}

export interface PressIncidentLinksTable {
  seq: ColumnType<string, never, never>;
  incidentId: string;
  relatedId: string;
  kind: string;
  note: string | null;
  createdAt: Timestamp;
}

export interface PressPublicIncidentsTable {
  incidentId: string;
  occurredOn: DateCol;
  occurredYear: number;
  actTypes: string[];
  outcomes: string[];
  perpetratorCategories: string[];
  impunityStatus: string;
  perpetratorConvicted: boolean;
  mastermindConvicted: boolean | null;
  unescoStatus: string;
  killing: boolean;
  lastInvestigativeActOn: NullableDateCol;
  searchKeys: string[];
  relatedIds: string[];
  isSynthetic: boolean;
  publishedAt: Timestamp;
}

export interface PressPublicDocsTable {
  incidentId: string;
  doc: ColumnType<unknown, string, string>;
  item: ColumnType<unknown, string, string>;
}

export interface PressImpunityIndexTable {
  id: Generated<string>;
  endYear: number;
  windowYears: number;
  minCases: number;
  population: ColumnType<string, number | string, number | string>;
  populationSource: string;
  populationYear: number;
  killings: number;
  unsolved: number;
  value: ColumnType<string | null, number | null, number | null>;
  published: Generated<boolean>;
  computedBy: string | null;
  createdAt: Timestamp;
}

export interface OperatorStatesTable {
  userId: string;
  agencyId: string;
  state: 'available' | 'on_contact' | 'wrap_up' | 'break' | 'offline';
  contactId: string | null;
  since: Timestamp;
  updatedAt: Timestamp;
  /** The last heartbeat of any of the user's open console streams (migration 0103). */
  consoleSeenAt: NullableTimestamp;
}

/** One open console stream (the live queue) of a user, and its last heartbeat (migration 0103). */
export interface ConsoleStreamsTable {
  id: string;
  userId: string;
  seenAt: Generated<Date>;
}

/** The hotline's channels as administrators configured them (one row; migration 0103). Secrets sealed with the master key. */
export interface HotlineSettingsTable {
  id: Generated<boolean>;
  agencyId: string | null;
  twilioAccountSid: string | null;
  twilioAuthTokenEnc: Buffer | null;
  twilioFrom: string | null;
  telegramBotTokenEnc: Buffer | null;
  telegramSecretEnc: Buffer | null;
  webhookSecretEnc: Buffer | null;
  updatedBy: string | null;
  updatedAt: Generated<Date>;
}

export interface MailOutboxTable {
  id: Generated<string>;
  kind: string;
  recordId: string | null;
  recipient: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  nextAttemptAt: Timestamp;
  lastError: string | null;
  sentAt: NullableTimestamp;
  createdAt: Timestamp;
}

export interface PeopleTable {
  id: Generated<string>;
  ownerAgencyId: string;
  createdBy: string | null;
  sex: Generated<string>;
  /** Plain only in rows written before migration 0098, until the data step seals them (then NULL). */
  birthDate: LegacyPlain;
  /** The date of birth sealed under the master key, bound to the person's id. */
  birthDateEnc: Buffer | null;
  birthYear: number | null;
  birthYearEstimated: Generated<boolean>;
  citizenship: string | null;
  languages: Generated<string[]>;
  /** Blind-index tokens (`keys.nameKeyHash`) of the name keys of all the person's names. */
  nameKeys: Generated<string[]>;
  mergedInto: string | null;
  mergedAt: NullableTimestamp;
  mergedBy: string | null;
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  mergeReason: LegacyPlain;
  /** Why the person was merged into another, sealed under the master key, bound to the person's id. */
  mergeReasonEnc: Buffer | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface PersonNamesTable {
  id: Generated<string>;
  personId: string;
  /** The plain parts exist only in rows written before migration 0098, until the data step seals them. */
  givenName: LegacyPlain;
  familyName: LegacyPlain;
  patronymic: LegacyPlain;
  asEntered: LegacyPlain;
  /** JSON [given, family, patronymic, as entered], sealed under the master key and bound to the row's id. */
  nameEnc: Buffer | null;
  script: string;
  kind: string;
  /** Blind-index tokens of the name's keys. */
  keys: Generated<string[]>;
  createdBy: string | null;
  createdAt: Timestamp;
  seq: Generated<string>;
}

export interface CasesTable {
  id: Generated<string>;
  caseNumber: string;
  ownerAgencyId: string;
  ownerUserId: string | null;
  status: Generated<string>;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  closureReason: LegacyPlain;
  /** Why the case was closed sealed under the master key, bound to the row. */
  closureReasonEnc: Buffer | null;
  victimStatus: Generated<string>;
  /** Plain only in rows written before migration 0099 (then NULL after the data step). */
  narrative: LegacyPlain;
  /** The narrative sealed under the master key, bound to the case's id. */
  narrativeEnc: Buffer | null;
  region: string | null;
  country: string | null;
  exploitationForms: Generated<string[]>;
  sexExploitationTypes: Generated<string[]>;
  controlMethods: Generated<string[]>;
  recruitmentMethods: Generated<string[]>;
  recruitmentApps: Generated<string[]>;
  industry: string | null;
  sourceContactId: string | null;
  accessEndedAt: NullableTimestamp;
  accessEndAuthority: string | null;
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  accessEndReference: LegacyPlain;
  /** The reference of the order ending access, sealed under the master key, bound to the case's id. */
  accessEndReferenceEnc: Buffer | null;
  accessEndOrderedOn: string | null;
  accessEndedBy: string | null;
  openedAt: Timestamp;
  closedAt: NullableTimestamp;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** One row per agency that may list a case (migration 0085): the owner and each agency with an unrevoked grant. Kept by triggers. */
export interface CaseListingTable {
  caseId: string;
  agencyId: string;
  createdAt: Timestamp;
  openedAt: Timestamp;
  status: string;
  victimStatus: string;
  region: string | null;
  exploitationForms: string[];
  caseNumber: string;
  ownerAgencyId: string;
  ownerUserId: string | null;
  accessEnded: boolean;
}

/** One row per grantee (agency or user) and person with an unrevoked grant, with the person's name keys (migration 0086). Kept by triggers. */
export interface PersonGrantKeysTable {
  grantee: string;
  personId: string;
  nameKeys: string[];
}

export interface CaseContactsTable {
  caseId: string;
  contactId: string;
  linkedBy: string;
  linkedAt: Timestamp;
}

export interface CaseEventsTable {
  id: Generated<string>;
  caseId: string;
  type: string;
  occurredOn: string | null;
  occurredPrecision: string | null;
  country: string | null;
  region: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  city: LegacyPlain;
  /** The event's city sealed under the master key, bound to the row. */
  cityEnc: Buffer | null;
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  place: LegacyPlain;
  /** The place sealed under the master key, bound to the event's id. */
  placeEnc: Buffer | null;
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  description: LegacyPlain;
  /** The description sealed under the master key, bound to the event's id. */
  descriptionEnc: Buffer | null;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CaseScreeningsTable {
  id: Generated<string>;
  caseId: string;
  fromContactScreeningId: string | null;
  list: string;
  listReason: string;
  indicators: ColumnType<unknown, string, string>;
  recruitmentActEstablished: Generated<boolean>;
  presumedVictim: boolean;
  provisional: boolean;
  catalogueVersion: string;
  ruleVersion: string;
  result: ColumnType<unknown, string, string>;
  screenedBy: string;
  screenedAt: Timestamp;
  createdAt: Timestamp;
}

export interface CaseNotesTable {
  id: Generated<string>;
  caseId: string;
  /** Plain only in rows written before migration 0101 (then NULL after the data step). */
  body: LegacyPlain;
  /** The note sealed under the master key, bound to the note's id. */
  bodyEnc: Buffer | null;
  createdBy: string;
  createdAt: Timestamp;
}

export interface CasePeopleTable {
  id: Generated<string>;
  caseId: string;
  personId: string;
  role: string;
  ageDisputed: Generated<boolean>;
  unaccompanied: Generated<boolean>;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  guardianName: LegacyPlain;
  /** The guardian's name sealed under the master key, bound to the row. */
  guardianNameEnc: Buffer | null;
  guardianAppointedOn: string | null;
  returnedOn: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  returnedTo: LegacyPlain;
  /** The country a person was returned to sealed under the master key, bound to the row. */
  returnedToEnc: Buffer | null;
  returnAssessmentId: string | null;
  addedBy: string;
  addedAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CaseConsentsTable {
  id: Generated<string>;
  caseId: string;
  personId: string;
  kind: string;
  service: string | null;
  agencyId: string | null;
  purpose: string | null;
  givenOn: string;
  form: string;
  givenBy: Generated<string>;
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  note: LegacyPlain;
  /** The consent's note sealed under the master key, bound to the consent's id. */
  noteEnc: Buffer | null;
  recordedBy: string;
  recordedAt: Timestamp;
  withdrawnOn: string | null;
  withdrawnRecordedBy: string | null;
  withdrawnAt: NullableTimestamp;
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  withdrawalNote: LegacyPlain;
  /** The withdrawal's note sealed under the master key, bound to the consent's id. */
  withdrawalNoteEnc: Buffer | null;
}

export interface CaseDocumentsTable {
  id: Generated<string>;
  caseId: string;
  /** Plain only in rows written before migration 0111 (then NULL after the data step). */
  fileName: LegacyPlain;
  /** The file's name (it can name the victim) sealed under the master key, bound to the document's id. */
  fileNameEnc: Buffer | null;
  kind: Generated<string>;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  keyVersion: Generated<number>;
  /** Null when the bytes are kept in a disk or S3 store (`storage`, `storageKey`). */
  ciphertext: Buffer | null;
  storage: Generated<'database' | 'disk' | 's3'>;
  storageKey: string | null;
  uploadedBy: string;
  createdAt: Timestamp;
}

export interface CaseAssistancePlansTable {
  caseId: string;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  needsAssessment: LegacyPlain;
  /** The needs assessment (bound to the case id) sealed under the master key, bound to the row. */
  needsAssessmentEnc: Buffer | null;
  assessedOn: string | null;
  /** Plain only in rows written before migration 0102 (then empty after the data step). */
  goals: ColumnType<string[], never, never>;
  /** The goals as a JSON array (bound to the case id) sealed under the master key, bound to the row. */
  goalsEnc: Buffer | null;
  updatedBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface CaseAssistanceServicesTable {
  id: Generated<string>;
  caseId: string;
  service: string;
  status: Generated<string>;
  providerId: string | null;
  consentId: string | null;
  plannedOn: string | null;
  startedOn: string | null;
  endedOn: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  note: LegacyPlain;
  /** The service's note sealed under the master key, bound to the row. */
  noteEnc: Buffer | null;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ProvidersTable {
  id: Generated<string>;
  agencyId: string;
  name: string;
  serviceTypes: string[];
  regions: Generated<string[]>;
  languages: Generated<string[]>;
  minAge: Generated<number>;
  maxAge: Generated<number>;
  sexesServed: Generated<string[]>;
  address: string | null;
  phone: string | null;
  description: string | null;
  capacityTotal: number | null;
  capacityFree: number | null;
  capacityUpdatedAt: NullableTimestamp;
  capacityUpdatedBy: string | null;
  active: Generated<boolean>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ReferralsTable {
  id: Generated<string>;
  caseId: string;
  fromAgencyId: string;
  fromUserId: string;
  toAgencyId: string;
  providerId: string | null;
  purpose: string;
  serviceType: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  reason: LegacyPlain;
  /** Why the case is referred sealed under the master key, bound to the row. */
  reasonEnc: Buffer | null;
  sectionsRequested: string[];
  sectionsShared: string[];
  consentBasis: string;
  summary: ColumnType<unknown, string, string>;
  status: Generated<string>;
  sentAt: Timestamp;
  answerDueAt: Timestamp;
  /** When the reminder sweep reminded of the answer past its time (migration 0144), else NULL. */
  answerRemindedAt: NullableTimestamp;
  /** When the reminder sweep reminded of the reasonable-grounds target (migration 0144), else NULL. */
  rgRemindedAt: NullableTimestamp;
  acceptedAt: NullableTimestamp;
  acceptedBy: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  acceptNote: LegacyPlain;
  /** The receiver's note on accepting sealed under the master key, bound to the row. */
  acceptNoteEnc: Buffer | null;
  declinedAt: NullableTimestamp;
  declinedBy: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  declineReason: LegacyPlain;
  /** Why the receiver declined sealed under the master key, bound to the row. */
  declineReasonEnc: Buffer | null;
  completedAt: NullableTimestamp;
  completedBy: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  completionNote: LegacyPlain;
  /** What the receiver did sealed under the master key, bound to the row. */
  completionNoteEnc: Buffer | null;
  revokedAt: NullableTimestamp;
  revokedBy: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  revokeReason: LegacyPlain;
  /** Why the sender revoked sealed under the master key, bound to the row. */
  revokeReasonEnc: Buffer | null;
  caseGrantId: string | null;
  referralGrantId: string | null;
  /** The person of the receiving agency who handles it (a supervisor's choice, or who accepted it). */
  handlerUserId: string | null;
  sectionsAskedAt: NullableTimestamp;
  sectionsAskedBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface AnonymousNotificationsTable {
  id: Generated<string>;
  referralId: string;
  fromAgencyId: string;
  sex: string;
  ageBand: string;
  nationality: string | null;
  exploitationForms: Generated<string[]>;
  region: string | null;
  country: string | null;
  eventDate: string | null;
  createdAt: Timestamp;
}

export interface IdentificationDecisionsTable {
  id: Generated<string>;
  caseId: string;
  personId: string;
  referralId: string | null;
  stage: string;
  outcome: string;
  decidedOn: string;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  reasons: LegacyPlain;
  /** The reasons of the decision sealed under the master key, bound to the row. */
  reasonsEnc: Buffer | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  evidence: LegacyPlain;
  /** The evidence relied on sealed under the master key, bound to the row. */
  evidenceEnc: Buffer | null;
  reflectionWithheld: string | null;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  reflectionWithheldReason: LegacyPlain;
  /** Why the reflection period was withheld sealed under the master key, bound to the row. */
  reflectionWithheldReasonEnc: Buffer | null;
  reconsidersId: string | null;
  reflectionEndsOn: string | null;
  earliestConclusiveOn: string | null;
  decidedBy: string;
  decidedByAgencyId: string;
  createdAt: Timestamp;
}

export interface ResidencePermitsTable {
  id: Generated<string>;
  caseId: string;
  personId: string;
  ground: string;
  issuedOn: string;
  expiresOn: string;
  authority: string | null;
  /** Plain only in rows written before migration 0099 (then NULL after the data step). */
  permitNumber: LegacyPlain;
  /** The permit's number sealed under the master key, bound to the permit's id. */
  permitNumberEnc: Buffer | null;
  renewsId: string | null;
  recordedBy: string;
  createdAt: Timestamp;
}

export interface BestInterestsAssessmentsTable {
  id: Generated<string>;
  caseId: string;
  personId: string;
  assessedOn: string;
  assessedBy: string;
  conclusion: string;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  summary: LegacyPlain;
  /** The assessment's summary sealed under the master key, bound to the row. */
  summaryEnc: Buffer | null;
  recordedBy: string;
  recordedAt: Timestamp;
}

export interface CaseTasksTable {
  id: Generated<string>;
  caseId: string;
  /** Plain only in rows written before migration 0102 (then NULL after the data step). */
  title: LegacyPlain;
  /** The task's title sealed under the master key, bound to the row. */
  titleEnc: Buffer | null;
  dueAt: Timestamp;
  assignedUserId: string;
  createdBy: string;
  createdAt: Timestamp;
  completedAt: NullableTimestamp;
  completedBy: string | null;
  remindedAt: NullableTimestamp;
  referralId: string | null;
  askedSections: string[] | null;
}

export interface RemindersTable {
  id: Generated<string>;
  kind: string;
  subjectId: string;
  /** An NRM case, or (for `investigation_due`) null with `criminalCaseId`. */
  caseId: string | null;
  criminalCaseId: Generated<string | null>;
  userId: string | null;
  agencyId: string | null;
  dueAt: Timestamp;
  createdAt: Timestamp;
  readAt: NullableTimestamp;
}

/** Criminal justice (migration 0107, docs/criminal-justice.md). */
export interface CriminalCasesTable {
  id: Generated<string>;
  ownerAgencyId: string;
  ownerUserId: string | null;
  body: string;
  caseNumber: string;
  openedOn: string;
  articles: string[];
  forms: Generated<string[]>;
  places: Generated<string[]>;
  /** Sealed JSON array of the places (migration 0114); `places` stays empty. */
  placesEnc: Generated<Buffer | null>;
  transnational: Generated<boolean>;
  officialComplicity: Generated<boolean>;
  complicityAgencyType: string | null;
  status: Generated<string>;
  terminationGround: string | null;
  investigationExtendedUntil: string | null;
  version: Generated<number>;
  createdBy: string;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface CriminalCaseNrmLinksTable {
  criminalCaseId: string;
  nrmCaseId: string;
  linkedBy: string;
  linkedAt: Generated<Date>;
}

export interface CriminalDefendantsTable {
  id: Generated<string>;
  criminalCaseId: string;
  personId: string | null;
  legalEntityName: string | null;
  role: string;
  relation: Generated<string>;
  isOfficial: Generated<boolean>;
  officialAgencyType: string | null;
  sex: Generated<string>;
  birthYear: number | null;
  citizenship: string | null;
  pseudonym: string;
  addedBy: string;
  addedAt: Generated<Date>;
}

export interface CriminalChargesTable {
  id: Generated<string>;
  criminalCaseId: string;
  defendantId: string;
  article: string;
  broughtOn: string;
  outcome: string | null;
  outcomeOn: string | null;
  outcomeInstance: string | null;
  terminationGround: string | null;
  reclassifiedToChargeId: string | null;
  reclassifiedFromChargeId: string | null;
  recordedBy: string;
  createdAt: Generated<Date>;
}

export interface CriminalVerdictsTable {
  id: Generated<string>;
  chargeId: string;
  defendantId: string;
  instance: string;
  outcome: string;
  decidedOn: string;
  terminationGround: string | null;
  reclassifiedTo: string | null;
  recordedBy: string;
  createdAt: Generated<Date>;
}

export interface CriminalSentencesTable {
  id: Generated<string>;
  defendantId: string;
  instance: string;
  imposedOn: string;
  type: string;
  termMonths: number | null;
  fineAmount: ColumnType<string | null, string | number | null, string | number | null>;
  suspended: Generated<boolean>;
  probationMonths: number | null;
  deferred: Generated<boolean>;
  deferralGround: string | null;
  deferredUntil: string | null;
  belowMinimum: Generated<boolean>;
  belowMinimumGround: string | null;
  belowMinimumGroundEnc: Generated<Buffer | null>;
  mitigating: Generated<string[]>;
  confiscation: Generated<boolean>;
  deprivationOfRights: Generated<boolean>;
  releasedOn: string | null;
  releaseBasis: string | null;
  releaseAct: string | null;
  band: string;
  reviewFlag: string | null;
  supersededBy: string | null;
  recordedBy: string;
  createdAt: Generated<Date>;
}

export interface CriminalCaseEventsTable {
  id: Generated<string>;
  criminalCaseId: string;
  defendantId: string | null;
  type: string;
  occurredOn: string;
  ground: string | null;
  appealBy: string | null;
  appealResult: string | null;
  documentNumber: string | null;
  recordedBy: string;
  createdAt: Generated<Date>;
  /** Withdrawn as recorded by mistake (migration 0116): kept, but no longer part of the proceedings. */
  withdrawnAt: Generated<Date | null>;
  withdrawnBy: Generated<string | null>;
  withdrawalReason: Generated<string | null>;
}

export interface CriminalCaseVictimsTable {
  id: Generated<string>;
  criminalCaseId: string;
  nrmCaseId: string | null;
  personId: string | null;
  pseudonym: string;
  sex: Generated<string>;
  ageGroup: Generated<string>;
  nationality: string | null;
  testified: Generated<boolean>;
  protectionMeasures: Generated<string[]>;
  compensationClaimed: ColumnType<string | null, string | number | null, string | number | null>;
  compensationOrdered: ColumnType<string | null, string | number | null, string | number | null>;
  compensationPaid: ColumnType<string | null, string | number | null, string | number | null>;
  nonPunishment: Generated<boolean>;
  addedBy: string;
  addedAt: Generated<Date>;
}

export interface CriminalCooperationRequestsTable {
  id: Generated<string>;
  criminalCaseId: string;
  kind: string;
  direction: string;
  country: string;
  requestedOn: string;
  outcome: Generated<string>;
  outcomeOn: string | null;
  recordedBy: string;
  createdAt: Generated<Date>;
}

export interface JusticeDefendantFactsTable {
  defendantId: string;
  criminalCaseId: string;
  caseOpenedOn: string;
  formGroups: string[];
  articles: string[];
  convictedArticles: string[];
  sex: string;
  complicity: boolean;
  indictedOn: string | null;
  convictedOn: string | null;
  finalOn: string | null;
  acquittedOn: string | null;
  reversedOn: string | null;
  terminatedOn: string | null;
  terminationGround: string | null;
  /** The latest sentence (migration 0112): its day and the attributes the counting rules look at. */
  sentenceOn: Generated<string | null>;
  sentence: Generated<unknown>;
  /** The sentence in force at the end of each month a sentence was imposed, `[month, attrs]` (migration 0128, set by a trigger). */
  sentenceSteps: Generated<unknown>;
}

export interface ActionPlansTable {
  id: Generated<string>;
  title: string;
  actType: string;
  actNumber: string | null;
  actDate: string | null;
  startYear: number;
  endYear: number;
  status: Generated<string>;
  predecessorId: string | null;
  reportDueDays: Generated<number>;
  version: Generated<number>;
  createdBy: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface ActionPlanGoalsTable {
  id: Generated<string>;
  planId: string;
  number: string;
  title: string;
}

export interface ActionPlanMeasuresTable {
  id: Generated<string>;
  planId: string;
  goalId: string | null;
  number: string;
  text: string;
  responsibleAgencyId: string;
  deadlineKind: string;
  deadlineOn: string | null;
  deadlineYear: number | null;
  deadlineFromYear: number | null;
  deadlineToYear: number | null;
  expectedResult: string | null;
  droppedAt: NullableTimestamp;
  droppedBy: string | null;
  dropReason: string | null;
  version: Generated<number>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface ActionPlanMeasureAgenciesTable {
  measureId: string;
  agencyId: string;
}

export interface ActionPlanIndicatorsTable {
  id: Generated<string>;
  measureId: string;
  position: Generated<number>;
  definition: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  /** A national table's id (0141): the indicator's value is that table's figure; null: entered by hand. */
  statisticsTable: Generated<string | null>;
  /** The figure's cell key (jsonb, written as JSON text): `{ "sex": "female" }`; `{}` the grand total. */
  statisticsKey: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export interface ActionPlanMeetingsTable {
  id: Generated<string>;
  planId: string | null;
  heldOn: string;
  title: string;
  minutes: string | null;
  quorumMet: Generated<boolean>;
  createdBy: string | null;
  createdAt: Generated<Date>;
}

export interface ActionPlanMeetingAgenciesTable {
  meetingId: string;
  agencyId: string;
  attended: Generated<boolean>;
}

export interface ActionPlanActionItemsTable {
  id: Generated<string>;
  meetingId: string;
  number: string;
  decision: string;
  agencyId: string;
  dueOn: string;
  droppedAt: NullableTimestamp;
  droppedBy: string | null;
  dropReason: string | null;
  createdAt: Generated<Date>;
}

export interface ActionPlanReportsTable {
  id: Generated<string>;
  measureId: string | null;
  actionItemId: string | null;
  agencyId: string;
  period: number;
  progress: string;
  narrative: string;
  review: Generated<string>;
  submittedBy: string;
  submittedAt: Generated<Date>;
  reviewedBy: string | null;
  reviewedAt: NullableTimestamp;
  returnReason: string | null;
  version: Generated<number>;
}

export interface ActionPlanReportValuesTable {
  reportId: string;
  indicatorId: string;
  value: number;
}

export interface ActionPlanDocumentsTable {
  id: Generated<string>;
  reportId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  ciphertext: Buffer;
  uploadedBy: string;
  createdAt: Generated<Date>;
}

export interface ActionPlanRemindersTable {
  id: Generated<string>;
  kind: string;
  subjectId: string;
  agencyId: string;
  period: number;
  dueOn: string;
  createdAt: Generated<Date>;
  readAt: NullableTimestamp;
}

export interface StatisticsReleasesTable {
  id: Generated<string>;
  series: string;
  version: number;
  title: string;
  periodFrom: DateCol;
  periodTo: DateCol;
  threshold: number;
  rounding: number | null;
  status: Generated<string>;
  tables: ColumnType<unknown, string, string>;
  ledger: ColumnType<unknown, string, string>;
  flags: ColumnType<unknown, string | undefined, string>;
  preparedBy: string;
  preparedAt: Generated<Date>;
  approvedBy: string | null;
  approvedAt: NullableTimestamp;
  withdrawnBy: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawnAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  withdrawalReason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database {
  statisticsReleases: StatisticsReleasesTable;
  dataSteps: DataStepsTable;
  agencies: AgenciesTable;
  roles: RolesTable;
  users: UsersTable;
  userRoles: UserRolesTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  signInAttempts: SignInAttemptsTable;
  rateLimitCounters: RateLimitCountersTable;
  setupTokens: SetupTokensTable;
  accessGrants: AccessGrantsTable;
  auditLog: AuditLogTable;
  auditChains: AuditChainsTable;
  auditAnchors: AuditAnchorsTable;
  settings: SettingsTable;
  contacts: ContactsTable;
  contactInboundEvents: ContactInboundEventsTable;
  contactMessages: ContactMessagesTable;
  contactFollowUpCodes: ContactFollowUpCodesTable;
  contactDrafts: ContactDraftsTable;
  contactScreenings: ContactScreeningsTable;
  contactEscalations: ContactEscalationsTable;
  operatorStates: OperatorStatesTable;
  consoleStreams: ConsoleStreamsTable;
  hotlineSettings: HotlineSettingsTable;
  mailOutbox: MailOutboxTable;
  pressOutlets: PressOutletsTable;
  pressPersons: PressPersonsTable;
  pressAffiliations: PressAffiliationsTable;
  pressIncidents: PressIncidentsTable;
  pressActs: PressActsTable;
  pressSources: PressSourcesTable;
  pressSourceFiles: PressSourceFilesTable;
  pressInvolvements: PressInvolvementsTable;
  pressLegalCases: PressLegalCasesTable;
  pressMilestones: PressMilestonesTable;
  pressStateRequests: PressStateRequestsTable;
  pressIncidentLinks: PressIncidentLinksTable;
  pressPublicIncidents: PressPublicIncidentsTable;
  pressPublicDocs: PressPublicDocsTable;
  pressImpunityIndex: PressImpunityIndexTable;
  people: PeopleTable;
  personNames: PersonNamesTable;
  cases: CasesTable;
  caseListing: CaseListingTable;
  personGrantKeys: PersonGrantKeysTable;
  caseContacts: CaseContactsTable;
  caseEvents: CaseEventsTable;
  caseScreenings: CaseScreeningsTable;
  caseNotes: CaseNotesTable;
  casePeople: CasePeopleTable;
  caseConsents: CaseConsentsTable;
  providers: ProvidersTable;
  caseDocuments: CaseDocumentsTable;
  caseAssistancePlans: CaseAssistancePlansTable;
  caseAssistanceServices: CaseAssistanceServicesTable;
  referrals: ReferralsTable;
  anonymousNotifications: AnonymousNotificationsTable;
  identificationDecisions: IdentificationDecisionsTable;
  residencePermits: ResidencePermitsTable;
  bestInterestsAssessments: BestInterestsAssessmentsTable;
  caseTasks: CaseTasksTable;
  reminders: RemindersTable;
  identityProviders: IdentityProvidersTable;
  userIdentities: UserIdentitiesTable;
  ssoRequests: SsoRequestsTable;
  accountFailures: AccountFailuresTable;
  knownSignInAddresses: KnownSignInAddressesTable;
  ssoTotpPending: SsoTotpPendingTable;
  demoSeedSteps: DemoSeedStepsTable;
  ssoRefusalWindows: SsoRefusalWindowsTable;
  criminalCases: CriminalCasesTable;
  actionPlans: ActionPlansTable;
  actionPlanGoals: ActionPlanGoalsTable;
  actionPlanMeasures: ActionPlanMeasuresTable;
  actionPlanMeasureAgencies: ActionPlanMeasureAgenciesTable;
  actionPlanIndicators: ActionPlanIndicatorsTable;
  actionPlanMeetings: ActionPlanMeetingsTable;
  actionPlanMeetingAgencies: ActionPlanMeetingAgenciesTable;
  actionPlanActionItems: ActionPlanActionItemsTable;
  actionPlanReports: ActionPlanReportsTable;
  actionPlanReportValues: ActionPlanReportValuesTable;
  actionPlanDocuments: ActionPlanDocumentsTable;
  actionPlanReminders: ActionPlanRemindersTable;
  criminalCaseNrmLinks: CriminalCaseNrmLinksTable;
  criminalDefendants: CriminalDefendantsTable;
  criminalCharges: CriminalChargesTable;
  criminalVerdicts: CriminalVerdictsTable;
  criminalSentences: CriminalSentencesTable;
  criminalCaseEvents: CriminalCaseEventsTable;
  criminalCaseVictims: CriminalCaseVictimsTable;
  criminalCooperationRequests: CriminalCooperationRequestsTable;
  justiceDefendantFacts: JusticeDefendantFactsTable;
}

export type Agency = Selectable<AgenciesTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type AccessGrant = Selectable<AccessGrantsTable>;
export type AuditRow = Selectable<AuditLogTable>;

/** An OpenID Connect provider (docs/single-sign-on.md). */
export interface IdentityProvidersTable {
  id: Generated<string>;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: Buffer | null;
  scope: Generated<string>;
  agencyId: string | null;
  assignment: 'claims' | 'admin';
  agencyClaim: string | null;
  agencyMap: ColumnType<Record<string, string>, string | undefined, string>;
  rolesClaim: string | null;
  roleMap: ColumnType<Record<string, string>, string | undefined, string>;
  enabled: Generated<boolean>;
  /** Made in demo mode: refused outside it (migration 0100). */
  isDemo: Generated<boolean>;
  /** An `acr` the ID token must carry for the sign-in to stand in for Pathway's TOTP step. */
  requiredAcr: string | null;
  /** Defined by the PATHWAY_OIDC_* environment variables (migration 0110): changed only there. */
  fromEnvironment: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/** Single sign-on callbacks refused before anyone was identified, per address: only the first of a window is audited (migration 0110). */
export interface SsoRefusalWindowsTable {
  addressKey: string;
  windowStartedAt: Generated<Date>;
  failures: Generated<number>;
}

/** Failures per account whatever the address: wrong TOTP codes, passwords, re-authentications. */
export interface AccountFailuresTable {
  userId: string;
  kind: 'totp' | 'password' | 'reauth';
  failures: Generated<number>;
  windowStartedAt: Generated<Date>;
}

/** A single sign-on waiting for the user's Pathway TOTP code. */
export interface SsoTotpPendingTable {
  ticketHash: Buffer;
  userId: string;
  providerId: string;
  identityId: string;
  expiresAt: Date;
}

/** An address (IPv6 by /64) the account signed in from successfully. */
export interface KnownSignInAddressesTable {
  userId: string;
  addressKey: string;
  lastSuccessAt: Generated<Date>;
}

/** A person at a provider, by (issuer, subject); `userId` null while an administrator has to assign them. */
export interface UserIdentitiesTable {
  id: Generated<string>;
  providerId: string;
  issuer: string;
  subject: string;
  userId: string | null;
  placedBy: Generated<'claims' | 'admin'>;
  email: string | null;
  name: string | null;
  /** The provider's `email_verified` as last sent. */
  emailVerified: Generated<boolean>;
  createdAt: Generated<Date>;
  lastSignInAt: Generated<Date>;
}

/** A single sign-on in flight: state (hashed), nonce and PKCE verifier, for ten minutes. */
export interface SsoRequestsTable {
  stateHash: Buffer;
  providerId: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  expiresAt: Date;
}

/** The demo's finished seeding steps (migration 0104). */
export interface DemoSeedStepsTable {
  key: string;
  doneAt: Generated<Date>;
}
