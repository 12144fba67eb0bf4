/**
 * The hotline manager's dashboard: contacts are counted by when they were received (an operator may
 * log a call afterwards, so `received_at` and `created_at` differ), per agency or across agencies.
 * The operators' queue (open contacts, newest first) gets an index of its own: without it, the newest
 * rows of the whole table are read backwards until enough open ones turn up, which is slow when the
 * open contacts are older than many closed ones.
 * Supervisors and coordinators of installations made before this migration get `hotline:reports`.
 */
export const up = /* sql */ `
CREATE INDEX contacts_agency_received_idx ON contacts (owner_agency_id, received_at);
CREATE INDEX contacts_received_idx ON contacts (received_at);
CREATE INDEX contacts_open_created_idx ON contacts (created_at, id) WHERE status IN ('new','ringing','in_progress','wrap_up');

UPDATE roles SET permissions = array_append(permissions, 'hotline:reports')
  WHERE code IN ('supervisor', 'coordinator') AND NOT ('hotline:reports' = ANY (permissions));
`;
