import { sql, type RawBuilder } from 'kysely';
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
  '0102_free_text_at_rest': (tx, keys) => sealFreeTextAtRest(tx, keys),
  '0111_remaining_free_text_at_rest': (tx, keys) => sealRemainingFreeTextAtRest(tx, keys),
  '0114_justice_free_text_at_rest': (tx, keys) => sealJusticeFreeTextAtRest(tx, keys),
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
 * Migration 0102: the remaining free text of the NRM and the hotline sealed, bound to its row: guardians'
 * names and children's countries of return, closure reasons, referrals' reasons and notes,
 * identification decisions' reasons and evidence, assistance plans' needs assessments, goals and service
 * notes, best-interests summaries, task titles, contact form drafts, and contacts' and events' cities.
 * Also run by the benchmark's generator (bench/cases-data.ts), which writes some of them plain in SQL.
 */
export async function sealFreeTextAtRest(tx: DbOrTx, keys: Keys): Promise<void> {
  await sealPlainColumns(tx, keys, [
    { table: 'case_people', plain: 'guardian_name', sealed: 'guardian_name_enc', field: 'guardian_name' },
    { table: 'case_people', plain: 'returned_to', sealed: 'returned_to_enc', field: 'returned_to' },
    { table: 'cases', plain: 'closure_reason', sealed: 'closure_reason_enc', field: 'closure_reason' },
    ...['reason', 'accept_note', 'decline_reason', 'completion_note', 'revoke_reason'].map((c) => ({ table: 'referrals', plain: c, sealed: `${c}_enc`, field: c })),
    ...['reasons', 'evidence', 'reflection_withheld_reason'].map((c) => ({ table: 'identification_decisions', plain: c, sealed: `${c}_enc`, field: c })),
    { table: 'case_assistance_plans', plain: 'needs_assessment', sealed: 'needs_assessment_enc', field: 'needs_assessment', key: 'case_id::text' },
    // Goals are a text array: sealed as its JSON, the plain array left empty.
    { table: 'case_assistance_plans', plain: 'goals', sealed: 'goals_enc', field: 'goals', key: 'case_id::text', read: 'array_to_json(goals)::text', has: "goals <> '{}'", clear: "'{}'" },
    { table: 'case_assistance_services', plain: 'note', sealed: 'note_enc', field: 'note' },
    { table: 'best_interests_assessments', plain: 'summary', sealed: 'summary_enc', field: 'summary' },
    { table: 'case_tasks', plain: 'title', sealed: 'title_enc', field: 'title' },
    // A draft is one user's on one contact: sealed to both (`draftId` in the contacts service).
    { table: 'contact_drafts', plain: 'data', sealed: 'data_enc', field: 'data', key: "contact_id::text || '/' || user_id::text", read: 'data::text' },
    { table: 'contacts', plain: 'city', sealed: 'city_enc', field: 'city' },
    { table: 'case_events', plain: 'city', sealed: 'city_enc', field: 'city' },
  ]);
}

/**
 * Migration 0111: the free text still plain sealed, bound to its row: consents' notes and withdrawal
 * notes, the reference of an order ending access to a case, a merge's reason, and grants' and
 * break-glass reads' reasons, and case documents' file names.
 */
export async function sealRemainingFreeTextAtRest(tx: DbOrTx, keys: Keys): Promise<void> {
  await sealPlainColumns(tx, keys, [
    { table: 'case_consents', plain: 'note', sealed: 'note_enc', field: 'note' },
    { table: 'case_consents', plain: 'withdrawal_note', sealed: 'withdrawal_note_enc', field: 'withdrawal_note' },
    { table: 'cases', plain: 'access_end_reference', sealed: 'access_end_reference_enc', field: 'access_end_reference' },
    { table: 'people', plain: 'merge_reason', sealed: 'merge_reason_enc', field: 'merge_reason' },
    { table: 'access_grants', plain: 'reason', sealed: 'reason_enc', field: 'reason' },
    { table: 'case_documents', plain: 'file_name', sealed: 'file_name_enc', field: 'file_name' },
  ]);
}

/**
 * Migration 0114: criminal cases' places (a text array, sealed as its JSON, the plain array left
 * empty) and sentences' below-minimum grounds. Also run by the benchmark's generator
 * (bench/justice-data.ts), which writes places plain in SQL.
 */
export async function sealJusticeFreeTextAtRest(tx: DbOrTx, keys: Keys): Promise<void> {
  await sealPlainColumns(tx, keys, [
    { table: 'criminal_cases', plain: 'places', sealed: 'places_enc', field: 'places', read: 'array_to_json(places)::text', has: "places <> '{}'", clear: "'{}'" },
    { table: 'criminal_sentences', plain: 'below_minimum_ground', sealed: 'below_minimum_ground_enc', field: 'below_minimum_ground' },
  ]);
}

type PlainColumn = {
  table: string;
  plain: string;
  sealed: string;
  field: string;
  /** SQL of the row's key as `fieldAad` takes it; the uuid `id` when left out. */
  key?: string;
  /** SQL of the plain value as text; the plain column when left out. */
  read?: string;
  /** SQL true when the row still has a plain value; `<plain> IS NOT NULL` when left out. */
  has?: string;
  /** SQL of the emptied plain column; NULL when left out. */
  clear?: string;
};

/**
 * Plain text columns sealed into their `*_enc` column with `fieldAad(table, field, key)` (as
 * `sealField` does), the plain column emptied; rows already sealed (plain emptied) are left. The
 * SQL in a `PlainColumn` is this file's own, never input.
 */
async function sealPlainColumns(tx: DbOrTx, keys: Keys, fields: readonly PlainColumn[]): Promise<void> {
  for (const f of fields) {
    const key = sql.raw(f.key ?? 'id');
    const read = f.read ? sql.raw(f.read) : sql.ref(f.plain);
    const has = f.has ? sql.raw(f.has) : sql`${sql.ref(f.plain)} IS NOT NULL`;
    const clear = f.clear ? sql.raw(f.clear) : sql`NULL`;
    // In key order, so that each batch starts where the last ended (by the primary key's index for `id`).
    let after: string | null = null;
    for (;;) {
      const from: RawBuilder<unknown> = after === null ? sql`true` : f.key ? sql`(${key}) > ${after}` : sql`id > ${after}::uuid`;
      const { rows }: { rows: Array<{ key: string; plain: string }> } = await sql<{ key: string; plain: string }>`SELECT (${key}) AS key, ${read} AS plain FROM ${sql.table(f.table)}
        WHERE ${has} AND ${from} ORDER BY 1 LIMIT ${BATCH}`.execute(tx);
      if (rows.length === 0) break;
      after = rows.at(-1)!.key;
      const enc = rows.map((r) => keys.encrypt(r.plain, fieldAad(f.table, f.field, r.key)));
      await sql`
        UPDATE ${sql.table(f.table)} SET ${sql.ref(f.sealed)} = v.enc, ${sql.ref(f.plain)} = ${clear}
        FROM unnest(${sql.val(rows.map((r) => r.key))}::text[], ${sql.val(enc)}::bytea[]) AS v(key, enc)
        WHERE ${f.key ? sql`(${key}) = v.key` : sql`id = v.key::uuid`}`.execute(tx);
    }
  }
}
