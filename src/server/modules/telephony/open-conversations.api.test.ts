import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { openConversations } from './intake.ts';

// A database of its own: the plan depends on what the statistics of `contacts` say.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('finding the conversation a message joins', () => {
  it("reads the contactors' own contacts by their index, also when the statistics say almost none are open", async () => {
    const agency = crypto.randomUUID();
    await t.db.insertInto('agencies').values({ id: agency, name: 'Hotline with a long queue', type: 'ngo' }).execute();
    const hash = (i: number) => crypto.createHash('sha256').update(`queue ${i}`).digest();
    // The statistics are gathered while every contact is closed; then 3,000 contacts wait in the queue
    // (on the 10,000,000-contact benchmark database the old query walked all of them for each batch).
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contactor_hash) SELECT 'sms', 'completed', ${agency}, sha256(('history ' || i)::bytea) FROM generate_series(1, 3000) i`.execute(t.db);
    await sql`ANALYZE contacts`.execute(t.db);
    await sql`INSERT INTO contacts (channel, status, owner_agency_id, contactor_hash) SELECT 'sms', 'new', ${agency}, sha256(('queue ' || i)::bytea) FROM generate_series(1, 3000) i`.execute(t.db);

    const batch = Array.from({ length: 64 }, (_, i) => hash(i === 0 ? 17 : 5000 + i));
    // This table is small enough to read whole; a large one is not: plan as for a large one.
    const plan = await t.db.transaction().execute(async (tx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(tx);
      return JSON.stringify((await sql`EXPLAIN (FORMAT JSON) ${openConversations(batch)}`.execute(tx)).rows);
    });
    expect(plan).toContain('contacts_contactor_idx');
    expect(plan).not.toContain('contacts_open_idx');
    // And it answers what it should: the waiting contact of the one contactor who has one.
    const rows = (await openConversations(batch).execute(t.db)).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'sms', ownerAgencyId: agency });
    expect(rows[0]!.contactorHash.equals(hash(17))).toBe(true);
  });
});
