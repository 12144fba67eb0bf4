/** Vocabulary of the press-freedom tracker, shared by the server, the web app and the data dictionary. */

export const DATE_PRECISIONS = ['day', 'month', 'year'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/** Where the incident happened (press-freedom.md, Incident). */
export const INCIDENT_CONTEXTS = ['protest', 'home', 'workplace', 'street', 'online', 'abroad', 'detention', 'other'] as const;
export type IncidentContext = (typeof INCIDENT_CONTEXTS)[number];

/** Whether the attack is related to the victim's journalism; official denials are attributed claims. */
export const WORK_RELATIONS = ['confirmed', 'unconfirmed', 'officially_denied', 'disputed'] as const;
export type WorkRelation = (typeof WORK_RELATIONS)[number];

/** Council of Europe Safety of Journalists Platform alert categories. */
export const ALERT_CATEGORIES = ['physical_safety', 'detention', 'harassment', 'impunity', 'chilling_effect'] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

export const ACT_TYPES = [
  'killing',
  'attempted_killing',
  'assault',
  'abduction',
  'torture',
  'arbitrary_detention',
  'threat',
  'harassment',
  'online_harassment',
  'surveillance',
  'attack_on_property',
  'hacking',
  'judicial_harassment',
  'transnational_repression',
] as const;
export type ActType = (typeof ACT_TYPES)[number];

export const ACT_METHODS = ['firearm', 'knife', 'blunt_object', 'beating', 'vehicle', 'other'] as const;
export type ActMethod = (typeof ACT_METHODS)[number];

export const ACT_OUTCOMES = ['killed', 'seriously_injured', 'injured', 'no_physical_injury'] as const;
export type ActOutcome = (typeof ACT_OUTCOMES)[number];

/** CPJ's sources of fire, plus police/security services and private individuals. */
export const PERPETRATOR_CATEGORIES = [
  'political_group',
  'government_officials',
  'military_officials',
  'police_security',
  'paramilitary_group',
  'criminal_group',
  'mob_violence',
  'local_residents',
  'private_individual',
  'unknown',
] as const;
export type PerpetratorCategory = (typeof PERPETRATOR_CATEGORIES)[number];

export const INVOLVEMENT_DEGREES = ['direct_perpetrator', 'mastermind', 'accomplice', 'failure_to_protect'] as const;
export type InvolvementDegree = (typeof INVOLVEMENT_DEGREES)[number];

export const ATTRIBUTIONS = ['alleged_by_victim', 'suspected_by_ngo', 'named_by_authorities', 'charged', 'convicted', 'acquitted'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/** Steps of the state's handling of a legal case, in the order they usually come. */
export const MILESTONE_KINDS = [
  'complaint',
  'case_opened',
  'case_refused',
  're_qualified',
  'suspect_named',
  'suspect_released',
  'arrest_warrant',
  'extradition_requested',
  'extradition_refused',
  'charge',
  'arrest',
  'trial',
  'verdict',
  'appeal',
  'suspension',
  'closure',
  'reopening',
  'evidence_not_collected',
  'official_statement',
  'anniversary',
  'echr_application',
  'echr_judgment',
  'state_reply',
] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export const SOURCE_KINDS = ['court_decision', 'official_letter', 'ngo_alert', 'news_article', 'testimony', 'medical_report', 'other'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const RELIABILITIES = ['high', 'medium', 'low'] as const;
export type Reliability = (typeof RELIABILITIES)[number];

export const MECHANISMS = ['unesco', 'council_of_europe', 'osce', 'un', 'bilateral'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const LINK_KINDS = ['retaliation', 'same_outlet', 'follow_up_abroad', 'related'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const OUTLET_MEDIA = ['print', 'online', 'tv', 'radio', 'news_agency', 'other'] as const;
export type OutletMedium = (typeof OUTLET_MEDIA)[number];

export const EMPLOYMENTS = ['staff', 'freelance'] as const;

export const IMPUNITY_STATUSES = ['full_justice', 'partial_justice', 'complete_impunity'] as const;
export type ImpunityStatus = (typeof IMPUNITY_STATUSES)[number];

export const UNESCO_STATUSES = ['resolved', 'ongoing', 'no_information'] as const;
export type UnescoStatus = (typeof UNESCO_STATUSES)[number];
