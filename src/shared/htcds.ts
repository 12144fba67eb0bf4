/**
 * The IOM Human Trafficking Case Data Standard v2 (HTCDS, `htcds-fields.md`) as Pathway reads and
 * writes it: for each HTCDS pick-list, the HTCDS value (its label, as the standard's own tools write
 * it) of each Pathway code. Import and export both go through these tables, so a value exported is a
 * value the import accepts.
 */
import {
  ASSISTANCE_SERVICES,
  CASE_STATUSES,
  CONTROL_METHODS,
  EXPLOITATION_FORMS,
  INDUSTRIES,
  RECRUITMENT_METHODS,
  SEX_EXPLOITATION_TYPES,
  TRAFFICKING_EVENT_TYPES,
  VICTIM_STATUSES,
  WEBSITES_AND_APPS,
} from './nrm.ts';
import { PERSON_SEXES } from './people.ts';
import { AGENCY_TYPES } from './roles.ts';

export const HTCDS_STANDARD = 'HTCDS';
export const HTCDS_VERSION = '2.0';

type CodeMap<C extends string> = Readonly<Record<C, string>>;

/** cas_Status. */
export const CAS_STATUS: CodeMap<(typeof CASE_STATUSES)[number]> = { active: 'Active', follow_up: 'Follow Up', closed: 'Closed', closed_referred: 'Closed Referred' };

/**
 * vic_TraffickingStatus. Pathway's ladder has one step more than HTCDS: `potential` and `presumed`
 * are both "Possible victim"; `pw_VictimStatus` carries the exact step.
 */
export const VIC_TRAFFICKING_STATUS: CodeMap<(typeof VICTIM_STATUSES)[number]> = {
  potential: 'Possible victim of trafficking',
  presumed: 'Possible victim of trafficking',
  identified: 'Actual victim of trafficking',
  not_identified: 'Not a victim of trafficking',
};

/** vic_TraffickingStatusDecisionMakingOrg, from the type of the agency that decided. */
export const VIC_DECISION_ORG: CodeMap<(typeof AGENCY_TYPES)[number]> = {
  police: 'Police',
  ngo: 'NGO',
  shelter: 'NGO',
  prosecution: 'Court or prosecution',
  court: 'Court or prosecution',
  government: 'Non-police governmental organization',
  coordinator: 'Non-police governmental organization',
  international: 'Other',
};

/** vic_TypeOfExploitation. */
export const VIC_TYPE_OF_EXPLOITATION: CodeMap<(typeof EXPLOITATION_FORMS)[number]> = {
  forced_labour: 'Forced labour',
  sexual_exploitation: 'Sexual exploitation',
  child_labour: 'Child labour',
  forced_marriage: 'Forced marriage',
  servitude: 'Servitude',
  forced_military: 'Forced military (by non-state actors)',
  organ_removal: 'Organ removal',
  forced_begging: 'Forced begging',
  forced_adoption: 'Forced adoption',
  surrogacy: 'Surrogacy',
  other: 'Other',
};

/** vic_TypeOfSexExploitation. */
export const VIC_TYPE_OF_SEX_EXPLOITATION: CodeMap<(typeof SEX_EXPLOITATION_TYPES)[number]> = {
  prostitution: 'Prostitution',
  pornography: 'Pornography',
  remote_interactive_services: 'Remote Interactive Services',
  private_sexual_services: 'Private Sexual Services',
};

/** vic_MethodsOfControl. */
export const VIC_METHODS_OF_CONTROL: CodeMap<(typeof CONTROL_METHODS)[number]> = {
  physical_threats: 'Physical threats',
  threats_of_law_enforcement: 'Threats of law enforcement',
  threatens_children_family: 'Threatens children/family',
  debt_bondage: 'Debt bondage',
  false_promises: 'False promises',
  physical_abuse: 'Physical abuse',
  sexual_abuse: 'Sexual abuse',
  takes_earnings: 'Takes earnings',
  restricts_financial_access: 'Restricts financial access',
  restricts_medical_care: 'Restricts medical care',
  withholds_necessities: 'Withholds necessities',
  psychological_abuse: 'Psychological abuse',
  psychoactive_substance: 'Psychoactive substance',
  excessive_working_hours: 'Excessive working hours',
  withholds_documents: 'Withholds documents',
  other: 'Other',
};

/** vic_MethodOfRecruitment. */
export const VIC_METHOD_OF_RECRUITMENT: CodeMap<(typeof RECRUITMENT_METHODS)[number]> = {
  place_of_business: 'At a place of business',
  educational_institution: 'At an educational institution',
  at_work: 'At work',
  online_social_networks: 'Through online social networks',
  online_advertisement: 'Through an online advertisement',
  television_advert: 'Through a television advert',
  newspaper_advert: 'Through a newspaper advert',
  family_or_family_events: 'Through family or family events',
  friends_or_social_events: 'Through friends or social events',
  other: 'Other',
};

/** vic_ForcedLabourIndustry: the ISIC sections as HTCDS names them. */
export const VIC_FORCED_LABOUR_INDUSTRY: CodeMap<(typeof INDUSTRIES)[number]> = {
  agriculture_forestry_fishing: 'Agriculture, forestry and fishing',
  mining_quarrying: 'Mining and quarrying',
  manufacturing: 'Manufacturing',
  electricity_gas_steam: 'Electricity, gas, steam and air conditioning supply',
  water_sewerage_waste: 'Water supply; sewerage, waste management and remediation',
  construction: 'Construction',
  wholesale_retail_motor_repair: 'Wholesale and retail trade; repair of motor vehicles and motorcycles',
  transportation_storage: 'Transportation and storage',
  accommodation_food_service: 'Accommodation and food service activities',
  information_communication: 'Information and communication',
  financial_insurance: 'Financial and insurance activities',
  real_estate: 'Real estate activities',
  professional_scientific_technical: 'Professional, scientific and technical activities',
  administrative_support: 'Administrative and support service activities',
  public_administration_defence: 'Public administration and defence; compulsory social security',
  education: 'Education',
};

/** vic_RecruitmentWebsitesAndApps. */
export const VIC_WEBSITES_AND_APPS: CodeMap<(typeof WEBSITES_AND_APPS)[number]> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
  facebook_messenger: 'Facebook Messenger',
  viber: 'Viber',
  snapchat: 'SnapChat',
  line: 'Line',
  '4sale': '4Sale',
  wechat: 'WeChat',
  qq: 'QQ',
  qzone: 'QZone',
  tiktok: 'TikTok',
  twitter: 'Twitter',
  other: 'Other',
};

/** hte_Type. */
export const HTE_TYPE: CodeMap<(typeof TRAFFICKING_EVENT_TYPES)[number]> = { recruitment: 'Recruitment', transit: 'Transit', exploitation: 'Exploitation' };

/** prs_Gender. Pathway records four values; the two transgender values are imported as `other`. */
export const PRS_GENDER: CodeMap<(typeof PERSON_SEXES)[number]> = { female: 'Feminine', male: 'Masculine', other: 'Non-Conforming', unknown: 'Not Specified/Unknown' };
export const PRS_GENDER_IMPORT_ONLY: Readonly<Record<string, (typeof PERSON_SEXES)[number]>> = { 'Transgender Feminine': 'other', 'Transgender Masculine': 'other' };

/** spl_Type of each assistance service (CETS art. 12); `pw_Service` keeps the exact service. */
export const SPL_TYPE: CodeMap<(typeof ASSISTANCE_SERVICES)[number]> = {
  safe_accommodation: 'Social Care',
  material_assistance: 'Financial',
  emergency_medical_care: 'Health',
  psychological_assistance: 'Health',
  translation_interpretation: 'Social Care',
  counselling_legal_information: 'Legal',
  criminal_proceedings_assistance: 'Legal',
  education_for_children: 'Education',
  work_and_training: 'Livelihood',
};

/** cas_ReasonForOutgoingReferral / cas_ReasonForIncomingReferral, from the referral's purpose. */
export const CAS_REFERRAL_REASON = { services: 'Additional Services Required', identification: 'Other', case_transfer: 'Other' } as const;

/** The HTCDS value of a code, and the code of an HTCDS value (undefined when it is not one). */
export const toHtcds = <C extends string>(map: CodeMap<C>, code: string): string => map[code as C] ?? code;
export function fromHtcds<C extends string>(map: CodeMap<C>, value: string): C | undefined {
  for (const [code, label] of Object.entries(map) as [C, string][]) if (label === value) return code;
  return undefined;
}
/** The HTCDS values of a list, each once (for messages and schemas). */
export const htcdsValues = (map: CodeMap<string>): [string, ...string[]] => [...new Set(Object.values(map))] as [string, ...string[]];
