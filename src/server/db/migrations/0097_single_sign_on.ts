/**
 * Single sign-on through OpenID Connect. An administrator registers identity providers (for one
 * agency or the whole installation); a person is linked to a Pathway user by the provider's
 * (issuer, subject), never by e-mail. A first sign-in the claims cannot place waits, with no user and
 * no access, until an administrator assigns an agency and roles. Sign-ins in flight keep their
 * state, nonce and PKCE verifier here for ten minutes, so any Pathway process can finish them.
 */
export const up = /* sql */ `
CREATE TABLE identity_providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  issuer text NOT NULL,
  client_id text NOT NULL,
  -- AES-GCM under the master key's field-encryption key; NULL for a public client (PKCE alone).
  client_secret bytea,
  scope text NOT NULL DEFAULT 'openid email profile',
  -- NULL: the provider serves the whole installation.
  agency_id uuid REFERENCES agencies(id),
  assignment text NOT NULL CHECK (assignment IN ('claims','admin')),
  agency_claim text,
  agency_map jsonb NOT NULL DEFAULT '{}',
  roles_claim text,
  role_map jsonb NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX identity_providers_client_key ON identity_providers (issuer, client_id);

CREATE TABLE user_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id uuid NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
  issuer text NOT NULL,
  subject text NOT NULL,
  -- NULL while the sign-in waits for an administrator.
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  -- 'claims': the user was made from the provider's claims, and their roles follow the claims at
  -- every sign-in. 'admin': an administrator assigned or linked them; the claims do not touch roles.
  placed_by text NOT NULL DEFAULT 'admin' CHECK (placed_by IN ('claims','admin')),
  -- As the provider last said, to help the administrator who assigns a waiting sign-in.
  email text,
  name text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_identities_subject_key ON user_identities (issuer, subject);
CREATE INDEX user_identities_user_idx ON user_identities (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX user_identities_pending_idx ON user_identities (created_at, id) WHERE user_id IS NULL;

CREATE TABLE sso_requests (
  state_hash bytea PRIMARY KEY,
  provider_id uuid NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  redirect_uri text NOT NULL,
  expires_at timestamptz(3) NOT NULL
);
CREATE INDEX sso_requests_expiry_idx ON sso_requests (expires_at);
`;
