/**
 * Statistical releases (issue 13, docs/statistics.md): a frozen, versioned snapshot of the national
 * tables after disclosure control, prepared by an analyst or the coordinator's office and approved by
 * another person before the public sees it. `tables` holds the protected tables in az, ru and en as
 * computed at preparation (inner values kept for the reviewers; the public answer blanks suppressed
 * ones); `ledger` the release's cells without labels (universe, key, published value or null), which
 * later releases are audited against; `flags` what the audit found at preparation.
 */
export const up = /* sql */ `
CREATE TABLE statistics_releases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  series text NOT NULL,
  version int NOT NULL,
  title text NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  threshold int NOT NULL,
  rounding int,
  status text NOT NULL DEFAULT 'prepared' CHECK (status IN ('prepared', 'approved', 'superseded')),
  tables jsonb NOT NULL,
  ledger jsonb NOT NULL,
  flags jsonb NOT NULL DEFAULT '[]',
  prepared_by uuid NOT NULL REFERENCES users(id),
  prepared_at timestamptz NOT NULL DEFAULT now(),
  approved_by uuid REFERENCES users(id),
  approved_at timestamptz,
  UNIQUE (series, version),
  CHECK (period_from <= period_to),
  CHECK ((status = 'prepared') = (approved_at IS NULL) OR status = 'superseded')
);
CREATE INDEX statistics_releases_public ON statistics_releases (approved_at DESC, id) WHERE status = 'approved';
CREATE INDEX statistics_releases_prepared ON statistics_releases (prepared_at DESC, id);

UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['statistics:prepare','statistics:approve']) ORDER BY 1)
  WHERE code = 'coordinator';
UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['statistics:prepare']) ORDER BY 1)
  WHERE code = 'analyst';
`;
