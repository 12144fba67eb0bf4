import type { TFunction } from 'i18next';

/**
 * A code's label: the translation when there is one, else the code made readable. With the person's
 * sex, a language that inflects for gender (Russian) gets the form that agrees (`<code>_female`,
 * `<code>_male`: i18next's context, falling back to the plain key).
 */
export const codeLabel = (t: TFunction, group: string, code: string, sex?: string | null): string =>
  t(`nrm.codes.${group}.${code}`, { defaultValue: code.replace(/_/g, ' '), ...(sex === 'female' || sex === 'male' ? { context: sex } : {}) });

export const options = (t: TFunction, group: string, codes: readonly string[]) => codes.map((c) => ({ value: c, label: codeLabel(t, group, c) }));

export const STATUS_COLORS: Record<string, string> = { active: 'blue', follow_up: 'yellow', closed: 'gray', closed_referred: 'gray', pending: 'yellow', accepted: 'green', declined: 'red', completed: 'gray', revoked: 'red' };

/**
 * Where the label of each code list of `src/shared/nrm.ts` lives (by the list's export name). A test
 * checks that every list is here and every code has a label in az, ru and en.
 */
export const CODE_LABEL_KEYS: Readonly<Record<string, string>> = {
  CASE_STATUSES: 'nrm.codes.caseStatus',
  CLOSED_CASE_STATUSES: 'nrm.codes.caseStatus',
  VICTIM_STATUSES: 'nrm.codes.victimStatus',
  EXPLOITATION_FORMS: 'nrm.codes.exploitation',
  SEX_EXPLOITATION_TYPES: 'nrm.codes.sexExploitation',
  CONTROL_METHODS: 'nrm.codes.control',
  RECRUITMENT_METHODS: 'nrm.codes.recruitment',
  INDUSTRIES: 'nrm.codes.industry',
  WEBSITES_AND_APPS: 'nrm.codes.app',
  TRAFFICKING_EVENT_TYPES: 'nrm.codes.eventType',
  CASE_SECTIONS: 'nrm.codes.section',
  ANONYMOUS_CASE_SECTIONS: 'nrm.codes.section',
  CASE_PERSON_ROLES: 'nrm.codes.personRole',
  CONSENT_KINDS: 'nrm.codes.consentKind',
  REFERRAL_PURPOSES: 'nrm.codes.purpose',
  CONSENT_FORMS: 'nrm.codes.consentForm',
  CONSENT_GIVERS: 'nrm.codes.consentGiver',
  SERVICE_TYPES: 'nrm.codes.service',
  DECISION_STAGES: 'nrm.codes.stage',
  RG_OUTCOMES: 'nrm.codes.outcome',
  CONCLUSIVE_OUTCOMES: 'nrm.codes.outcome',
  DECISION_OUTCOMES: 'nrm.codes.outcome',
  REFLECTION_WITHHOLD_GROUNDS: 'nrm.codes.withholdGround',
  PERMIT_GROUNDS: 'nrm.codes.permitGround',
  DOCUMENT_TYPES: 'nrm.codes.documentType',
  DOCUMENT_KINDS: 'nrmDocuments.documents.kinds',
  ASSISTANCE_SERVICES: 'nrmDocuments.assistance.services',
  ASSISTANCE_SERVICE_STATUSES: 'nrmDocuments.assistance.statuses',
};
