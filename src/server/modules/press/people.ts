import type { Db, Tx } from '../../db/database.ts';
import { auditedTransaction, diff, type AuditActor } from '../../audit/audit.ts';
import type { Principal } from '../../access/principal.ts';
import { badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import { hasPermission } from '../../access/policy.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/pagination.ts';
import { nameKeys } from '../../../domain/names.ts';
import type { AffiliationFields } from '../../../shared/schemas/press.ts';
import * as repo from './repository.ts';
import { affiliationDates, personViews, recompute, requireIncidentRead, translateDbError } from './service.ts';

/**
 * Editing journalists, outlets and the affiliations between them. The same people as incidents:
 * whoever may change all incidents may change them (monitors, reviewers; contact details only
 * those who may see them), whoever may read incidents
 * may read them. A change to a name, an alias or an affiliation changes what the incidents naming
 * them are found by and what their public pages would show, so those incidents are recomputed (and,
 * when published, shown as changed since publication until a reviewer publishes again).
 */

/**
 * Those who may change every incident (`incident:update:all`: monitors, reviewers) may change the
 * people they name. A journalist or an outlet is shared by every incident naming them, so a scope
 * limited to one's own or one's agency's incidents is not enough.
 */
function requireIncidentWrite(p: Principal) {
  if (!hasPermission(p, 'incident:update:all')) throw forbidden('Changing journalists and outlets needs incident:update:all: they are shared by every incident naming them');
}

type PersonPatch = { name?: string | undefined; aliases?: string[] | undefined; contactDetails?: string | null | undefined; beats?: string[] | undefined; local?: boolean | undefined };
type OutletPatch = { name?: string | undefined; aliases?: string[] | undefined; medium?: string | null | undefined };
type NewAffiliation = AffiliationFields & { outletId: string };

async function recomputeNaming(tx: Tx, f: { personId?: string; outletId?: string }) {
  for (const id of await repo.incidentsNaming(tx, f)) await recompute(tx, id);
}

async function personView(tx: Db | Tx, p: Principal, id: string) {
  const [v] = await personViews(tx, p, [id]);
  if (!v) throw notFound('Journalist');
  return v;
}

export async function getPerson(db: Db, p: Principal, id: string) {
  requireIncidentRead(p);
  return personView(db, p, id);
}

export async function getOutlet(db: Db, p: Principal, id: string) {
  requireIncidentRead(p);
  const o = await db.selectFrom('pressOutlets').select(['id', 'name', 'aliases', 'medium', 'isSynthetic']).where('id', '=', id).executeTakeFirst();
  if (!o) throw notFound('Outlet');
  return o;
}

export async function updatePerson(db: Db, actor: AuditActor, p: Principal, id: string, patch: PersonPatch) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('pressPersons').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Journalist');
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.aliases !== undefined) set.aliases = [...new Set(patch.aliases)];
    if (patch.contactDetails !== undefined) {
      // Contact details are only for those who may see them (monitors): no blind overwrites.
      if (!hasPermission(p, 'sensitive:contact')) throw forbidden();
      set.contactDetails = patch.contactDetails;
    }
    if (patch.beats !== undefined) set.beats = [...new Set(patch.beats)];
    if (patch.local !== undefined) set.local = patch.local;
    const renamed = set.name !== undefined || set.aliases !== undefined;
    if (renamed) set.nameKeys = nameKeys((set.name as string | undefined) ?? before.name, ...((set.aliases as string[] | undefined) ?? before.aliases));
    if (Object.keys(set).length > 0) {
      await tx.updateTable('pressPersons').set({ ...set, updatedAt: new Date() }).where('id', '=', id).execute();
      if (renamed) await recomputeNaming(tx, { personId: id });
    }
    const shown = (v: Record<string, unknown>) => {
      const { nameKeys: _k, contactDetails, ...rest } = v;
      // Contact details are personal data: the log says that they changed, never what they are.
      return { ...rest, ...(contactDetails !== undefined ? { contactDetails: contactDetails === null ? null : '(recorded)' } : {}) };
    };
    const pick = Object.fromEntries(Object.keys(set).map((k) => [k, (before as Record<string, unknown>)[k]]));
    const changes = diff(shown(pick), shown(set));
    if (patch.contactDetails !== undefined && patch.contactDetails !== before.contactDetails) changes.contactDetails = { changed: true };
    return { result: await personView(tx, p, id), audit: { action: 'press.person.updated', recordType: 'press_person', recordId: id, changes } };
  });
}

export async function updateOutlet(db: Db, actor: AuditActor, p: Principal, id: string, patch: OutletPatch) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('pressOutlets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Outlet');
    const set: Record<string, unknown> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.aliases !== undefined) set.aliases = [...new Set(patch.aliases)];
    if (patch.medium !== undefined) set.medium = patch.medium;
    const renamed = set.name !== undefined || set.aliases !== undefined;
    if (renamed) set.nameKeys = nameKeys((set.name as string | undefined) ?? before.name, ...((set.aliases as string[] | undefined) ?? before.aliases));
    if (Object.keys(set).length > 0) {
      await tx.updateTable('pressOutlets').set({ ...set, updatedAt: new Date() }).where('id', '=', id).execute().catch(translateDbError);
      if (renamed) await recomputeNaming(tx, { outletId: id });
    }
    const { nameKeys: _a, ...after } = set;
    const pick = Object.fromEntries(Object.keys(after).map((k) => [k, (before as Record<string, unknown>)[k]]));
    const result = await tx.selectFrom('pressOutlets').select(['id', 'name', 'aliases', 'medium', 'isSynthetic']).where('id', '=', id).executeTakeFirstOrThrow();
    return { result, audit: { action: 'press.outlet.updated', recordType: 'press_outlet', recordId: id, changes: diff(pick, after) } };
  });
}

const affiliationError = (e: unknown): never => {
  if (isForeignKeyViolation(e)) throw badRequest('validation_failed', 'Unknown outlet', { outletId: 'no such outlet' });
  if (isUniqueViolation(e)) throw conflict('already_affiliated', 'The journalist is already linked with this outlet', { outletId: 'already linked' });
  throw e;
};

export async function addAffiliation(db: Db, actor: AuditActor, p: Principal, personId: string, input: NewAffiliation) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const person = await tx.selectFrom('pressPersons').select('id').where('id', '=', personId).forUpdate().executeTakeFirst();
    if (!person) throw notFound('Journalist');
    const values = { personId, outletId: input.outletId, role: input.role ?? null, employment: input.employment ?? null, period: input.period ?? null, ...affiliationDates(input, null) };
    const row = await tx.insertInto('pressAffiliations').values(values).returning('id').executeTakeFirstOrThrow().catch(affiliationError);
    await recomputeNaming(tx, { personId });
    return {
      result: await personView(tx, p, personId),
      audit: { action: 'press.affiliation.added', recordType: 'press_person', recordId: personId, changes: { affiliationId: row.id, ...diff(null, values) } },
    };
  });
}

export async function updateAffiliation(db: Db, actor: AuditActor, p: Principal, personId: string, affiliationId: string, patch: AffiliationFields) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('pressAffiliations').selectAll().where('id', '=', affiliationId).where('personId', '=', personId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Affiliation');
    const set: Record<string, unknown> = { ...affiliationDates(patch, before) };
    for (const k of ['role', 'employment', 'period'] as const) if (patch[k] !== undefined) set[k] = patch[k];
    if (Object.keys(set).length > 0) await tx.updateTable('pressAffiliations').set({ ...set, updatedAt: new Date() }).where('id', '=', affiliationId).execute();
    const pick = Object.fromEntries(Object.keys(set).map((k) => [k, (before as Record<string, unknown>)[k]]));
    return {
      result: await personView(tx, p, personId),
      audit: { action: 'press.affiliation.updated', recordType: 'press_person', recordId: personId, changes: { affiliationId, ...diff(pick, set) } },
    };
  });
}

export async function removeAffiliation(db: Db, actor: AuditActor, p: Principal, personId: string, affiliationId: string) {
  requireIncidentWrite(p);
  return auditedTransaction(db, actor, async (tx) => {
    const before = await tx.selectFrom('pressAffiliations').selectAll().where('id', '=', affiliationId).where('personId', '=', personId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('Affiliation');
    await tx.deleteFrom('pressAffiliations').where('id', '=', affiliationId).execute();
    await recomputeNaming(tx, { personId });
    const { id: _id, createdAt: _c, updatedAt: _u, ...was } = before;
    return {
      result: await personView(tx, p, personId),
      audit: { action: 'press.affiliation.removed', recordType: 'press_person', recordId: personId, changes: { affiliationId, ...diff(was, {}) } },
    };
  });
}
