/**
 * HTCDS import and export add no table: an import writes ordinary cases, people, events and consents.
 * Bulk exports are de-identified by default; the permission to export identifying data is given to
 * supervisors, who answer for their agency's data leaving it.
 */
export const up = /* sql */ `
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['htcds:export_identifying']) ORDER BY 1)
  WHERE code = 'supervisor';
`;
