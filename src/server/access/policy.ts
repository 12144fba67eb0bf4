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

export type RecordFacts = { ownerUserId: string | null; ownerAgencyId: string; grants: readonly GrantFacts[] };

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
 * May the principal do `action` to this record, and which sections does it open? The rules, widest
 * first: `all`; `agency` (the owning agency's staff); `own` (the record's own user); `granted` (an
 * active grant to the user's agency, limited to the grant's sections); a grant to the user alone
 * (break-glass) opens a read whatever the role says. `visibleFilter` is the same rule in SQL.
 */
export function decide(p: Principal, action: RecordAction, res: ResourceDef, r: RecordFacts, now = new Date()): Decision {
  const scopes = scopesFor(p, res.recordType, action);
  const everything = new Set(res.sections);
  if (scopes.has('all')) return { allowed: true, via: 'all', sections: everything };
  if (scopes.has('agency') && r.ownerAgencyId === p.agencyId) return { allowed: true, via: 'agency', sections: everything };
  if ((scopes.has('own') || scopes.has('agency')) && r.ownerUserId !== null && r.ownerUserId === p.userId)
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
 */
export function visibleFilter(p: Principal, action: RecordAction, res: ResourceDef, now?: Date, opts: { probe?: boolean } = {}): RawBuilder<boolean> {
  const scopes = scopesFor(p, res.recordType, action);
  if (scopes.has('all')) return sql<boolean>`true`;
  const at = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  const parts: RawBuilder<unknown>[] = [];
  if (scopes.has('agency')) parts.push(sql`${sql.ref(res.ownerAgencyColumn)} = ${p.agencyId}`);
  if (scopes.has('own') || scopes.has('agency')) parts.push(sql`${sql.ref(res.ownerUserColumn)} = ${p.userId}`);
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
        AND ${grantee}${probe})`);
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
