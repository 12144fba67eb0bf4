import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import { NON_SUBSTANTIVE_CONTACT_TYPES, SUBSTANTIVE_CONTACT_TYPES } from '../../../shared/schemas/hotline-dashboard.ts';

export type DashboardFilter = {
  from: string;
  to: string;
  tz: string;
  region: string | null;
  /** null: every agency (national aggregates); else only this agency's contacts. */
  agencyId: string | null;
};

type Durations = { count: number; median: number | null; p90: number | null; mean: number | null };
type Raw = {
  totals: { contacts: number; answered: number; abandoned: number; substantive: number; nonSubstantive: number; unclassified: number };
  byChannel: { channel: string; contacts: number; answered: number; abandoned: number }[];
  byHour: { hour: number; contacts: number }[];
  byDay: { day: string; contacts: number; answered: number; abandoned: number }[];
  byContactType: { contactType: string; contacts: number }[];
  timeToAnswer: Durations;
  handleTime: Durations;
  escalations: { count: number; acknowledged: number; timeToAcknowledge: Durations };
  outcomes: { outcome: string; contacts: number }[];
  regions: string[];
};
export type DashboardRaw = Raw;

const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));

/** Median and 90th percentile by nearest rank (`percentile_disc`: a value that occurred), and the mean. */
const durations = (column: RawBuilder<unknown>) => sql`json_build_object(
  'count', count(${column}),
  'median', percentile_disc(0.5) WITHIN GROUP (ORDER BY ${column}),
  'p90', percentile_disc(0.9) WITHIN GROUP (ORDER BY ${column}),
  'mean', round(avg(${column})::numeric, 3)::float8)`;

/**
 * Every figure of the dashboard in one statement: the contacts received in the local days of the
 * range (and scope and region) are read once into `scope`, and each figure aggregates that.
 */
export async function dashboardFigures(db: DbOrTx, f: DashboardFilter): Promise<Raw> {
  const lo = sql`(${f.from}::date::timestamp AT TIME ZONE ${f.tz})`;
  const hi = sql`((${f.to}::date + 1)::timestamp AT TIME ZONE ${f.tz})`;
  const inScope = (alias: string) =>
    sql.join(
      [
        sql`${sql.ref(`${alias}.received_at`)} >= ${lo}`,
        sql`${sql.ref(`${alias}.received_at`)} < ${hi}`,
        ...(f.agencyId ? [sql`${sql.ref(`${alias}.owner_agency_id`)} = ${f.agencyId}`] : []),
      ],
      sql` AND `,
    );
  const region = f.region === null ? sql`true` : sql`c.region = ${f.region}`;
  const answered = sql`count(*) FILTER (WHERE answered_at IS NOT NULL)::int`;
  const abandoned = sql`count(*) FILTER (WHERE status = 'abandoned')::int`;
  // Timings leave out contacts an operator entered by hand: their "answer" is the moment of entry.
  const timed = sql`answered_at IS NOT NULL AND entered_by IS NULL`;

  const { rows } = await sql<Raw>`
    WITH scope AS MATERIALIZED (
      SELECT c.id, c.channel, c.status, c.contact_type, c.outcomes, c.received_at, c.answered_at, c.completed_at, c.entered_by,
             c.received_at AT TIME ZONE ${f.tz} AS local_at
      FROM contacts c
      -- Test contacts (sent from the Channels screen) are not the hotline's work.
      WHERE ${inScope('c')} AND ${region} AND NOT c.is_test
    )
    SELECT
      (SELECT json_build_object(
          'contacts', count(*)::int, 'answered', ${answered}, 'abandoned', ${abandoned},
          'substantive', count(*) FILTER (WHERE contact_type IN (${list(SUBSTANTIVE_CONTACT_TYPES)}))::int,
          'nonSubstantive', count(*) FILTER (WHERE contact_type IN (${list(NON_SUBSTANTIVE_CONTACT_TYPES)}))::int,
          'unclassified', count(*) FILTER (WHERE contact_type IS NULL)::int)
        FROM scope) AS totals,
      (SELECT coalesce(json_agg(json_build_object('channel', channel, 'contacts', n, 'answered', a, 'abandoned', ab)), '[]')
        FROM (SELECT channel, count(*)::int AS n, ${answered} AS a, ${abandoned} AS ab FROM scope GROUP BY channel) x) AS by_channel,
      (SELECT json_agg(json_build_object('hour', h, 'contacts', coalesce(x.n, 0)) ORDER BY h)
        FROM generate_series(0, 23) h
        LEFT JOIN (SELECT extract(hour FROM local_at)::int AS hr, count(*)::int AS n FROM scope GROUP BY 1) x ON x.hr = h) AS by_hour,
      (SELECT json_agg(json_build_object('day', to_char(d, 'YYYY-MM-DD'), 'contacts', coalesce(x.n, 0), 'answered', coalesce(x.a, 0), 'abandoned', coalesce(x.ab, 0)) ORDER BY d)
        FROM generate_series(${f.from}::date, ${f.to}::date, interval '1 day') d
        LEFT JOIN (SELECT local_at::date AS day, count(*)::int AS n, ${answered} AS a, ${abandoned} AS ab FROM scope GROUP BY 1) x ON x.day = d::date) AS by_day,
      (SELECT coalesce(json_agg(json_build_object('contactType', contact_type, 'contacts', n)), '[]')
        FROM (SELECT contact_type, count(*)::int AS n FROM scope WHERE contact_type IS NOT NULL GROUP BY 1) x) AS by_contact_type,
      (SELECT ${durations(sql.ref('s'))} FROM (SELECT extract(epoch FROM answered_at - received_at)::float8 AS s FROM scope WHERE ${timed}) x) AS time_to_answer,
      (SELECT ${durations(sql.ref('s'))} FROM (SELECT extract(epoch FROM completed_at - answered_at)::float8 AS s FROM scope WHERE ${timed} AND status = 'completed') x) AS handle_time,
      (SELECT json_build_object('count', count(*)::int, 'acknowledged', count(s)::int, 'timeToAcknowledge', ${durations(sql.ref('s'))})
        FROM (SELECT extract(epoch FROM e.acknowledged_at - coalesce(e.alerted_at, e.created_at))::float8 AS s
              FROM contact_escalations e JOIN scope ON scope.id = e.contact_id) x) AS escalations,
      (SELECT coalesce(json_agg(json_build_object('outcome', o, 'contacts', n)), '[]')
        FROM (SELECT o, count(*)::int AS n FROM scope, unnest(outcomes) o WHERE status = 'completed' GROUP BY o) x) AS outcomes,
      (SELECT coalesce(json_agg(region ORDER BY region), '[]')
        FROM (SELECT DISTINCT r.region FROM contacts r WHERE ${inScope('r')} AND r.region IS NOT NULL) x) AS regions
  `.execute(db);
  return rows[0]!;
}
