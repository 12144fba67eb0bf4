/**
 * Sign-in and single sign-on after a second security review (docs/single-sign-on.md,
 * docs/access-model.md "Sessions, tokens and sign-in"):
 * - a sign-in for an unknown e-mail takes its tries like an account does, under a pseudonymous key
 *   derived from the e-mail (never the e-mail itself), so `sign_in_attempts.user_id` is no longer a
 *   reference to `users` (rows of deleted users are pruned by the housekeeping job instead);
 * - single sign-on callbacks refused before anyone is identified are audited at most once per
 *   address and window (`sso_refusal_windows`), the rest only logged;
 * - one identity provider may be defined by environment variables (`from_environment`), at most one;
 * - the housekeeping job deletes expired sessions by their expiry.
 */
export const up = /* sql */ `
ALTER TABLE sign_in_attempts DROP CONSTRAINT IF EXISTS sign_in_attempts_user_id_fkey;

CREATE TABLE sso_refusal_windows (
  address_key text PRIMARY KEY,
  window_started_at timestamptz(3) NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 1
);

ALTER TABLE identity_providers ADD COLUMN from_environment boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX identity_providers_one_from_environment ON identity_providers ((true)) WHERE from_environment;

CREATE INDEX sessions_expires_idx ON sessions (expires_at);
`;
