/**
 * Press freedom: a journalist's affiliation with an outlet gets its dates (from, until), each known
 * to the day, the month or the year like every press date; the free-text `period` stays for what
 * dates cannot say ("during the 2005 campaign"). That `until` does not end before `from` starts is
checked by the service (a month "2006-05" may end an affiliation that started on 2006-05-19).
 */
export const up = /* sql */ `
ALTER TABLE press_affiliations
  ADD COLUMN started_on date,
  ADD COLUMN started_precision text CHECK (started_precision IN ('day','month','year')),
  ADD COLUMN ended_on date,
  ADD COLUMN ended_precision text CHECK (ended_precision IN ('day','month','year')),
  ADD COLUMN created_at timestamptz(3) NOT NULL DEFAULT now(),
  ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now(),
  ADD CONSTRAINT press_affiliations_started_check CHECK ((started_on IS NULL) = (started_precision IS NULL)),
  ADD CONSTRAINT press_affiliations_ended_check CHECK ((ended_on IS NULL) = (ended_precision IS NULL));
CREATE INDEX press_affiliations_person_idx ON press_affiliations (person_id);
`;
