import * as m0001 from './0001_foundation.ts';
import * as m0020 from './0020_hotline.ts';
import * as m0030 from './0030_press_freedom.ts';
import * as m0031 from './0031_press_source_files.ts';
import * as m0032 from './0032_press_affiliation_dates.ts';
import * as m0033 from './0033_press_public_list_covering.ts';
import * as m0040 from './0040_operator_states.ts';
import * as m0043 from './0043_hotline_replies.ts';
import * as m0046 from './0046_hotline_dashboard.ts';
import * as m0050 from './0050_people.ts';
import * as m0051 from './0051_people_search.ts';
import * as m0055 from './0055_cases.ts';
import * as m0056 from './0056_case_people.ts';
import * as m0057 from './0057_case_consents.ts';
import * as m0058 from './0058_providers.ts';
import * as m0059 from './0059_referrals.ts';
import * as m0060 from './0060_identification.ts';
import * as m0061 from './0061_case_protection.ts';
import * as m0062 from './0062_case_tasks.ts';
import * as m0063 from './0063_case_timeline_index.ts';
import * as m0064 from './0064_case_documents.ts';
import * as m0065 from './0065_assistance_plans.ts';
import * as m0070 from './0070_htcds_export_permission.ts';
import * as m0075 from './0075_oversight.ts';
import * as m0080 from './0080_list_access_indexes.ts';
import * as m0085 from './0085_case_listing.ts';
import * as m0086 from './0086_person_grant_keys.ts';
import * as m0090 from './0090_reminder_sweep_index.ts';
import * as m0091 from './0091_document_store.ts';
import * as m0092 from './0092_residence_permits.ts';
import * as m0093 from './0093_referral_handler.ts';
import * as m0094 from './0094_sign_in_attempts.ts';
import * as m0095 from './0095_access_ended_index.ts';
import * as m0096 from './0096_audit_searched_names.ts';
import * as m0097 from './0097_single_sign_on.ts';
import * as m0098 from './0098_identity_at_rest.ts';
import * as m0099 from './0099_narratives_at_rest.ts';
import * as m0100 from './0100_sso_hardening.ts';
import * as m0101 from './0101_notes_at_rest.ts';
import * as m0102 from './0102_free_text_at_rest.ts';
import * as m0103 from './0103_hotline_channels.ts';
import * as m0104 from './0104_demo_seed_steps.ts';
import * as m0105 from './0105_handoffs.ts';
import * as m0107 from './0107_justice.ts';
import * as m0108 from './0108_justice_roles.ts';
import * as m0109 from './0109_justice_list_indexes.ts';
import * as m0110 from './0110_sign_in_trust.ts';
import * as m0111 from './0111_remaining_free_text_at_rest.ts';
import * as m0112 from './0112_justice_figure_months.ts';
import * as m0113 from './0113_justice_charges_case_index.ts';
import * as m0114 from './0114_justice_free_text_at_rest.ts';
import * as m0115 from './0115_investigation_reminders.ts';
import * as m0116 from './0116_criminal_event_withdrawal.ts';
import * as m0120 from './0120_action_plan.ts';
import * as m0124 from './0124_statistics_releases.ts';
import * as m0128 from './0128_justice_sentences_in_force.ts';
import * as m0129 from './0129_justice_list_sorts.ts';
import * as m0130 from './0130_justice_facts_case_index.ts';
import * as m0131 from './0131_statistics_release_withdrawal.ts';
import * as m0135 from './0135_rate_limit_counters.ts';
import * as m0138 from './0138_audit_chains.ts';
import * as m0139 from './0139_case_list_sorts.ts';
import * as m0140 from './0140_press_incident_sorts.ts';
import * as m0141 from './0141_indicator_statistics_source.ts';
import * as m0142 from './0142_statistics_counts.ts';
import * as m0143 from './0143_time_ordered_contact_ids.ts';
import * as m0144 from './0144_referral_reminder_marks.ts';

/** Every migration in order. A migration once on main is never edited; add the next number instead. */
export const migrations: Record<string, { up: string }> = {
  '0001_foundation': m0001,
  '0020_hotline': m0020,
  '0030_press_freedom': m0030,
  '0031_press_source_files': m0031,
  '0032_press_affiliation_dates': m0032,
  '0033_press_public_list_covering': m0033,
  '0040_operator_states': m0040,
  '0043_hotline_replies': m0043,
  '0046_hotline_dashboard': m0046,
  '0050_people': m0050,
  '0051_people_search': m0051,
  '0055_cases': m0055,
  '0056_case_people': m0056,
  '0057_case_consents': m0057,
  '0058_providers': m0058,
  '0059_referrals': m0059,
  '0060_identification': m0060,
  '0061_case_protection': m0061,
  '0062_case_tasks': m0062,
  '0063_case_timeline_index': m0063,
  '0064_case_documents': m0064,
  '0065_assistance_plans': m0065,
  '0070_htcds_export_permission': m0070,
  '0075_oversight': m0075,
  '0080_list_access_indexes': m0080,
  '0085_case_listing': m0085,
  '0086_person_grant_keys': m0086,
  '0090_reminder_sweep_index': m0090,
  '0091_document_store': m0091,
  '0092_residence_permits': m0092,
  '0093_referral_handler': m0093,
  '0094_sign_in_attempts': m0094,
  '0095_access_ended_index': m0095,
  '0096_audit_searched_names': m0096,
  '0097_single_sign_on': m0097,
  '0098_identity_at_rest': m0098,
  '0099_narratives_at_rest': m0099,
  '0100_sso_hardening': m0100,
  '0101_notes_at_rest': m0101,
  '0102_free_text_at_rest': m0102,
  '0103_hotline_channels': m0103,
  '0104_demo_seed_steps': m0104,
  '0105_handoffs': m0105,
  '0107_justice': m0107,
  '0108_justice_roles': m0108,
  '0109_justice_list_indexes': m0109,
  '0110_sign_in_trust': m0110,
  '0111_remaining_free_text_at_rest': m0111,
  '0112_justice_figure_months': m0112,
  '0113_justice_charges_case_index': m0113,
  '0114_justice_free_text_at_rest': m0114,
  '0115_investigation_reminders': m0115,
  '0116_criminal_event_withdrawal': m0116,
  '0120_action_plan': m0120,
  '0124_statistics_releases': m0124,
  '0128_justice_sentences_in_force': m0128,
  '0129_justice_list_sorts': m0129,
  '0130_justice_facts_case_index': m0130,
  '0131_statistics_release_withdrawal': m0131,
  '0135_rate_limit_counters': m0135,
  '0138_audit_chains': m0138,
  '0139_case_list_sorts': m0139,
  '0140_press_incident_sorts': m0140,
  '0141_indicator_statistics_source': m0141,
  '0142_statistics_counts': m0142,
  '0143_time_ordered_contact_ids': m0143,
  '0144_referral_reminder_marks': m0144,
};
