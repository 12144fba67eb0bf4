import type { DbOrTx } from '../../db/database.ts';
import { hasPermission, requirePermission } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, CONTACT_TYPES } from '../../../shared/hotline.ts';
import type { DashboardQuery, DashboardView, DurationStats } from '../../../shared/schemas/hotline-dashboard.ts';
import { dashboardFigures, type DashboardRaw } from './repository.ts';

/**
 * Whose contacts the figures count. A hotline manager (a supervisor) counts their own agency's
 * contacts, which their `contact:read:agency` shows them anyway. A user who also holds
 * `reports:aggregate` (the national coordinator's office) counts every agency's: the figures are
 * counts and durations without any personal data, which is what that permission is for.
 */
export function dashboardScope(p: Principal): { scope: 'agency' | 'all'; agencyId: string | null } {
  requirePermission(p, 'hotline:reports');
  return hasPermission(p, 'reports:aggregate') ? { scope: 'all', agencyId: null } : { scope: 'agency', agencyId: p.agencyId };
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

const stats = (d: DashboardRaw['timeToAnswer']): DurationStats => ({ count: d.count, medianSeconds: d.median, p90Seconds: d.p90, meanSeconds: d.mean });

/** Every value of a vocabulary, in its order, with zero where nothing was counted. */
function complete<K extends string, R extends Record<K, string> & { contacts: number }>(values: readonly string[], key: K, rows: R[], zero: Omit<R, K>): R[] {
  const by = new Map<string, R>(rows.map((r) => [r[key], r]));
  return values.map((v) => by.get(v) ?? ({ ...zero, [key]: v } as unknown as R));
}

export async function dashboard(db: DbOrTx, p: Principal, q: DashboardQuery): Promise<DashboardView> {
  const { scope, agencyId } = dashboardScope(p);
  const raw = await dashboardFigures(db, { from: q.from, to: q.to, tz: q.tz, region: q.region ?? null, agencyId });
  const t = raw.totals;
  return {
    range: { from: q.from, to: q.to, tz: q.tz, region: q.region ?? null, scope },
    totals: {
      ...t,
      unanswered: t.contacts - t.answered - t.abandoned,
      answerRate: ratio(t.answered, t.answered + t.abandoned),
      substantiveShare: ratio(t.substantive, t.substantive + t.nonSubstantive),
    },
    byChannel: complete(CONTACT_CHANNELS, 'channel', raw.byChannel, { contacts: 0, answered: 0, abandoned: 0 }) as DashboardView['byChannel'],
    byHour: raw.byHour,
    byDay: raw.byDay,
    byContactType: complete(CONTACT_TYPES, 'contactType', raw.byContactType, { contacts: 0 }) as DashboardView['byContactType'],
    timeToAnswer: stats(raw.timeToAnswer),
    handleTime: stats(raw.handleTime),
    escalations: {
      count: raw.escalations.count,
      acknowledged: raw.escalations.acknowledged,
      unacknowledged: raw.escalations.count - raw.escalations.acknowledged,
      timeToAcknowledge: stats(raw.escalations.timeToAcknowledge),
    },
    outcomes: complete(CONTACT_OUTCOMES, 'outcome', raw.outcomes, { contacts: 0 }) as DashboardView['outcomes'],
    regions: raw.regions,
  };
}
