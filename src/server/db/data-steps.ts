import { sql } from 'kysely';
import { fieldAad, type Keys } from '../crypto/keys.ts';
import { sealTotpSecret } from '../auth/totp.ts';
import type { Db, DbOrTx, Tx } from './database.ts';

/**
 * Data steps: changes to stored data that need the master key, which never enters the database and so
 * cannot be used by a migration's SQL. They run right after the schema migrations, wherever those run
 * with the key at hand (the server's start, `pathway migrate`), each once: `data_steps` records it,
 * in the same transaction as its work. A step must also be safe to run on rows already in the new form.
 */
const steps: Record<string, (tx: Tx, keys: Keys) => Promise<void>> = {
  '0098_identity_at_rest': identityAtRest,
  '0099_narratives_at_rest': narrativesAtRest,
  '0101_notes_at_rest': (tx, keys) => sealNotesAtRest(tx, keys),
};

/** The steps not yet recorded as done: when none, the master key is not needed. */
export async function pendingDataSteps(db: Db): Promise<string[]> {
  const done = new Set((await db.selectFrom('dataSteps').select('name').execute()).map((r) => r.name));
  return Object.keys(steps).filter((s) => !done.has(s));
}

/** Runs the pending steps; `keys` may be a function, called only when a step is pending. */
export async function runDataSteps(db: Db, keysOrLoad: Keys | (() => Keys)): Promise<string[]> {
  if ((await pendingDataSteps(db)).length === 0) return [];
  const keys = typeof keysOrLoad === 'function' ? keysOrLoad() : keysOrLoad;
  const ran: string[] = [];
  for (const [name, step] of Object.entries(steps)) {
    const done = await db.transaction().execute(async (tx) => {
      // Two servers starting together: one runs the step, the other waits and finds it done.
      await sql`SELECT pg_advisory_xact_lock(hashtext('pathway_data_steps'))`.execute(tx);
      if (await tx.selectFrom('dataSteps').select('name').where('name', '=', name).executeTakeFirst()) return false;
      await step(tx, keys);
      await tx.insertInto('dataSteps').values({ name }).execute();
      return true;
    });
    if (done) ran.push(name);
  }
  return ran;
}

const BATCH = 2000;

/**
 * Migration 0098: person names and dates of birth sealed, name keys replaced by their blind-index
 * tokens, and the fields sealed before associated data (call-back numbers, reply addresses, TOTP
 * secrets) sealed again, bound to their record.
 */
async function identityAtRest(tx: Tx, keys: Keys): Promise<void> {
  await sealPeopleAtRest(tx, keys);
  await resealWithAad(tx, keys);
}

/**
 * People's names and dates of birth written plain (before migration 0098, or by a bulk generator such
 * as bench/people-data.ts) sealed, their name keys replaced by blind-index tokens. Rows already
 * sealed are left as they are.
 */
export async function sealPeopleAtRest(tx: DbOrTx, keys: Keys): Promise<void> {
  const tokens = (ks: readonly string[]) => [...new Set(ks.map((k) => keys.nameKeyHash(k)))].sort();
  const touched = new Set<string>();
  // In id order (the primary key), so that each batch starts where the last ended: linear, however many.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const names = await tx
      .selectFrom('personNames')
      .select(['id', 'personId', 'givenName', 'familyName', 'patronymic', 'asEntered', 'keys'])
      .where('nameEnc', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (names.length === 0) break;
    after = names.at(-1)!.id;
    const enc = names.map((n) => keys.encrypt(JSON.stringify([n.givenName, n.familyName, n.patronymic, n.asEntered]), fieldAad('person_names', 'name', n.id)));
    await sql`
      UPDATE person_names n SET name_enc = v.enc, keys = ARRAY(SELECT json_array_elements_text(v.keys::json)),
        given_name = NULL, family_name = NULL, patronymic = NULL, as_entered = NULL
      FROM unnest(${sql.val(names.map((n) => n.id))}::uuid[], ${sql.val(enc)}::bytea[], ${sql.val(names.map((n) => JSON.stringify(tokens(n.keys))))}::text[]) AS v(id, enc, keys)
      WHERE n.id = v.id`.execute(tx);
    for (const n of names) touched.add(n.personId);
  }
  // Each person's tokens are the union of their names' (as `refreshNameKeys` keeps them); the
  // trigger of migration 0086 carries them into `person_grant_keys`.
  const ids = [...touched];
  for (let i = 0; i < ids.length; i += BATCH) {
    await sql`
      UPDATE people p SET name_keys = COALESCE((SELECT array_agg(DISTINCT k ORDER BY k) FROM person_names n, unnest(n.keys) k WHERE n.person_id = p.id), '{}')
      WHERE p.id = ANY (${sql.val(ids.slice(i, i + BATCH))}::uuid[])`.execute(tx);
  }
  after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const people = await tx.selectFrom('people').select(['id', 'birthDate']).where('birthDate', 'is not', null).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (people.length === 0) break;
    after = people.at(-1)!.id;
    const enc = people.map((x) => keys.encrypt(x.birthDate!, fieldAad('people', 'birth_date', x.id)));
    await sql`
      UPDATE people p SET birth_date_enc = v.enc, birth_date = NULL
      FROM unnest(${sql.val(people.map((x) => x.id))}::uuid[], ${sql.val(enc)}::bytea[]) AS v(id, enc)
      WHERE p.id = v.id`.execute(tx);
  }
}

async function resealWithAad(tx: Tx, keys: Keys): Promise<void> {
  // A field sealed before associated data opens only with decryptLegacy; one already bound is left.
  const reseal = (sealed: Buffer, aad: string): Buffer | null => {
    try {
      keys.decrypt(sealed, aad);
      return null;
    } catch {
      return keys.encrypt(keys.decryptLegacy(sealed), aad);
    }
  };
  const contacts = await tx
    .selectFrom('contacts')
    .select(['id', 'callbackNumberEnc', 'replyAddressEnc'])
    .where((eb) => eb.or([eb('callbackNumberEnc', 'is not', null), eb('replyAddressEnc', 'is not', null)]))
    .execute();
  for (const c of contacts) {
    const callback = c.callbackNumberEnc && reseal(c.callbackNumberEnc, fieldAad('contacts', 'callback_number', c.id));
    const reply = c.replyAddressEnc && reseal(c.replyAddressEnc, fieldAad('contacts', 'reply_address', c.id));
    if (callback || reply)
      await tx.updateTable('contacts').set({ ...(callback ? { callbackNumberEnc: callback } : {}), ...(reply ? { replyAddressEnc: reply } : {}) }).where('id', '=', c.id).execute();
  }
  const users = await tx.selectFrom('users').select(['id', 'totpSecret']).where('totpSecret', 'like', 'v1:%').execute();
  for (const u of users) {
    const secret = keys.decryptLegacy(Buffer.from(u.totpSecret!.slice(3), 'base64'));
    await tx.updateTable('users').set({ totpSecret: sealTotpSecret(keys, secret, u.id) }).where('id', '=', u.id).execute();
  }
}

/** Migration 0099: case narratives, contact summaries and permit numbers sealed, bound to their row. */
async function narrativesAtRest(tx: Tx, keys: Keys): Promise<void> {
  await sealPlainColumns(tx, keys, [
    { table: 'cases', plain: 'narrative', sealed: 'narrative_enc', field: 'narrative' },
    { table: 'contacts', plain: 'summary', sealed: 'summary_enc', field: 'summary' },
    { table: 'residence_permits', plain: 'permit_number', sealed: 'permit_number_enc', field: 'permit_number' },
  ]);
}

/**
 * Migration 0101: case notes, trafficking events' places and descriptions, escalations' reasons,
 * hotline conversations' messages and contacts' outcome notes sealed, bound to their row. Also run by the benchmark's generator (bench/cases-data.ts), which writes events plain in SQL.
 */
export async function sealNotesAtRest(tx: DbOrTx, keys: Keys): Promise<void> {
  await sealPlainColumns(tx, keys, [
    { table: 'case_notes', plain: 'body', sealed: 'body_enc', field: 'body' },
    { table: 'case_events', plain: 'place', sealed: 'place_enc', field: 'place' },
    { table: 'case_events', plain: 'description', sealed: 'description_enc', field: 'description' },
    { table: 'contact_escalations', plain: 'reason', sealed: 'reason_enc', field: 'reason' },
    { table: 'contact_messages', plain: 'body', sealed: 'body_enc', field: 'body' },
    { table: 'contacts', plain: 'outcome_note', sealed: 'outcome_note_enc', field: 'outcome_note' },
  ]);
}

/**
 * Plain text columns sealed into their `*_enc` column with `fieldAad(table, field, id)` (as
 * `sealField` does), the plain column emptied; rows already sealed (plain NULL) are left.
 */
async function sealPlainColumns(tx: DbOrTx, keys: Keys, fields: ReadonlyArray<{ table: string; plain: string; sealed: string; field: string }>): Promise<void> {
  for (const f of fields) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await sql<{ id: string; plain: string }>`SELECT id, ${sql.ref(f.plain)} AS plain FROM ${sql.table(f.table)}
        WHERE ${sql.ref(f.plain)} IS NOT NULL AND id > ${after}::uuid ORDER BY id LIMIT ${BATCH}`.execute(tx);
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      const enc = rows.map((r) => keys.encrypt(r.plain, fieldAad(f.table, f.field, r.id)));
      await sql`
        UPDATE ${sql.table(f.table)} t SET ${sql.ref(f.sealed)} = v.enc, ${sql.ref(f.plain)} = NULL
        FROM unnest(${sql.val(rows.map((r) => r.id))}::uuid[], ${sql.val(enc)}::bytea[]) AS v(id, enc)
        WHERE t.id = v.id`.execute(tx);
    }
  }
}
