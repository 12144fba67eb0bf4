/** Agencies, roles, users, sessions, API tokens, share grants and the append-only audit log. */
export const up = /* sql */ `
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE agencies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  short_name text,
  type text NOT NULL CHECK (type IN ('government','police','prosecution','court','ngo','shelter','international','coordinator')),
  region text,
  is_demo boolean NOT NULL DEFAULT false,
  disabled_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));
CREATE INDEX agencies_created_idx ON agencies (created_at, id);

CREATE TABLE roles (
  code text PRIMARY KEY,
  permissions text[] NOT NULL DEFAULT '{}',
  require_totp boolean NOT NULL DEFAULT false,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  language text NOT NULL DEFAULT 'az' CHECK (language IN ('az','ru','en')),
  time_zone text NOT NULL DEFAULT 'Asia/Baku',
  agency_id uuid NOT NULL REFERENCES agencies(id),
  is_service_account boolean NOT NULL DEFAULT false,
  password_hash text,
  password_changed_at timestamptz(3),
  must_change_password boolean NOT NULL DEFAULT false,
  totp_secret text,
  totp_enabled_at timestamptz(3),
  totp_last_step bigint,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz(3),
  disabled_at timestamptz(3),
  last_login_at timestamptz(3),
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_agency_idx ON users (agency_id);
CREATE INDEX users_created_idx ON users (created_at, id);

CREATE TABLE user_roles (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role_code text NOT NULL REFERENCES roles(code),
  PRIMARY KEY (user_id, role_code)
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash bytea NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  revoked_at timestamptz(3),
  ip text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id),
  name text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  last_used_at timestamptz(3),
  revoked_at timestamptz(3)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);

CREATE TABLE setup_tokens (
  token_hash bytea PRIMARY KEY,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  used_at timestamptz(3)
);

-- Need-to-know grants: another agency sees the named sections of one record (referrals and shares
-- create them; break-glass reads create short ones for one user).
CREATE TABLE access_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  record_type text NOT NULL,
  record_id uuid NOT NULL,
  grantee_agency_id uuid REFERENCES agencies(id),
  grantee_user_id uuid REFERENCES users(id),
  sections text[] NOT NULL,
  kind text NOT NULL CHECK (kind IN ('referral','share','break_glass')),
  reason text,
  granted_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3),
  revoked_at timestamptz(3),
  CHECK ((grantee_agency_id IS NULL) <> (grantee_user_id IS NULL))
);
CREATE INDEX access_grants_record_idx ON access_grants (record_type, record_id);
CREATE INDEX access_grants_agency_idx ON access_grants (grantee_agency_id, record_type) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_user_idx ON access_grants (grantee_user_id, record_type) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz(3) NOT NULL,
  actor_user_id uuid,
  actor_agency_id uuid,
  via text NOT NULL CHECK (via IN ('session','token','system','cli','public')),
  token_id uuid,
  action text NOT NULL,
  record_type text,
  record_id text,
  changes jsonb,
  purpose text,
  request_id text,
  ip text,
  flagged boolean NOT NULL DEFAULT false,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_flagged_idx ON audit_log (seq) WHERE flagged;

-- The audit log is append-only: no role, not even the owner, may change or remove an entry.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
`;
