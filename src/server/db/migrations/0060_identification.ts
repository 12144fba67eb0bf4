/**
 * Identification decisions by the competent authority: reasonable grounds, then conclusive, per victim
 * of a case. A reconsideration is a new row pointing at the decision it reconsiders; nothing is
 * overwritten, so the history stays. The computed dates are stored with each decision as computed
 * from the country profile then in force.
 */
export const up = /* sql */ `
CREATE TABLE identification_decisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  person_id uuid NOT NULL REFERENCES people(id),
  referral_id uuid REFERENCES referrals(id),
  stage text NOT NULL CHECK (stage IN ('reasonable_grounds','conclusive')),
  outcome text NOT NULL CHECK (
    (stage = 'reasonable_grounds' AND outcome IN ('positive','negative')) OR
    (stage = 'conclusive' AND outcome IN ('identified_trafficking','identified_forced_labour','not_enough_evidence'))),
  decided_on date NOT NULL,
  reasons text NOT NULL,
  evidence text,
  reflection_withheld text CHECK (reflection_withheld IN ('public_order','improper_claim')),
  reflection_withheld_reason text,
  reconsiders_id uuid REFERENCES identification_decisions(id),
  reflection_ends_on date,
  earliest_conclusive_on date,
  decided_by uuid NOT NULL REFERENCES users(id),
  decided_by_agency_id uuid NOT NULL REFERENCES agencies(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((reflection_withheld IS NULL) = (reflection_withheld_reason IS NULL)),
  CHECK (reflection_withheld IS NULL OR (stage = 'reasonable_grounds' AND outcome = 'positive'))
);
CREATE INDEX identification_decisions_case_idx ON identification_decisions (case_id, person_id, created_at);
CREATE INDEX identification_decisions_referral_idx ON identification_decisions (referral_id) WHERE referral_id IS NOT NULL;
-- One decision reconsidered once: a later reconsideration reconsiders the newest one.
CREATE UNIQUE INDEX identification_decisions_reconsiders_key ON identification_decisions (reconsiders_id) WHERE reconsiders_id IS NOT NULL;

UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['identification:decide']) ORDER BY 1)
  WHERE code = 'identification_officer';
`;
