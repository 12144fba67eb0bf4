/** Hotline vocabulary shared by server and web (hotline.md, "What an operator does with one contact"). */

export const CONTACT_CHANNELS = ['call', 'sms', 'whatsapp', 'telegram', 'web_chat', 'web_form', 'email', 'walk_in'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** new: waiting in the queue; ringing: a call offered to the console; wrap_up: the call or chat ended, the form is still open. */
export const CONTACT_STATUSES = ['new', 'ringing', 'in_progress', 'wrap_up', 'completed', 'abandoned'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const OPEN_STATUSES: readonly ContactStatus[] = ['new', 'ringing', 'in_progress', 'wrap_up'];

export const CONTACTOR_TYPES = ['victim', 'family_member', 'friend', 'witness', 'professional', 'employer', 'anonymous', 'other'] as const;
export type ContactorType = (typeof CONTACTOR_TYPES)[number];

export const CONTACT_TYPES = [
  'trafficking_report',
  'information_request',
  'service_request',
  'non_trafficking',
  'silent',
  'prank',
  'wrong_number',
  'abusive',
] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const URGENCIES = ['normal', 'high', 'immediate_danger'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const CONTACT_OUTCOMES = [
  'information_given',
  'referred_to_provider',
  'reported_to_police',
  'new_case',
  'linked_to_case',
  'follow_up_task',
  'no_action',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export const PERSON_ROLES = ['potential_victim', 'contactor', 'suspected_perpetrator', 'family_member', 'other'] as const;
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/**
 * Categories and their subcategories, `category.subcategory`. Trafficking subcategories are the
 * HTCDS v2 types of exploitation (htcds-fields.md, vic_TypeOfExploitation).
 */
export const CONTACT_CATEGORIES = {
  trafficking: [
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
  ],
  migration: ['safe_migration', 'job_offer_check', 'documents', 'other'],
  violence: ['domestic', 'sexual', 'other'],
  labour_rights: ['unpaid_wages', 'working_conditions', 'other'],
  missing_person: ['adult', 'child'],
  services: ['shelter', 'medical', 'legal', 'psychological', 'return', 'other'],
  other: ['other'],
} as const;
export const CATEGORY_CODES: readonly string[] = Object.entries(CONTACT_CATEGORIES).flatMap(([c, subs]) => (subs as readonly string[]).map((s) => `${c}.${s}`));

export const OBSERVATION_SOURCES = ['contactor_statement', 'operator_observation', 'third_party', 'document', 'other'] as const;
export type ObservationSource = (typeof OBSERVATION_SOURCES)[number];
