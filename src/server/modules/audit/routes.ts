import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { requirePermission } from '../../access/policy.ts';
import { anchorAuditChains, auditRead, verifyAuditChain } from '../../audit/audit.ts';
import { searchedName, withheldPurpose, withheldValues } from '../../audit/withhold.ts';
import { badRequest } from '../../errors.ts';
import { ErrorBody } from '../../../shared/schemas/common.ts';
import { AuditEntryView, AuditQuery, ChainReport, VerifyQuery } from '../../../shared/schemas/audit.ts';
import { recordNames, searchAudit } from './repository.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const tags = ['audit'];

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get('/audit', {
    schema: { tags, summary: 'Search the audit log, newest first (auditors); `name` finds who searched for a person by keyed hashes of name keys. Values of identifying or narrative fields are never in the log. Each entry names its record where the name identifies no victim (`record`: a case number, a staff member, agency, provider or outlet; a contact\'s channel and time)', querystring: AuditQuery, response: { 200: z.object({ items: z.array(AuditEntryView), nextBefore: z.string().nullable() }), ...errors } },
  }, async (req) => {
    requirePermission(requireAuth(req).principal, 'audit:read');
    const { limit, name, ...filters } = req.query;
    const searched = name === undefined ? undefined : searchedName(app.keys, name);
    if (searched && searched.nameKeyHashes.length === 0) throw badRequest('validation_failed', 'Type a name', { name: 'no letters to search by' });
    const rows = await searchAudit(db, { ...filters, nameKeyHashes: searched?.nameKeyHashes, limit: limit + 1 });
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const names = await recordNames(db, items);
    // Reading the log is itself recorded: it holds who did what to whom. A name searched for is kept as its keyed hashes only.
    await auditRead(db, actor(req), { action: 'audit.searched', changes: { filters: req.query, ...searched, results: items.length } });
    return {
      // Entries written before values were withheld are shown by the same rule as new ones.
      items: items.map((r) => ({
        ...r,
        actorAgencyName: names.agency(r.actorAgencyId),
        record: names.record(r.recordType, r.recordId),
        changes: withheldValues(r.changes),
        purpose: withheldPurpose(r.purpose),
        at: r.at.toISOString(),
      })),
      nextBefore: more ? (items.at(-1)?.seq ?? null) : null,
    };
  });

  app.get('/audit/verify', {
    schema: {
      tags,
      summary: 'Anchor every chain\'s head, then check every hash chain of the log and the anchors; names the first broken entry. Note `a<anchor.id>:<anchor.hash>` and pass it as `anchor` next time',
      querystring: VerifyQuery,
      response: { 200: ChainReport, ...errors },
    },
  }, async (req) => {
    requirePermission(requireAuth(req).principal, 'audit:verify');
    await anchorAuditChains(db);
    const report = await verifyAuditChain(db, undefined, req.query.anchor);
    await auditRead(db, actor(req), { action: 'audit.verified', changes: { ok: report.ok, checked: report.checked } });
    return report;
  });
};
