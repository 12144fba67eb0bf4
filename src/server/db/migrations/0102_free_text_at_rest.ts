/**
 * Identity at rest, continued (docs/nrm.md, "Identity at rest"): the remaining free text of the NRM
 * and the hotline is stored sealed under the master key, bound to its row: a guardian's name and the
 * country a child was returned to, a case's closure reason, referrals' reasons and notes,
 * identification decisions' reasons and evidence, assistance plans' needs assessments, goals and
 * service notes, best-interests summaries, task titles, the hotline's contact form drafts, and the
 * city of a contact and of a trafficking event. The data step `0102_free_text_at_rest`
 * (src/server/db/data-steps.ts) seals the rows written before and empties the plain columns.
 */
export const up = /* sql */ `
ALTER TABLE case_people ADD COLUMN guardian_name_enc bytea, ADD COLUMN returned_to_enc bytea;
DO $$
DECLARE c text;
BEGIN
  -- The guardian rule (a name with its date of appointment) now holds over the name, plain or sealed.
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'case_people'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%guardian_name%' LOOP
    EXECUTE format('ALTER TABLE case_people DROP CONSTRAINT %I', c);
  END LOOP;
END $$;
ALTER TABLE case_people ADD CONSTRAINT case_people_guardian_check
  CHECK ((guardian_name IS NULL AND guardian_name_enc IS NULL) = (guardian_appointed_on IS NULL));
ALTER TABLE cases ADD COLUMN closure_reason_enc bytea;
ALTER TABLE referrals ADD COLUMN reason_enc bytea, ADD COLUMN accept_note_enc bytea, ADD COLUMN decline_reason_enc bytea,
  ADD COLUMN completion_note_enc bytea, ADD COLUMN revoke_reason_enc bytea;
ALTER TABLE identification_decisions ADD COLUMN reasons_enc bytea, ADD COLUMN evidence_enc bytea, ADD COLUMN reflection_withheld_reason_enc bytea;
ALTER TABLE identification_decisions ALTER COLUMN reasons DROP NOT NULL;
DO $$
DECLARE c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'identification_decisions'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%reflection_withheld_reason%' LOOP
    EXECUTE format('ALTER TABLE identification_decisions DROP CONSTRAINT %I', c);
  END LOOP;
END $$;
ALTER TABLE identification_decisions ADD CONSTRAINT identification_decisions_withheld_check
  CHECK ((reflection_withheld IS NULL) = (reflection_withheld_reason IS NULL AND reflection_withheld_reason_enc IS NULL));
ALTER TABLE case_assistance_plans ADD COLUMN needs_assessment_enc bytea, ADD COLUMN goals_enc bytea;
ALTER TABLE case_assistance_services ADD COLUMN note_enc bytea;
ALTER TABLE best_interests_assessments ADD COLUMN summary_enc bytea;
ALTER TABLE best_interests_assessments ALTER COLUMN summary DROP NOT NULL;
ALTER TABLE case_tasks ADD COLUMN title_enc bytea;
ALTER TABLE case_tasks ALTER COLUMN title DROP NOT NULL;
ALTER TABLE contact_drafts ADD COLUMN data_enc bytea;
ALTER TABLE contact_drafts ALTER COLUMN data DROP NOT NULL;
ALTER TABLE contacts ADD COLUMN city_enc bytea;
ALTER TABLE case_events ADD COLUMN city_enc bytea;
`;
