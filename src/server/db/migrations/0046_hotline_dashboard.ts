/**
 * The hotline manager's dashboard: contacts are counted by when they were received (an operator may
 * log a call afterwards, so `received_at` and `created_at` differ), per agency or across agencies.
 * Supervisors and coordinators of installations made before this migration get `hotline:reports`.
 */
export const up = /* sql */ `
CREATE INDEX contacts_agency_received_idx ON contacts (owner_agency_id, received_at);
CREATE INDEX contacts_received_idx ON contacts (received_at);

UPDATE roles SET permissions = array_append(permissions, 'hotline:reports')
  WHERE code IN ('supervisor', 'coordinator') AND NOT ('hotline:reports' = ANY (permissions));
`;
