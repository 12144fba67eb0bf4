/**
 * Press freedom: a file attached to a source (a court decision's scan, a letter, a photograph), kept
 * in PostgreSQL so that it is inside the one-file backups and inside the transaction that audits it.
 * A new upload becomes the source's file; earlier ones are kept (nothing acknowledged is ever lost).
 * Never published: the public page shows a source's title and link only.
 */
export const up = /* sql */ `
CREATE TABLE press_source_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- upload order; the newest version is the source's file
  seq bigint GENERATED ALWAYS AS IDENTITY,
  source_id uuid NOT NULL REFERENCES press_sources(id) ON DELETE CASCADE,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL CHECK (content_type IN ('application/pdf','image/png','image/jpeg','image/webp')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_by uuid REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX press_source_files_source_idx ON press_source_files (source_id, seq DESC);
`;
