/**
 * Documents on a case: the bytes are stored encrypted (AES-256-GCM under a key derived from the master
 * key, nonce and tag in front), never in plain; the name, type, size and a hash of the plain bytes
 * stay readable for lists and the audit trail.
 */
export const up = /* sql */ `
CREATE TABLE case_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases(id),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  kind text NOT NULL DEFAULT 'other' CHECK (kind IN ('identity_document','medical','legal','photo','correspondence','other')),
  content_type text NOT NULL CHECK (content_type IN ('application/pdf','image/png','image/jpeg','image/webp')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL,
  key_version smallint NOT NULL DEFAULT 1,
  ciphertext bytea NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
ALTER TABLE case_documents ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
CREATE INDEX case_documents_case_idx ON case_documents (case_id, created_at);
`;
