/**
 * Two protections of the victim: a prosecutor's or court's order ending access to the record (from
 * then on only auditors and the owning agency's supervisors open it), and the best-interests
 * assessment without which a child is never recorded as returned (CETS art. 16(7)).
 */
export const up = /* sql */ `
ALTER TABLE cases
  ADD COLUMN access_ended_at timestamptz(3),
  ADD COLUMN access_end_authority text CHECK (access_end_authority IN ('prosecutor','court')),
  ADD COLUMN access_end_reference text,
  ADD COLUMN access_end_ordered_on date,
  ADD COLUMN access_ended_by uuid REFERENCES users(id),
  ADD CONSTRAINT cases_access_end_complete CHECK (
    (access_ended_at IS NULL) = (access_end_authority IS NULL) AND (access_ended_at IS NULL) = (access_end_ordered_on IS NULL));

CREATE TABLE best_interests_assessments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  person_id uuid NOT NULL REFERENCES people(id),
  assessed_on date NOT NULL,
  assessed_by text NOT NULL,
  conclusion text NOT NULL CHECK (conclusion IN ('return_in_best_interests','return_not_in_best_interests')),
  summary text NOT NULL,
  recorded_by uuid NOT NULL REFERENCES users(id),
  recorded_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX best_interests_case_idx ON best_interests_assessments (case_id, person_id, assessed_on);

ALTER TABLE case_people
  ADD COLUMN returned_on date,
  ADD COLUMN returned_to text CHECK (returned_to ~ '^[A-Z]{3}$'),
  ADD COLUMN return_assessment_id uuid REFERENCES best_interests_assessments(id);

UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['cases:read_restricted']) ORDER BY 1)
  WHERE code IN ('supervisor','auditor');
`;
