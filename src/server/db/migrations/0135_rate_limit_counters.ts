/**
 * Per-address rate limits counted in PostgreSQL (issue 16), so that they hold in total across any
 * number of Pathway processes: one row per limit (`bucket`: the route or group and its window) and
 * client key, counted by one atomic `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
 * (src/server/rate-limit.ts). UNLOGGED: no WAL for a counter written on every limited request,
 * and after a crash PostgreSQL empties it, which only forgives the current windows. Rows past their
 * window are deleted by the housekeeping round.
 */
export const up = /* sql */ `
CREATE UNLOGGED TABLE rate_limit_counters (
  bucket text NOT NULL,
  key text NOT NULL,
  hits int NOT NULL,
  window_ends_at timestamptz NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE INDEX rate_limit_counters_window_ends_at ON rate_limit_counters (window_ends_at);
`;
