/**
 * Needs assessment and assistance plan of a case (CETS art. 12): one plan per case with the assessed
 * needs and goals, and its services, each with a status, a provider, dates and the person's consent
 * to that service. No column refers to cooperation with the police: assistance never depends on it.
 */
export const up = /* sql */ `
CREATE TABLE case_assistance_plans (
  case_id uuid PRIMARY KEY REFERENCES cases(id),
  needs_assessment text,
  assessed_on date,
  goals text[] NOT NULL DEFAULT '{}',
  updated_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE case_assistance_services (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  service text NOT NULL CHECK (service IN ('safe_accommodation','material_assistance','emergency_medical_care','psychological_assistance',
    'translation_interpretation','counselling_legal_information','criminal_proceedings_assistance','education_for_children','work_and_training')),
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','delivered','declined')),
  provider_id uuid REFERENCES providers(id),
  consent_id uuid REFERENCES case_consents(id),
  planned_on date,
  started_on date,
  ended_on date,
  note text,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX case_assistance_services_case_idx ON case_assistance_services (case_id, created_at);
`;
