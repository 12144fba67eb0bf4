/**
 * Failed sign-ins are counted per account and client address (an IPv6 address by its /64), so that
 * a stranger guessing someone's password locks out only their own address, never the owner. The
 * count is taken with one INSERT ... ON CONFLICT ... RETURNING before the password is checked, so
 * guesses sent in parallel cannot get more tries than allowed. The old per-account counter is left unused.
 *
 * Whatever ends a caller's access (a session or token revoked, the user disabled, moved to another
 * agency, their password or roles changed, their agency disabled, a role's permissions changed)
 * sends an `access_changed` notification on the live channel from a trigger, at commit, so open
 * live streams re-check their caller at once, whichever process or command made the change.
 */
export const up = /* sql */ `
CREATE TABLE sign_in_attempts (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  address_key text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamptz(3),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, address_key)
);
CREATE INDEX sign_in_attempts_updated_idx ON sign_in_attempts (updated_at);

-- The per-account counter is no longer read or written (a lock in force there simply ends); the
-- columns stay so that backups of earlier versions restore unchanged.
COMMENT ON COLUMN users.failed_logins IS 'unused since 0094: see sign_in_attempts';
COMMENT ON COLUMN users.locked_until IS 'unused since 0094: see sign_in_attempts';

CREATE FUNCTION pathway_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  u uuid;
  a uuid;
BEGIN
  IF TG_TABLE_NAME = 'agencies' THEN
    a := NEW.id;
  ELSIF TG_TABLE_NAME = 'roles' THEN
    NULL; -- everyone re-checks
  ELSIF TG_TABLE_NAME = 'users' THEN
    u := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    u := OLD.user_id;
  ELSE
    u := NEW.user_id;
  END IF;
  PERFORM pg_notify('pathway_live', json_build_object('type', 'access_changed', 'userId', u, 'agencyId', a)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_access_changed AFTER UPDATE OF revoked_at ON sessions
  FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL) EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER sessions_access_deleted AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER api_tokens_access_changed AFTER UPDATE OF revoked_at ON api_tokens
  FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL) EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER api_tokens_access_deleted AFTER DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER users_access_changed AFTER UPDATE OF disabled_at, agency_id, password_hash, is_demo ON users
  FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
    OR OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.is_demo IS DISTINCT FROM NEW.is_demo)
  EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER user_roles_access_changed AFTER INSERT OR DELETE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER agencies_access_changed AFTER UPDATE OF disabled_at, is_demo ON agencies
  FOR EACH ROW WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.is_demo IS DISTINCT FROM NEW.is_demo)
  EXECUTE FUNCTION pathway_access_changed();
CREATE TRIGGER roles_access_changed AFTER UPDATE OF permissions ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION pathway_access_changed();
`;
