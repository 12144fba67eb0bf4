/** Criminal-justice vocabulary (docs/criminal-justice.md), shared by server and web. */

export const INVESTIGATING_BODIES = ['police', 'prosecutor', 'security_service'] as const;
export type InvestigatingBody = (typeof INVESTIGATING_BODIES)[number];

export const CRIMINAL_CASE_STATUSES = ['investigation', 'suspended', 'terminated', 'in_court', 'decided', 'final'] as const;
export type CriminalCaseStatus = (typeof CRIMINAL_CASE_STATUSES)[number];

export const COMPLICITY_AGENCY_TYPES = ['police', 'border', 'prosecution', 'judiciary', 'labour_inspection', 'local_government', 'military', 'diplomatic', 'other'] as const;

/** Procedural events; those marked per defendant name one. */
export const PROCEDURAL_EVENT_TYPES = [
  'opened',
  'suspect_identified',
  'charged',
  'detained',
  'released',
  'suspended',
  'resumed',
  'extended',
  'terminated',
  'indicted',
  'trial_opened',
  'verdict',
  'appeal_lodged',
  'appeal_decided',
  'cassation',
  'final',
] as const;
export type ProceduralEventType = (typeof PROCEDURAL_EVENT_TYPES)[number];
export const DEFENDANT_EVENTS: readonly ProceduralEventType[] = ['suspect_identified', 'charged', 'detained', 'released', 'indicted', 'verdict', 'appeal_lodged', 'appeal_decided', 'cassation', 'final'];

export const TERMINATION_GROUNDS = ['no_crime', 'no_evidence', 'reconciliation', 'amnesty', 'death', 'limitation', 'non_punishment', 'other'] as const;
export type TerminationGround = (typeof TERMINATION_GROUNDS)[number];

export const DEFENDANT_ROLES = ['recruiter', 'transporter', 'exploiter', 'organiser', 'financier', 'other'] as const;
export const DEFENDANT_RELATIONS = ['stranger', 'acquaintance', 'intimate_partner', 'family', 'employer', 'official', 'unknown', 'other'] as const;

export const CHARGE_OUTCOMES = ['convicted', 'acquitted', 'terminated', 'reclassified'] as const;
export type ChargeOutcome = (typeof CHARGE_OUTCOMES)[number];
export const VERDICT_OUTCOMES = [...CHARGE_OUTCOMES, 'returned'] as const;
export type VerdictOutcome = (typeof VERDICT_OUTCOMES)[number];
export const INSTANCES = ['first', 'appeal', 'cassation'] as const;
export type Instance = (typeof INSTANCES)[number];

export const SENTENCE_TYPES = ['imprisonment', 'restriction_of_liberty', 'fine', 'correctional_work', 'other'] as const;
export type SentenceType = (typeof SENTENCE_TYPES)[number];
export const DEFERRAL_GROUNDS = ['pregnancy', 'child_under_age', 'other'] as const;
export type DeferralGround = (typeof DEFERRAL_GROUNDS)[number];
/** Mitigating circumstances (Criminal Code art. 59; the list is open). */
export const MITIGATING_CODES = ['pregnancy', 'minor_child', 'confession', 'cooperation', 'compensated_victim', 'first_offence', 'other'] as const;
export const RELEASE_BASES = ['amnesty', 'pardon', 'parole', 'served', 'other'] as const;
export const APPEAL_PARTIES = ['defence', 'prosecutor', 'victim'] as const;
export const APPEAL_RESULTS = ['upheld', 'increased', 'reduced', 'acquitted', 'retrial'] as const;

/** Sentence bands of the figures: suspended or deferred first, then fine only, then effective terms. */
export const SENTENCE_BANDS = ['suspended_or_deferred', 'fine_only', 'under_1', '1_5', '5_10', 'over_10', 'other'] as const;
export type SentenceBand = (typeof SENTENCE_BANDS)[number];

/** Sexual and labour exploitation always apart (TIP, Eurostat): every HTCDS form falls in one group. */
export const FORM_GROUPS = ['sexual', 'labour', 'other'] as const;
export type FormGroup = (typeof FORM_GROUPS)[number];

export const AGE_GROUPS = ['child', 'adult', 'unknown'] as const;
export const PROTECTION_MEASURES = ['identity_withheld', 'physical_protection', 'relocation', 'testimony_remote', 'closed_hearing', 'other'] as const;
export const COOPERATION_KINDS = ['extradition', 'mla', 'interpol_notice'] as const;
export const COOPERATION_DIRECTIONS = ['sent', 'received'] as const;
export const COOPERATION_OUTCOMES = ['pending', 'granted', 'refused', 'partial', 'withdrawn'] as const;

/** The figures a statistic can open the records of (`GET /justice/statistics/records?figure=`). */
export const FIGURES = ['investigations', 'suspects', 'prosecutions', 'convictions', 'final', 'reversed', 'acquittals', 'terminations', 'suspended_or_deferred', 'below_minimum', 'flagged'] as const;
export type Figure = (typeof FIGURES)[number];
