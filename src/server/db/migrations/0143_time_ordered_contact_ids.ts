/**
 * Time-ordered ids (UUID version 7, RFC 9562) for the hotline's contacts and their messages, the
 * rows written at the hotline's rate (issue 16; docs/benchmarks.md, "Intake at 10,000,000 contacts").
 * A random (version 4) key puts each new entry of the primary key index, and of every index that
 * carries the id (the messages' contact index, the audit log's record index), on a random page: with
 * ten million contacts most of those pages are not in memory, and after each checkpoint the first
 * change to a page writes the whole page to the WAL. Ids that grow with time put new entries beside
 * the last ones, as the `created_at` indexes already do.
 *
 * The server makes the ids (`timeOrderedId`, the `uuid` package); `uuid_v7()` is the same for rows
 * the database gives an id of its own (a contact an operator enters, SQL by hand). Existing ids stay
 * as they are: ids are compared only for equality and as a tie-break in keyset pages, never for age.
 */
export const up = /* sql */ `
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $fn$
  -- A version 4 UUID with its first 48 bits replaced by the Unix time in milliseconds and its
  -- version nibble turned from 4 (0100) into 7 (0111); the variant bits are those of version 4.
  SELECT encode(
    set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1),
    'hex')::uuid
$fn$;
ALTER TABLE contacts ALTER COLUMN id SET DEFAULT uuid_v7();
ALTER TABLE contact_messages ALTER COLUMN id SET DEFAULT uuid_v7();
`;
