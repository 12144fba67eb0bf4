/**
 * Single sign-on and sign-in, hardened after a security review (docs/single-sign-on.md,
 * docs/access-model.md "Sessions, tokens and sign-in"):
 * - identity providers made while Pathway runs in demo mode are demo (`is_demo`): their sign-ins are
 *   refused, and they are hidden, outside demo mode;
 * - a provider may require an `acr` value in the ID token: only then does its sign-in stand in for
 *   Pathway's own TOTP step (`required_acr`);
 * - failures are also counted per account, whatever the address (`account_failures`): wrong TOTP
 *   codes, wrong passwords, and wrong passwords asked again of a signed-in user (re-authentication);
 * - where each account last signed in successfully (`known_sign_in_addresses`);
 * - a single sign-on of a user with Pathway TOTP waits here, five minutes, for the code: keyed by a
 *   hash of the ticket the browser holds in a cookie (`sso_totp_pending`);
 * - a sign-in remembers whether the provider said the e-mail was verified (`email_verified`).
 */
export const up = /* sql */ `
ALTER TABLE identity_providers ADD COLUMN is_demo boolean NOT NULL DEFAULT false;
ALTER TABLE identity_providers ADD COLUMN required_acr text;
ALTER TABLE user_identities ADD COLUMN email_verified boolean NOT NULL DEFAULT false;

CREATE TABLE account_failures (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('totp', 'password', 'reauth')),
  failures integer NOT NULL DEFAULT 0,
  window_started_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, kind)
);

CREATE TABLE sso_totp_pending (
  ticket_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider_id uuid NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
  identity_id uuid NOT NULL REFERENCES user_identities(id) ON DELETE CASCADE,
  expires_at timestamptz(3) NOT NULL
);

-- Where an account last signed in successfully (an IPv6 address by its /64): while strangers guess
-- its password from many addresses, these still may try.
CREATE TABLE known_sign_in_addresses (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  address_key text NOT NULL,
  last_success_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, address_key)
);
`;
