/**
 * The people in a case (victims, family members, contactors, ...), with what the child rules need:
 * whether the age is disputed (then the person is treated as a child, CETS art. 10(3)), whether a
 * child is unaccompanied, and the guardian appointed for them (art. 10(4)).
 */
export const up = /* sql */ `
CREATE TABLE case_people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  person_id uuid NOT NULL REFERENCES people(id),
  role text NOT NULL CHECK (role IN ('victim','family_member','contactor','witness','suspected_perpetrator','other')),
  age_disputed boolean NOT NULL DEFAULT false,
  unaccompanied boolean NOT NULL DEFAULT false,
  guardian_name text,
  guardian_appointed_on date,
  added_by uuid NOT NULL REFERENCES users(id),
  added_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (case_id, person_id),
  CHECK ((guardian_name IS NULL) = (guardian_appointed_on IS NULL))
);
CREATE INDEX case_people_person_idx ON case_people (person_id);
CREATE INDEX case_people_case_idx ON case_people (case_id, added_at);
`;
