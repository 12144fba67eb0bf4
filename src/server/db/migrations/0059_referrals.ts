/**
 * Referrals of a case (or one service need) from the agency that owns it to another agency or a
 * provider, with the sections the sender chose and the sections that actually went (the consent
 * gate may hold identifying ones back), every step dated, and the answer deadline. Anonymous
 * notifications count the referrals of adults whose identifying data could not go for lack of
 * consent (sex, age band, nationality, exploitation, place, date, agency: no identity).
 */
export const up = /* sql */ `
CREATE TABLE referrals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  from_agency_id uuid NOT NULL REFERENCES agencies(id),
  from_user_id uuid NOT NULL REFERENCES users(id),
  to_agency_id uuid NOT NULL REFERENCES agencies(id),
  provider_id uuid REFERENCES providers(id),
  purpose text NOT NULL CHECK (purpose IN ('services','identification','case_transfer')),
  service_type text CHECK (service_type IN ('shelter','medical','psychological','legal_aid','interpretation','education','vocational','financial','repatriation')),
  reason text,
  sections_requested text[] NOT NULL,
  sections_shared text[] NOT NULL,
  -- How identifying data could go: every victim consented, child rules, or it did not (anonymous).
  consent_basis text NOT NULL CHECK (consent_basis IN ('consent','child','anonymous')),
  -- What the receiver sees before answering: no identity.
  summary jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','declined','completed','revoked')),
  sent_at timestamptz(3) NOT NULL DEFAULT now(),
  answer_due_at timestamptz(3) NOT NULL,
  accepted_at timestamptz(3),
  accepted_by uuid REFERENCES users(id),
  accept_note text,
  declined_at timestamptz(3),
  declined_by uuid REFERENCES users(id),
  decline_reason text,
  completed_at timestamptz(3),
  completed_by uuid REFERENCES users(id),
  completion_note text,
  revoked_at timestamptz(3),
  revoked_by uuid REFERENCES users(id),
  revoke_reason text,
  -- The grants this referral made: on the case (sections) and on the referral itself (to the receiver).
  case_grant_id uuid REFERENCES access_grants(id),
  referral_grant_id uuid REFERENCES access_grants(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (from_agency_id <> to_agency_id)
);
CREATE INDEX referrals_created_idx ON referrals (created_at, id);
CREATE INDEX referrals_case_idx ON referrals (case_id, sent_at);
CREATE INDEX referrals_from_idx ON referrals (from_agency_id, created_at, id);
CREATE INDEX referrals_to_idx ON referrals (to_agency_id, created_at, id);
CREATE INDEX referrals_pending_due_idx ON referrals (answer_due_at) WHERE status = 'pending';

CREATE TABLE anonymous_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  referral_id uuid NOT NULL REFERENCES referrals(id),
  from_agency_id uuid NOT NULL REFERENCES agencies(id),
  sex text NOT NULL,
  age_band text NOT NULL CHECK (age_band IN ('child','adult','unknown')),
  nationality text,
  exploitation_forms text[] NOT NULL DEFAULT '{}',
  region text,
  country text,
  -- The first exploitation (or any) event's date as far as known: YYYY, YYYY-MM or YYYY-MM-DD.
  event_date text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX anonymous_notifications_created_idx ON anonymous_notifications (created_at);
`;
