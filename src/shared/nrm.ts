/**
 * National Referral Mechanism vocabulary shared by server and web. The HTCDS v2 code lists
 * (IOM Human Trafficking Case Data Standard, `htcds-fields.md`) are Pathway's canonical vocabularies:
 * each code below stands for the HTCDS label in the comment above its list, in the same order.
 */

/** cas_Status: Active; Follow Up; Closed; Closed Referred. */
export const CASE_STATUSES = ['active', 'follow_up', 'closed', 'closed_referred'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CLOSED_CASE_STATUSES: readonly CaseStatus[] = ['closed', 'closed_referred'];

/** The victim status ladder (trafficking.md): potential -> presumed -> identified or not identified. */
export const VICTIM_STATUSES = ['potential', 'presumed', 'identified', 'not_identified'] as const;
export type VictimStatus = (typeof VICTIM_STATUSES)[number];

/** vic_TypeOfExploitation. */
export const EXPLOITATION_FORMS = [
  'forced_labour',
  'sexual_exploitation',
  'child_labour',
  'forced_marriage',
  'servitude',
  'forced_military',
  'organ_removal',
  'forced_begging',
  'forced_adoption',
  'surrogacy',
  'other',
] as const;
export type ExploitationForm = (typeof EXPLOITATION_FORMS)[number];

/** vic_TypeOfSexExploitation. */
export const SEX_EXPLOITATION_TYPES = ['prostitution', 'pornography', 'remote_interactive_services', 'private_sexual_services'] as const;

/** vic_MethodsOfControl. */
export const CONTROL_METHODS = [
  'physical_threats',
  'threats_of_law_enforcement',
  'threatens_children_family',
  'debt_bondage',
  'false_promises',
  'physical_abuse',
  'sexual_abuse',
  'takes_earnings',
  'restricts_financial_access',
  'restricts_medical_care',
  'withholds_necessities',
  'psychological_abuse',
  'psychoactive_substance',
  'excessive_working_hours',
  'withholds_documents',
  'other',
] as const;

/** vic_MethodOfRecruitment. */
export const RECRUITMENT_METHODS = [
  'place_of_business',
  'educational_institution',
  'at_work',
  'online_social_networks',
  'online_advertisement',
  'television_advert',
  'newspaper_advert',
  'family_or_family_events',
  'friends_or_social_events',
  'other',
] as const;

/** vic_ForcedLabourIndustry (ISIC sections A to P as HTCDS lists them). */
export const INDUSTRIES = [
  'agriculture_forestry_fishing',
  'mining_quarrying',
  'manufacturing',
  'electricity_gas_steam',
  'water_sewerage_waste',
  'construction',
  'wholesale_retail_motor_repair',
  'transportation_storage',
  'accommodation_food_service',
  'information_communication',
  'financial_insurance',
  'real_estate',
  'professional_scientific_technical',
  'administrative_support',
  'public_administration_defence',
  'education',
] as const;

/** vic_RecruitmentWebsitesAndApps / vic_ExploitationWebsitesAndApps. */
export const WEBSITES_AND_APPS = [
  'facebook', 'instagram', 'whatsapp', 'telegram', 'facebook_messenger', 'viber', 'snapchat', 'line', '4sale', 'wechat', 'qq', 'qzone', 'tiktok', 'twitter', 'other',
] as const;

/** hte_Type. */
export const TRAFFICKING_EVENT_TYPES = ['recruitment', 'transit', 'exploitation'] as const;
export type TraffickingEventType = (typeof TRAFFICKING_EVENT_TYPES)[number];

/** The code lists a case carries, by field, for clients that build pickers. */
export const CASE_VOCABULARIES = {
  status: CASE_STATUSES,
  victimStatus: VICTIM_STATUSES,
  exploitationForms: EXPLOITATION_FORMS,
  sexExploitationTypes: SEX_EXPLOITATION_TYPES,
  controlMethods: CONTROL_METHODS,
  recruitmentMethods: RECRUITMENT_METHODS,
  industries: INDUSTRIES,
  recruitmentApps: WEBSITES_AND_APPS,
  eventTypes: TRAFFICKING_EVENT_TYPES,
} as const;

/**
 * Need-to-know parts of a case that a referral or share can open to another agency. `summary` is the
 * anonymous part (what an anonymous notification carries: sex, age band, nationality, exploitation,
 * place, date, agency); the others hold identifying or sensitive data.
 */
export const CASE_SECTIONS = ['summary', 'people', 'events', 'screening', 'consents', 'notes', 'tasks', 'contacts', 'referrals', 'identification', 'timeline', 'documents', 'assistance'] as const;
export type CaseSection = (typeof CASE_SECTIONS)[number];
/** Sections that carry no identifying data: they may go without the victim's consent. */
export const ANONYMOUS_CASE_SECTIONS: readonly CaseSection[] = ['summary'];

/** Roles of a person in a case (HTCDS Person with victim or perpetrator context; the contactor). */
export const CASE_PERSON_ROLES = ['victim', 'family_member', 'contactor', 'witness', 'suspected_perpetrator', 'other'] as const;
export type CasePersonRole = (typeof CASE_PERSON_ROLES)[number];

/** What a person consents to: assistance (per service), sharing their data with a named agency for a named purpose, contact with the police. */
export const CONSENT_KINDS = ['assistance', 'data_sharing', 'police_contact'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** Why a case goes to another agency; data-sharing consent names one of these, and so does a referral. */
export const REFERRAL_PURPOSES = ['services', 'identification', 'case_transfer'] as const;
export type ReferralPurpose = (typeof REFERRAL_PURPOSES)[number];

/**
 * The sections a purpose needs the receiver to see (besides `summary`, which always goes). An
 * identification decision is taken on a victim (`people`), on what happened (`events`), on the
 * indicators found (`screening`), and is recorded in `identification`: without one of them the
 * competent authority cannot decide (issue 15). Services and transfers leave the choice to the sender.
 */
export const REQUIRED_SECTIONS: Record<ReferralPurpose, readonly CaseSection[]> = {
  services: [],
  identification: ['people', 'events', 'screening', 'identification'],
  case_transfer: [],
};

export const CONSENT_FORMS = ['written', 'oral'] as const;
/** Who gave it: the person themselves, or for a child their parent or guardian. */
export const CONSENT_GIVERS = ['person', 'parent', 'guardian'] as const;

/** The assistance catalogue (CETS art. 12(1)) as service types of the providers' directory. */
export const SERVICE_TYPES = ['shelter', 'medical', 'psychological', 'legal_aid', 'interpretation', 'education', 'vocational', 'financial', 'repatriation'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const DECISION_STAGES = ['reasonable_grounds', 'conclusive'] as const;
export type DecisionStage = (typeof DECISION_STAGES)[number];
/** Reasonable grounds: positive or negative. Conclusive (trafficking.md step 4): the three outcomes. */
export const RG_OUTCOMES = ['positive', 'negative'] as const;
export const CONCLUSIVE_OUTCOMES = ['identified_trafficking', 'identified_forced_labour', 'not_enough_evidence'] as const;
export const DECISION_OUTCOMES = [...RG_OUTCOMES, ...CONCLUSIVE_OUTCOMES] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
/** The only grounds on which the reflection period may be withheld (CETS art. 13(3)). */
export const REFLECTION_WITHHOLD_GROUNDS = ['public_order', 'improper_claim'] as const;
/** CETS art. 14(1): a residence permit because the person's stay is necessary owing to their personal situation (a), or for their cooperation in an investigation or criminal proceedings (b). */
export const PERMIT_GROUNDS = ['personal_situation', 'criminal_proceedings'] as const;

/** Types a case document may have: checked against the file's magic number, not only its declared type. */
export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
/** What a document is, for the case worker's list. */
export const DOCUMENT_KINDS = ['identity_document', 'medical', 'legal', 'photo', 'correspondence', 'other'] as const;

/**
 * Assistance a victim is entitled to under CETS art. 12 (paragraphs 1 and 3-4), as services of an
 * assistance plan. Deliberately nothing here refers to cooperation with the police or prosecution:
 * assistance does not depend on it (art. 12(6)).
 */
export const ASSISTANCE_SERVICES = [
  'safe_accommodation',
  'material_assistance',
  'emergency_medical_care',
  'psychological_assistance',
  'translation_interpretation',
  'counselling_legal_information',
  'criminal_proceedings_assistance',
  'education_for_children',
  'work_and_training',
] as const;
export type AssistanceService = (typeof ASSISTANCE_SERVICES)[number];
export const ASSISTANCE_SERVICE_STATUSES = ['planned', 'in_progress', 'delivered', 'declined'] as const;
export type AssistanceServiceStatus = (typeof ASSISTANCE_SERVICE_STATUSES)[number];
