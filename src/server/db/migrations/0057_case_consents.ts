/**
 * Consent records of the people in a case: to assistance (optionally one service), to sharing their
 * data with a named agency for a named purpose, to contact with the police. Each is dated and names
 * who recorded it; a withdrawal keeps the record and adds its date and recorder. Nothing in the
 * schema links assistance to police contact (CETS art. 12(6)).
 */
export const up = /* sql */ `
CREATE TABLE case_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  person_id uuid NOT NULL REFERENCES people(id),
  kind text NOT NULL CHECK (kind IN ('assistance','data_sharing','police_contact')),
  service text CHECK (service IN ('shelter','medical','psychological','legal_aid','interpretation','education','vocational','financial','repatriation')),
  agency_id uuid REFERENCES agencies(id),
  purpose text CHECK (purpose IN ('services','identification','case_transfer')),
  given_on date NOT NULL,
  form text NOT NULL CHECK (form IN ('written','oral')),
  given_by text NOT NULL DEFAULT 'person' CHECK (given_by IN ('person','parent','guardian')),
  note text,
  recorded_by uuid NOT NULL REFERENCES users(id),
  recorded_at timestamptz(3) NOT NULL DEFAULT now(),
  withdrawn_on date,
  withdrawn_recorded_by uuid REFERENCES users(id),
  withdrawn_at timestamptz(3),
  withdrawal_note text,
  CHECK ((kind = 'data_sharing') = (agency_id IS NOT NULL AND purpose IS NOT NULL)),
  CHECK (kind = 'assistance' OR service IS NULL),
  CHECK ((withdrawn_on IS NULL) = (withdrawn_at IS NULL)),
  CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE INDEX case_consents_case_idx ON case_consents (case_id, recorded_at);
CREATE INDEX case_consents_sharing_idx ON case_consents (case_id, person_id, agency_id, purpose) WHERE kind = 'data_sharing' AND withdrawn_on IS NULL;
`;
