import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { OperatorState } from '../../../shared/schemas/operators.ts';
import type { Principal } from '../../access/principal.ts';
import { mayAnswerEscalations } from './escalations.ts';

export const findState = (db: DbOrTx, userId: string) =>
  db.selectFrom('operatorStates').select(['userId', 'agencyId', 'state', 'since', 'contactId']).where('userId', '=', userId).executeTakeFirst();

export const lockState = (tx: Tx, userId: string) =>
  tx.selectFrom('operatorStates').select(['userId', 'agencyId', 'state', 'since', 'contactId']).where('userId', '=', userId).forUpdate().executeTakeFirst();

export async function upsertState(tx: Tx, userId: string, agencyId: string, state: OperatorState, contactId: string | null, now: Date) {
  return tx
    .insertInto('operatorStates')
    .values({ userId, agencyId, state, contactId, since: now, updatedAt: now })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ agencyId, state, contactId, since: now, updatedAt: now }))
    .returning(['userId', 'agencyId', 'state', 'since', 'contactId'])
    .executeTakeFirstOrThrow();
}

/** Tells the live stream of a state change (the operator's own console and their agency's supervisors). No personal data. */
export async function notifyState(tx: Tx, userId: string): Promise<void> {
  await sql`SELECT pg_notify('pathway_live', json_build_object(
      'type', 'operator_state', 'userId', s.user_id, 'agencyId', s.agency_id, 'state', s.state,
      'contactId', s.contact_id, 'since', s.since)::text)
    FROM operator_states s WHERE s.user_id = ${userId}`.execute(tx);
}

/** The agency's users who may work contacts (any `contact:update:` permission), with their state. */
export function operatorsOf(db: DbOrTx, agencyId: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('operatorStates as s', 's.userId', 'u.id')
    .select(['u.id as userId', 'u.name', 'u.email', 's.state', 's.since', 's.contactId'])
    .where('u.agencyId', '=', agencyId)
    .where('u.disabledAt', 'is', null)
    .where('u.isServiceAccount', '=', false)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.code = ur.role_code, unnest(r.permissions) p
      WHERE ur.user_id = u.id AND p LIKE 'contact:update:%')`)
    .orderBy('u.name')
    .limit(500)
    .execute();
}

const queueColumns = ['c.id', 'c.channel', 'c.status', 'c.urgency', 'c.region', 'c.assignedUserId', 'c.receivedAt', 'c.answeredAt', 'c.endedAt'] as const;

/** The agency's open contacts: waiting (new, ringing) and taken (in progress, wrap-up), oldest first. */
export function openContacts(db: DbOrTx, agencyId: string) {
  return db
    .selectFrom('contacts as c')
    .select(queueColumns)
    .where('c.ownerAgencyId', '=', agencyId)
    .where('c.status', 'in', ['new', 'ringing', 'in_progress', 'wrap_up'])
    .orderBy('c.receivedAt')
    .limit(1000)
    .execute();
}

export function abandonedSince(db: DbOrTx, agencyId: string, since: Date) {
  return db
    .selectFrom('contacts as c')
    .select(queueColumns)
    .where('c.ownerAgencyId', '=', agencyId)
    .where('c.status', '=', 'abandoned')
    .where('c.receivedAt', '>=', since)
    .orderBy('c.receivedAt', 'desc')
    .limit(200)
    .execute();
}

export async function todayCounts(db: DbOrTx, agencyId: string, since: Date) {
  const row = await db
    .selectFrom('contacts as c')
    .select([
      sql<number>`count(*) FILTER (WHERE c.received_at >= ${since})::int`.as('received'),
      sql<number>`count(*) FILTER (WHERE c.received_at >= ${since} AND c.answered_at IS NOT NULL)::int`.as('answered'),
      sql<number>`count(*) FILTER (WHERE c.received_at >= ${since} AND c.status = 'abandoned')::int`.as('abandoned'),
      sql<number>`count(*) FILTER (WHERE c.status IN ('new','ringing'))::int`.as('waitingNow'),
    ])
    .where('c.ownerAgencyId', '=', agencyId)
    .where((eb) => eb.or([eb('c.receivedAt', '>=', since), eb('c.status', 'in', ['new', 'ringing'])]))
    .executeTakeFirstOrThrow();
  return row;
}

/** The start of today in a time zone (an IANA name). */
export async function startOfDay(db: DbOrTx, timeZone: string): Promise<Date> {
  const r = await sql<{ start: Date }>`SELECT (date_trunc('day', now() AT TIME ZONE ${timeZone}) AT TIME ZONE ${timeZone}) AS start`.execute(db);
  return r.rows[0]!.start;
}

/**
 * Escalations the principal may answer: those that alerted their agency, and only when their roles
 * answer escalations (`mayAnswerEscalations`; others get none, whatever calls this). The open ones,
 * and (unless `openOnly`) those of the last 24 hours.
 */
export function escalationsFor(db: DbOrTx, p: Principal, openOnly: boolean) {
  const agencyId = p.agencyId;
  let q = db
    .selectFrom('contactEscalations as x')
    .innerJoin('contacts as c', 'c.id', 'x.contactId')
    .innerJoin('users as cb', 'cb.id', 'x.createdBy')
    .leftJoin('users as ab', 'ab.id', 'x.acknowledgedBy')
    .select(['x.id', 'x.contactId', 'x.reasonEnc', 'c.region', 'c.channel', 'x.createdAt', 'cb.name as createdByName', 'x.alertedAt', 'x.acknowledgedAt', 'ab.name as acknowledgedByName'])
    .where(sql<boolean>`${agencyId}::uuid = ANY (x.alerted_agency_ids)`)
    .where(sql<boolean>`${mayAnswerEscalations(p)}::boolean`);
  q = openOnly
    ? q.where('x.acknowledgedAt', 'is', null)
    : q.where((eb) => eb.or([eb('x.acknowledgedAt', 'is', null), eb('x.createdAt', '>=', sql<Date>`now() - interval '24 hours'`)]));
  return q.orderBy('x.createdAt', 'desc').limit(200).execute();
}

// --- presence: open consoles (migration 0103) -------------------------------------------------------

/** A console's live stream opened or beat: it and the user's last sighting are now. */
export async function streamBeat(db: DbOrTx, streamId: string, userId: string): Promise<void> {
  await db
    .insertInto('consoleStreams')
    .values({ id: streamId, userId, seenAt: sql<Date>`now()` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seenAt: sql<Date>`now()` }))
    .execute();
  await db.updateTable('operatorStates').set({ consoleSeenAt: sql<Date>`now()` }).where('userId', '=', userId).execute();
}

/** A console's stream closed: it no longer counts; the user was last seen now. */
export async function streamClosed(db: DbOrTx, streamId: string, userId: string): Promise<void> {
  await db.deleteFrom('consoleStreams').where('id', '=', streamId).execute();
  await db.updateTable('operatorStates').set({ consoleSeenAt: sql<Date>`now()` }).where('userId', '=', userId).execute();
}

/** Streams of a process that stopped without closing them. */
export async function forgetStaleStreams(db: DbOrTx, seconds: number): Promise<void> {
  await db.deleteFrom('consoleStreams').where('seenAt', '<', sql<Date>`now() - make_interval(secs => ${seconds})`).execute();
}

/**
 * Available or on-break operators whose console was seen, but not for `seconds`, and who have no
 * stream that beat since: their console is closed. (Never seen: the state was set without a console,
 * through the API, and is left alone.)
 */
export async function absentOperators(db: DbOrTx, seconds: number): Promise<string[]> {
  const rows = await db
    .selectFrom('operatorStates as s')
    .select('s.userId')
    .where('s.state', 'in', ['available', 'break'])
    .where('s.consoleSeenAt', '<', sql<Date>`now() - make_interval(secs => ${seconds})`)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('consoleStreams as c').select('c.id').whereRef('c.userId', '=', 's.userId').where('c.seenAt', '>=', sql<Date>`now() - make_interval(secs => ${seconds})`))),
    )
    .limit(500)
    .execute();
  return rows.map((r) => r.userId);
}

/**
 * The same test for one operator, on their locked row, inside the transaction that would change it.
 * `afterClose`: one of their streams has just closed; absent unless another is still open (beat within
 * the timeout), however recently the closed one beat.
 */
export async function isAbsent(tx: Tx, userId: string, seconds: number, afterClose = false): Promise<boolean> {
  const r = await sql<{ absent: boolean }>`
    SELECT (s.state IN ('available','break') AND s.console_seen_at IS NOT NULL
      AND (${afterClose}::boolean OR s.console_seen_at < now() - make_interval(secs => ${seconds}))
      AND NOT EXISTS (SELECT 1 FROM console_streams c WHERE c.user_id = s.user_id AND c.seen_at >= now() - make_interval(secs => ${seconds}))) AS absent
    FROM operator_states s WHERE s.user_id = ${userId}`.execute(tx);
  return r.rows[0]?.absent ?? false;
}
