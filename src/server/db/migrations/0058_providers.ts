/**
 * The service providers' directory: each provider belongs to an agency (whose users keep its live
 * capacity up to date), offers one or more service types, in regions and languages, to an age range
 * and the sexes it serves.
 */
export const up = /* sql */ `
CREATE TABLE providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id uuid NOT NULL REFERENCES agencies(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  service_types text[] NOT NULL CHECK (cardinality(service_types) > 0 AND service_types <@ ARRAY['shelter','medical','psychological','legal_aid','interpretation','education','vocational','financial','repatriation']),
  regions text[] NOT NULL DEFAULT '{}',
  languages text[] NOT NULL DEFAULT '{}',
  min_age integer NOT NULL DEFAULT 0 CHECK (min_age BETWEEN 0 AND 120),
  max_age integer NOT NULL DEFAULT 120 CHECK (max_age BETWEEN 0 AND 120),
  sexes_served text[] NOT NULL DEFAULT '{female,male,other}' CHECK (cardinality(sexes_served) > 0 AND sexes_served <@ ARRAY['female','male','other']),
  address text,
  phone text,
  description text,
  capacity_total integer CHECK (capacity_total >= 0),
  capacity_free integer CHECK (capacity_free >= 0),
  capacity_updated_at timestamptz(3),
  capacity_updated_by uuid REFERENCES users(id),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (min_age <= max_age),
  CHECK (capacity_free IS NULL OR capacity_total IS NULL OR capacity_free <= capacity_total)
);
CREATE INDEX providers_created_idx ON providers (created_at, id);
CREATE INDEX providers_agency_idx ON providers (agency_id);
CREATE INDEX providers_types_idx ON providers USING gin (service_types);
CREATE INDEX providers_regions_idx ON providers USING gin (regions);

UPDATE roles SET permissions = ARRAY(SELECT DISTINCT unnest(permissions || ARRAY['providers:manage']) ORDER BY 1)
  WHERE code IN ('administrator','coordinator');
`;
