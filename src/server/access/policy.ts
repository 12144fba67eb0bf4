import { sql, type RawBuilder } from 'kysely';
import {
  SCOPES,
  type Permission,
  type RecordAction,
  type RecordType,
  type Scope,
  type SensitivityTag,
  type SystemPermission,
} from '../../shared/roles.ts';
import { forbidden } from '../errors.ts';
import type { Principal } from './principal.ts';

/**
 * How a module's records plug into the policy engine: which columns say who owns a row, the sections
 * a grant can open, and the sensitivity tag of each field that has one.
 */
export type ResourceDef = {
  recordType: RecordType;
  /** The table the records live in, e.g. `cases`; `loadRecordFacts` and break-glass read it. */
  table: string;
  /** Column references as Kysely sees them (camelCase, with the table or alias), e.g. `cases.ownerAgencyId`. */
  idColumn: string;
  ownerUserColumn: string;
  ownerAgencyColumn: string;
  sections: readonly string[];
  fieldTags: Readonly<Record<string, SensitivityTag>>;
  /**
   * When the record is under an order ending access (a prosecutor's or court's order on the case, or
   * on a case the record belongs to): an SQL condition in the same column references, true for such
   * a record. Such a record is invisible to everyone but auditors and the owning agency's supervisors
   * (`cases:read_restricted`), and then only to read (`endedReadable`). Absent: never ended.
   */
  accessEnded?: RawBuilder<boolean>;
};

/** A grant as the per-record check needs it. */
export type GrantFacts = {
  granteeAgencyId: string | null;
  granteeUserId: string | null;
  sections: readonly string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

/** `accessEnded`: whether the resource's `accessEnded` condition holds for the record (`loadRecordFacts` reads it). */
export type RecordFacts = { ownerUserId: string | null; ownerAgencyId: string; grants: readonly GrantFacts[]; accessEnded?: boolean };

export type Decision = { allowed: false } | { allowed: true; via: Scope | 'user_grant'; sections: ReadonlySet<string> };

export const hasPermission = (p: Principal, permission: Permission): boolean => p.permissions.has(permission);

export function requirePermission(p: Principal, permission: SystemPermission): void {
  if (!p.permissions.has(permission)) throw forbidden();
}

/** The scopes the principal's roles give for an action on a record type. */
export function scopesFor(p: Principal, type: RecordType, action: RecordAction): Set<Scope> {
  return new Set(SCOPES.filter((s) => p.permissions.has(`${type}:${action}:${s}`)));
}

const grantActive = (g: GrantFacts, now: Date) =>
  g.revokedAt === null && g.createdAt <= now && (g.expiresAt === null || g.expiresAt > now);

/**
 * Who may still see a record an order ended access to (a prosecutor's or court's order): auditors,
 * of any agency, and the supervisors (`cases:read_restricted`) of the agency that owns the record,
 * only to read; no one else, whatever their scopes or grants.
 */
function endedReaders(p: Principal, action: RecordAction): 'any_agency' | 'own_agency' | 'no_one' {
  if (action !== 'read' || !p.permissions.has('cases:read_restricted')) return 'no_one';
  return p.permissions.has('audit:read') ? 'any_agency' : 'own_agency';
}

/** May the principal `action` a record whose access an order ended, whatever else the rules say? */
export function endedReadable(p: Principal, action: RecordAction, ownerAgencyId: string): boolean {
  const who = endedReaders(p, action);
  return who === 'any_agency' || (who === 'own_agency' && ownerAgencyId === p.agencyId);
}

/**
 * May the principal do `action` to this record, and which sections does it open? First, a record an
 * order ended access to is refused to all but `endedReadable` (auditors and the owning agency's
 * supervisors, to read). Then the rules, widest first: `all`; `agency` (the owning agency's staff);
 * `own` (the record's own user, while they are in the owning agency: a user moved to another agency
 * leaves their old records behind); `granted` (an active grant to the user's agency, limited to the
 * grant's sections); a grant to the user alone (break-glass) opens a read whatever the role says.
 * `visibleFilter` is the same rule in SQL.
 */
export function decide(p: Principal, action: RecordAction, res: ResourceDef, r: RecordFacts, now = new Date()): Decision {
  if (r.accessEnded && !endedReadable(p, action, r.ownerAgencyId)) return { allowed: false };
  const scopes = scopesFor(p, res.recordType, action);
  const everything = new Set(res.sections);
  if (scopes.has('all')) return { allowed: true, via: 'all', sections: everything };
  const inAgency = r.ownerAgencyId === p.agencyId;
  if (scopes.has('agency') && inAgency) return { allowed: true, via: 'agency', sections: everything };
  if (scopes.has('own') && inAgency && r.ownerUserId !== null && r.ownerUserId === p.userId)
    return { allowed: true, via: 'own', sections: everything };
  const active = r.grants.filter((g) => grantActive(g, now));
  const sections = new Set<string>();
  let via: 'granted' | 'user_grant' | null = null;
  if (scopes.has('granted')) {
    for (const g of active.filter((g) => g.granteeAgencyId === p.agencyId)) {
      g.sections.forEach((s) => sections.add(s));
      via = 'granted';
    }
  }
  if (action === 'read') {
    for (const g of active.filter((g) => g.granteeUserId === p.userId)) {
      g.sections.forEach((s) => sections.add(s));
      via ??= 'user_grant';
    }
  }
  return via ? { allowed: true, via, sections } : { allowed: false };
}

/**
 * The SQL form of `decide`: a condition for `.where()` that keeps exactly the rows the principal may
 * `action`. Lists, searches and exports all filter through it, so none returns a row `decide` refuses.
 *
 * With `section`, only the rows whose decision opens that section: `decide(...).sections.has(section)`
 * (a grant counts only when it names the section), for a list of one part of records (a case's tasks).
 */
export function visibleFilter(
  p: Principal,
  action: RecordAction,
  res: ResourceDef,
  now?: Date,
  opts: { probe?: boolean; section?: string } = {},
): RawBuilder<boolean> {
  const rule = scopeFilter(p, action, res, now, opts);
  if (!res.accessEnded) return rule;
  const ended = res.accessEnded;
  switch (endedReaders(p, action)) {
    case 'any_agency':
      return rule;
    case 'own_agency':
      return sql<boolean>`(${rule} AND (NOT ${ended} OR ${sql.ref(res.ownerAgencyColumn)} = ${p.agencyId}))`;
    case 'no_one':
      return sql<boolean>`(${rule} AND NOT ${ended})`;
  }
}

function scopeFilter(p: Principal, action: RecordAction, res: ResourceDef, now: Date | undefined, opts: { probe?: boolean; section?: string }): RawBuilder<boolean> {
  const scopes = scopesFor(p, res.recordType, action);
  if (scopes.has('all')) return sql<boolean>`true`;
  const at = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  const parts: RawBuilder<unknown>[] = [];
  if (scopes.has('agency')) parts.push(sql`${sql.ref(res.ownerAgencyColumn)} = ${p.agencyId}`);
  // "Own" holds only within the user's current agency; with `agency` it adds nothing.
  else if (scopes.has('own')) parts.push(sql`(${sql.ref(res.ownerUserColumn)} = ${p.userId} AND ${sql.ref(res.ownerAgencyColumn)} = ${p.agencyId})`);
  const section = opts.section === undefined ? sql`` : sql` AND ${opts.section} = ANY (pathway_policy_grant.sections)`;
  // With `probe`, each row's grant is looked up by itself (`OFFSET 0` keeps PostgreSQL from turning
  // the EXISTS into a hashed set of all the grantee's grants): for a caller that tests a few rows
  // (a page, a search's candidates), where building the set of tens of thousands of grants costs
  // far more than a probe per row. The same rows either way.
  const probe = opts.probe ? sql` OFFSET 0` : sql``;
  const grantees: RawBuilder<unknown>[] = [];
  if (scopes.has('granted')) grantees.push(sql`pathway_policy_grant.grantee_agency_id = ${p.agencyId}`);
  if (action === 'read') grantees.push(sql`pathway_policy_grant.grantee_user_id = ${p.userId}`);
  // One EXISTS per grantee (agency, user) rather than one with an OR inside: the same rows, but each
  // is then an index-only scan of its covering index (migration 0080) instead of a heap read per grant.
  for (const grantee of grantees) {
    // The alias is one no module uses, so it cannot shadow the caller's table in `idColumn`.
    // Times are compared at millisecond precision because that is what `decide` sees of them
    // once loaded into a JS Date; comparing microseconds here would let the two forms disagree.
    parts.push(sql`EXISTS (SELECT 1 FROM access_grants pathway_policy_grant
      WHERE pathway_policy_grant.record_type = ${res.recordType} AND pathway_policy_grant.record_id = ${sql.ref(res.idColumn)}
        AND pathway_policy_grant.revoked_at IS NULL
        AND date_trunc('milliseconds', pathway_policy_grant.created_at) <= ${at}
        AND (pathway_policy_grant.expires_at IS NULL OR date_trunc('milliseconds', pathway_policy_grant.expires_at) > ${at})
        AND ${grantee}${section}${probe})`);
  }
  if (parts.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(parts, sql` OR `)})`;
}

/** The fields of a record the principal may see: untagged fields, and tagged ones their roles allow. */
export function redact<T extends Record<string, unknown>>(p: Principal, res: ResourceDef, record: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(record)) {
    const tag = res.fieldTags[key];
    if (tag === undefined || p.permissions.has(`sensitive:${tag}`)) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
