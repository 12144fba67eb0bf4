/**
 * Case documents may keep their encrypted bytes outside PostgreSQL: in files on disk or in an
 * S3-compatible bucket (`PATHWAY_DOCUMENT_STORE`). Each row says where its bytes are, so a change of
 * store leaves the documents already saved readable where they were. Key version 2: sealed with the
 * document's id as associated data, so bytes moved under another document's key do not decrypt.
 */
export const up = /* sql */ `
ALTER TABLE case_documents
  ADD COLUMN storage text NOT NULL DEFAULT 'database' CHECK (storage IN ('database', 'disk', 's3')),
  ADD COLUMN storage_key text,
  ALTER COLUMN ciphertext DROP NOT NULL,
  ADD CONSTRAINT case_documents_stored_once CHECK (
    CASE storage WHEN 'database' THEN ciphertext IS NOT NULL AND storage_key IS NULL
                 ELSE ciphertext IS NULL AND storage_key IS NOT NULL END),
  ADD CONSTRAINT case_documents_key_version CHECK (key_version IN (1, 2));
`;
