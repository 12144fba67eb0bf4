import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeUser, signIn, TEST_SECRET_KEY, type Session, type TestApp } from '../../../test/helpers/app.ts';
import { deriveKeys, fieldAad } from '../crypto/keys.ts';
import { nameMatchKeys } from '../../domain/name-match.ts';
import { openTotpSecret } from '../auth/totp.ts';
import { runDataSteps } from './data-steps.ts';

const keys = deriveKeys(TEST_SECRET_KEY);
let t: TestApp;
let worker: { id: string; agencyId: string; email: string };
let s: Session;

/** A field as the code before associated data sealed it: nonce, tag, ciphertext under the field key. */
function legacySeal(plain: string): Buffer {
  const encKey = Buffer.from(crypto.hkdfSync('sha256', TEST_SECRET_KEY, Buffer.alloc(0), 'pathway/field-encryption/v1', 32));
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', encKey, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

beforeAll(async () => {
  t = await createTestApp();
  worker = await makeUser(t.db, { roles: ['case_worker'] });
  s = await signIn(t.app, worker.email);
});
afterAll(() => t?.close());

describe('data steps: identity at rest (migration 0098)', () => {
  it('seals names and dates of birth written before, turns their keys into tokens, re-seals old fields with associated data, once', async () => {
    // Rows as the code before migration 0098 wrote them: plain names, plain keys, plain date of birth.
    const person = crypto.randomUUID();
    const plainKeys = [...new Set([...nameMatchKeys({ givenName: 'Nərmin', familyName: 'Hacıyeva' }), ...nameMatchKeys({ givenName: 'Нармин', familyName: 'Гаджиева' })])].sort();
    await sql`INSERT INTO people (id, owner_agency_id, created_by, birth_date, birth_year, name_keys) VALUES (${person}, ${worker.agencyId}, ${worker.id}, '2001-09-23', 2001, ${sql.val(plainKeys)}::text[])`.execute(t.db);
    await sql`INSERT INTO person_names (person_id, given_name, family_name, as_entered, script, kind, keys) VALUES
      (${person}, 'Nərmin', 'Hacıyeva', 'Nərmin Hacıyeva', 'latn', 'primary', ${sql.val(nameMatchKeys({ givenName: 'Nərmin', familyName: 'Hacıyeva' }))}::text[]),
      (${person}, 'Нармин', 'Гаджиева', 'Нармин Гаджиева', 'cyrl', 'alias', ${sql.val(nameMatchKeys({ givenName: 'Нармин', familyName: 'Гаджиева' }))}::text[])`.execute(t.db);
    const contact = crypto.randomUUID();
    await sql`INSERT INTO contacts (id, channel, owner_agency_id, callback_number_enc, reply_address_enc) VALUES
      (${contact}, 'sms', ${worker.agencyId}, ${legacySeal('+994 70 555 44 33')}, ${legacySeal(JSON.stringify({ to: '+994705554433' }))})`.execute(t.db);
    await sql`UPDATE users SET totp_secret = ${`v1:${legacySeal('JBSWY3DPEHPK3PXP').toString('base64')}`} WHERE id = ${worker.id}`.execute(t.db);
    await sql`DELETE FROM data_steps`.execute(t.db);

    await sql`UPDATE contacts SET summary = 'Sevinc is held at a farm near Quba', outcome_note = 'Police told about Sevinc' WHERE id = ${contact}`.execute(t.db);
    // A case note as written before migration 0101.
    const kase = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: s.headers, payload: { exploitationForms: ['forced_labour'] } });
    const caseId = (kase.json() as { id: string }).id;
    const note = crypto.randomUUID();
    await sql`INSERT INTO case_notes (id, case_id, body, created_by) VALUES (${note}, ${caseId}, 'Sevinc phoned from Quba again', ${worker.id})`.execute(t.db);
    const event = crypto.randomUUID();
    const message = crypto.randomUUID();
    await sql`INSERT INTO contact_messages (id, contact_id, direction, body) VALUES (${message}, ${contact}, 'in', 'I am Sevinc, at the farm in Quba')`.execute(t.db);
    const escalation = crypto.randomUUID();
    await sql`INSERT INTO contact_escalations (id, contact_id, reason, created_by) VALUES (${escalation}, ${contact}, 'Sevinc is at the farm now', ${worker.id})`.execute(t.db);
    await sql`INSERT INTO case_events (id, case_id, type, place, description, created_by) VALUES (${event}, ${caseId}, 'exploitation', 'A farm near Quba', 'Picking apples unpaid', ${worker.id})`.execute(t.db);
    // Free text as written before migration 0102: keyed by id, by case id, by contact and user; a text array and JSON.
    const task = crypto.randomUUID();
    await sql`INSERT INTO case_tasks (id, case_id, title, due_at, assigned_user_id, created_by) VALUES (${task}, ${caseId}, 'Visit Sevinc in Quba', now() + interval '1 day', ${worker.id}, ${worker.id})`.execute(t.db);
    await sql`UPDATE cases SET closure_reason = 'Sevinc went back to Quba' WHERE id = ${caseId}`.execute(t.db);
    await sql`UPDATE contacts SET city = 'Quba' WHERE id = ${contact}`.execute(t.db);
    await sql`INSERT INTO case_assistance_plans (case_id, needs_assessment, goals, updated_by) VALUES (${caseId}, 'Sevinc needs a doctor', ARRAY['Sevinc safe', 'Sevinc at school'], ${worker.id})`.execute(t.db);
    await sql`INSERT INTO contact_drafts (contact_id, user_id, data) VALUES (${contact}, ${worker.id}, ${JSON.stringify({ summary: 'Sevinc again' })}::jsonb)`.execute(t.db);
    // Free text as written before migration 0111: a consent's notes, an order's reference, a merge's and a grant's reason.
    const consent = crypto.randomUUID();
    await sql`INSERT INTO case_consents (id, case_id, person_id, kind, given_on, form, note, recorded_by, withdrawn_on, withdrawn_at, withdrawn_recorded_by, withdrawal_note)
      VALUES (${consent}, ${caseId}, ${person}, 'assistance', current_date, 'oral', 'Sevinc agreed in Quba', ${worker.id}, current_date, now(), ${worker.id}, 'Sevinc changed her mind')`.execute(t.db);
    const ended = (await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: s.headers, payload: { exploitationForms: ['forced_labour'] } })).json().id as string;
    await sql`UPDATE cases SET access_ended_at = now(), access_end_authority = 'court', access_end_ordered_on = current_date, access_end_reference = 'Quba court 2-117/Sevinc' WHERE id = ${ended}`.execute(t.db);
    await sql`UPDATE people SET merge_reason = 'Sevinc twice' WHERE id = ${person}`.execute(t.db);
    const grant = crypto.randomUUID();
    await sql`INSERT INTO access_grants (id, record_type, record_id, grantee_user_id, sections, kind, reason, granted_by)
      VALUES (${grant}, 'case', ${caseId}, ${worker.id}, ARRAY['summary'], 'break_glass', 'Sevinc missing from Quba', ${worker.id})`.execute(t.db);
    const file = crypto.randomUUID();
    await sql`INSERT INTO case_documents (id, case_id, file_name, content_type, size_bytes, sha256, ciphertext, uploaded_by)
      VALUES (${file}, ${caseId}, 'Sevinc_passport.png', 'image/png', 8, 'x', ${keys.encryptBytes(Buffer.from('89504e47', 'hex'))}, ${worker.id})`.execute(t.db);
    expect(await runDataSteps(t.db, keys)).toEqual(['0098_identity_at_rest', '0099_narratives_at_rest', '0101_notes_at_rest', '0102_free_text_at_rest', '0111_remaining_free_text_at_rest', '0114_justice_free_text_at_rest']);
    const sealedFile = await t.db.selectFrom('caseDocuments').select(['fileName', 'fileNameEnc']).where('id', '=', file).executeTakeFirstOrThrow();
    expect(sealedFile.fileName).toBeNull();
    expect(keys.decrypt(sealedFile.fileNameEnc!, fieldAad('case_documents', 'file_name', file))).toBe('Sevinc_passport.png');
    const listed = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/documents`, headers: s.headers });
    expect(listed.json().items).toMatchObject([{ id: file, fileName: 'Sevinc_passport.png' }]);
    const sealedConsent = await t.db.selectFrom('caseConsents').select(['note', 'withdrawalNote', 'noteEnc', 'withdrawalNoteEnc']).where('id', '=', consent).executeTakeFirstOrThrow();
    expect([sealedConsent.note, sealedConsent.withdrawalNote]).toEqual([null, null]);
    expect(keys.decrypt(sealedConsent.withdrawalNoteEnc!, fieldAad('case_consents', 'withdrawal_note', consent))).toBe('Sevinc changed her mind');
    const endedRow = await t.db.selectFrom('cases').select(['accessEndReference', 'accessEndReferenceEnc']).where('id', '=', ended).executeTakeFirstOrThrow();
    expect(endedRow.accessEndReference).toBeNull();
    expect(keys.decrypt(endedRow.accessEndReferenceEnc!, fieldAad('cases', 'access_end_reference', ended))).toBe('Quba court 2-117/Sevinc');
    const merged = await t.db.selectFrom('people').select(['mergeReason', 'mergeReasonEnc']).where('id', '=', person).executeTakeFirstOrThrow();
    expect(merged.mergeReason).toBeNull();
    expect(keys.decrypt(merged.mergeReasonEnc!, fieldAad('people', 'merge_reason', person))).toBe('Sevinc twice');
    const sealedGrant = await t.db.selectFrom('accessGrants').select(['reason', 'reasonEnc']).where('id', '=', grant).executeTakeFirstOrThrow();
    expect(sealedGrant.reason).toBeNull();
    expect(keys.decrypt(sealedGrant.reasonEnc!, fieldAad('access_grants', 'reason', grant))).toBe('Sevinc missing from Quba');
    const sealedTask = await t.db.selectFrom('caseTasks').select(['title', 'titleEnc']).where('id', '=', task).executeTakeFirstOrThrow();
    expect(sealedTask.title).toBeNull();
    expect(keys.decrypt(sealedTask.titleEnc!, fieldAad('case_tasks', 'title', task))).toBe('Visit Sevinc in Quba');
    const sealedPlan = await t.db.selectFrom('caseAssistancePlans').select(['needsAssessment', 'goals']).where('caseId', '=', caseId).executeTakeFirstOrThrow();
    expect(sealedPlan).toEqual({ needsAssessment: null, goals: [] });
    const sealedDraft = await t.db.selectFrom('contactDrafts').select(['data', 'dataEnc']).where('contactId', '=', contact).executeTakeFirstOrThrow();
    expect(sealedDraft.data).toBeNull();
    expect(JSON.parse(keys.decrypt(sealedDraft.dataEnc!, fieldAad('contact_drafts', 'data', `${contact}/${worker.id}`)))).toEqual({ summary: 'Sevinc again' });
    const sealedCity = await t.db.selectFrom('contacts').select(['city', 'cityEnc']).where('id', '=', contact).executeTakeFirstOrThrow();
    expect(sealedCity.city).toBeNull();
    expect(keys.decrypt(sealedCity.cityEnc!, fieldAad('contacts', 'city', contact))).toBe('Quba');
    const sealedCase = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: s.headers });
    expect(sealedCase.json()).toMatchObject({ summary: { closureReason: 'Sevinc went back to Quba' }, tasks: [{ id: task, title: 'Visit Sevinc in Quba' }] });
    expect(sealedCase.json().consents).toMatchObject([{ id: consent, note: 'Sevinc agreed in Quba', withdrawalNote: 'Sevinc changed her mind' }]);
    const plan = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/assistance-plan`, headers: s.headers });
    expect(plan.json()).toMatchObject({ needsAssessment: 'Sevinc needs a doctor', goals: ['Sevinc safe', 'Sevinc at school'] });
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE closure_reason IS NOT NULL`.execute(t.db)).rows[0]!.n).toBe(0);
    const sealedNote = await t.db.selectFrom('caseNotes').select(['body', 'bodyEnc']).where('id', '=', note).executeTakeFirstOrThrow();
    expect(sealedNote.body).toBeNull();
    expect(keys.decrypt(sealedNote.bodyEnc!, fieldAad('case_notes', 'body', note))).toBe('Sevinc phoned from Quba again');
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}`, headers: s.headers });
    expect(page.json().notes.map((n: { body: string }) => n.body)).toEqual(['Sevinc phoned from Quba again']);
    expect(page.json().events).toMatchObject([{ id: event, place: 'A farm near Quba', description: 'Picking apples unpaid' }]);
    const sealedEvent = await t.db.selectFrom('caseEvents').select(['place', 'description', 'placeEnc']).where('id', '=', event).executeTakeFirstOrThrow();
    expect([sealedEvent.place, sealedEvent.description]).toEqual([null, null]);
    expect(keys.decrypt(sealedEvent.placeEnc!, fieldAad('case_events', 'place', event))).toBe('A farm near Quba');
    const sealedEscalation = await t.db.selectFrom('contactEscalations').select(['reason', 'reasonEnc']).where('id', '=', escalation).executeTakeFirstOrThrow();
    expect(sealedEscalation.reason).toBeNull();
    const sealedMessage = await t.db.selectFrom('contactMessages').select(['body', 'bodyEnc']).where('id', '=', message).executeTakeFirstOrThrow();
    expect(sealedMessage.body).toBeNull();
    const outcome = await t.db.selectFrom('contacts').select(['outcomeNote', 'outcomeNoteEnc']).where('id', '=', contact).executeTakeFirstOrThrow();
    expect(outcome.outcomeNote).toBeNull();
    expect(keys.decrypt(outcome.outcomeNoteEnc!, fieldAad('contacts', 'outcome_note', contact))).toBe('Police told about Sevinc');
    expect(keys.decrypt(sealedMessage.bodyEnc!, fieldAad('contact_messages', 'body', message))).toBe('I am Sevinc, at the farm in Quba');
    expect(keys.decrypt(sealedEscalation.reasonEnc!, fieldAad('contact_escalations', 'reason', escalation))).toBe('Sevinc is at the farm now');
    const sealed = await t.db.selectFrom('contacts').select(['summary', 'summaryEnc']).where('id', '=', contact).executeTakeFirstOrThrow();
    expect(sealed.summary).toBeNull();
    expect(keys.decrypt(sealed.summaryEnc!, fieldAad('contacts', 'summary', contact))).toBe('Sevinc is held at a farm near Quba');

    const names = await t.db.selectFrom('personNames').select(['givenName', 'familyName', 'patronymic', 'asEntered', 'nameEnc', 'keys']).where('personId', '=', person).execute();
    for (const n of names) {
      expect([n.givenName, n.familyName, n.patronymic, n.asEntered]).toEqual([null, null, null, null]);
      expect(n.nameEnc!.toString('utf8')).not.toMatch(/Nərmin|Hacıyeva|Нармин/);
    }
    const row = await t.db.selectFrom('people').select(['birthDate', 'birthDateEnc', 'nameKeys']).where('id', '=', person).executeTakeFirstOrThrow();
    expect(row.birthDate).toBeNull();
    expect(row.nameKeys).toEqual([...new Set(plainKeys.map((k) => keys.nameKeyHash(k)))].sort());
    // The product reads them: the person, the search (through the tokens) in either script.
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/people/${person}`, headers: s.headers });
    expect(read.json()).toMatchObject({ birthDate: '2001-09-23', names: [{ asEntered: 'Nərmin Hacıyeva' }, { asEntered: 'Нармин Гаджиева' }] });
    for (const q of ['Hacıyeva', 'Гаджиева Нармин']) {
      const found = await t.app.inject({ method: 'GET', url: `/api/v1/people/search?q=${encodeURIComponent(q)}`, headers: s.headers });
      expect(found.json().items.map((i: { person: { id: string } }) => i.person.id)).toContain(person);
    }
    const c = await t.db.selectFrom('contacts').select(['callbackNumberEnc', 'replyAddressEnc']).where('id', '=', contact).executeTakeFirstOrThrow();
    expect(keys.decrypt(c.callbackNumberEnc!, fieldAad('contacts', 'callback_number', contact))).toBe('+994 70 555 44 33');
    expect(JSON.parse(keys.decrypt(c.replyAddressEnc!, fieldAad('contacts', 'reply_address', contact)))).toEqual({ to: '+994705554433' });
    const u = await t.db.selectFrom('users').select('totpSecret').where('id', '=', worker.id).executeTakeFirstOrThrow();
    expect(openTotpSecret(keys, u.totpSecret!, worker.id)).toBe('JBSWY3DPEHPK3PXP');

    // Recorded: the next start does not run it again.
    expect(await runDataSteps(t.db, keys)).toEqual([]);
  });
});
