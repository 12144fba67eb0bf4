/**
 * Roles for criminal justice: court clerks (verdicts, sentences, appeals of the cases sent to their
 * court), and for investigators and prosecutors the people registry (suspects and defendants are
 * people: their agency records them) and, for prosecutors, the cases shared with their office to
 * change (charges, indictments). Installations that edited these roles keep their edits plus these.
 */
export const up = /* sql */ `
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['person:read:agency','person:create:agency','person:update:agency']) ORDER BY 1)
  WHERE code = 'investigator';
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['person:read:agency','person:create:agency','person:update:agency','investigation:update:granted']) ORDER BY 1)
  WHERE code = 'prosecutor';
INSERT INTO roles (code, permissions) VALUES
  ('court_clerk', ARRAY['investigation:read:granted','investigation:update:granted','person:read:granted','sensitive:identity'])
  ON CONFLICT (code) DO NOTHING;
`;
