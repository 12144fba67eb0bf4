import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { appendAuditOnClient, type AuditActor } from '../../audit/audit.ts';
import { redact } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { grantsQuery, UUID } from '../../access/repository.ts';
import { readBatch, withClient } from '../../db/batch.ts';
import { notFound } from '../../errors.ts';
import type { CaseSection } from '../../../shared/nrm.ts';
import type { CaseDetail, CaseNoteView } from '../../../shared/schemas/cases.ts';
import { countryProfileOf, countryProfileQuery } from '../../nrm-profile.ts';
import { CASES } from '../cases/policy.ts';
import * as repo from '../cases/repository.ts';
import { decideCaseAccess } from '../cases/access.ts';
import { toEventView, toScreeningView, toSummary, toTimelineEntry } from '../cases/service.ts';
import { casePeopleNamesQuery, casePeopleQuery, openCasePerson, toCasePeopleViews } from '../cases/people.ts';
import { openNames } from '../people/repository.ts';
import { consentsQuery, toConsentViews } from '../cases/consents.ts';
import { caseReferralsQuery, toReferralView } from '../referrals/service.ts';
import { identificationQueries, toIdentificationViews } from '../identification/service.ts';
import { caseTasksQuery, toTaskView } from '../tasks/service.ts';

/*
 * The case page is assembled here, above the capabilities whose sections it shows (the case itself,
 * identification, referrals, tasks), so that each of them imports `cases` and none is imported back
 * (docs/ARCHITECTURE.md, "Capability folders").
 */

/**
 * How a caller other than the case page reads it: a printed document (reports module) reads only the
 * sections it prints (`only`, among those the user may see) and names its own audit action.
 */
export type CaseRead = {
  only?: readonly CaseSection[];
  audit?: { action: string; changes?: Record<string, unknown> };
};

/**
 * The case page in one request: each section the user may see, every field also redacted by its
 * sensitivity tag. The read is audited with the sections shown.
 *
 * Round trips, not queries, are what a page costs, so the page is read in four, whatever the number
 * of sections: the case and its grants (`readBatch`, opening a read-only snapshot), then, once the
 * policy has decided, every section the user may see in one message from the same snapshot, then
 * the audit entry on the same connection in two (`appendAuditOnClient`).
 */
export async function getCase(db: Db, p: Principal, actor: AuditActor, id: string, read: CaseRead = {}): Promise<CaseDetail> {
  if (!UUID.test(id)) throw notFound('Case');
  return withClient(db, async (client) => {
    const [rows, grants] = await readBatch(client, [repo.findCaseQuery(db, id), grantsQuery(db, CASES, id)], { begin: true, commit: false });
    const row = rows[0] && repo.openCase(rows[0]);
    const facts = row && { ownerUserId: row.ownerUserId, ownerAgencyId: row.ownerAgencyId, grants, accessEnded: row.accessEndedAt !== null };
    const { decision: allowed } = decideCaseAccess(p, facts, 'read');
    // A printed document reads only the sections it prints, of those the user may see.
    const decision = read.only ? { ...allowed, sections: new Set([...allowed.sections].filter((s) => read.only!.includes(s as CaseSection))) } : allowed;
    // A section the user may not see is not read: its queries end in `AND FALSE`, which PostgreSQL
    // answers without touching a table.
    const may = (s: CaseSection) => sql<boolean>`${sql.lit(decision.sections.has(s))}`;
    const [people, names, consents, referrals, incoming, profile, victims, decisions, idReferrals, permits, tasks, contacts, events, screenings, notes, timeline] = await readBatch(
      client,
      [
        casePeopleQuery(db, id).where(may('people')),
        casePeopleNamesQuery(db, id).where(may('people')),
        consentsQuery(db, id).where(may('consents')),
        caseReferralsQuery(db, p, id).where(may('referrals')),
        // The referrals of the case to the user's agency, whatever sections they share: the receiver
        // learns what the purpose needs and the referral lacks (the engine's filter on each referral).
        caseReferralsQuery(db, p, id).where('r.toAgencyId', '=', p.agencyId),
        countryProfileQuery(db).where(may('identification')),
        ...identificationQueries(db, id, may('identification')),
        caseTasksQuery(db, id).where(may('tasks')),
        repo.caseContactsQuery(db, id).where(may('contacts')),
        repo.eventsQuery(db, id).where(may('events')),
        repo.screeningsQuery(db, id).where(may('screening')),
        repo.notesQuery(db, id).where(may('notes')),
        repo.timelineQuery(db, id).where(may('timeline')),
      ] as const,
      { begin: false, commit: true },
    );
    const has = (s: CaseSection) => decision.sections.has(s);
    const sections = [...decision.sections].sort() as CaseSection[];
    const detail: CaseDetail = { id: row!.id, caseNumber: row!.caseNumber, sections };
    if (has('summary')) detail.summary = toSummary(p, row!, decision.via);
    if (has('notes')) {
      const n = redact(p, CASES, { narrative: row!.narrative });
      if ('narrative' in n) detail.narrative = n.narrative ?? null;
      detail.notes = notes.map(repo.openNote).map((x) => redact(p, CASES, { ...x, createdAt: x.createdAt.toISOString() }) as z.infer<typeof CaseNoteView>);
    }
    if (has('people')) detail.people = toCasePeopleViews(p, people.map(openCasePerson), openNames(names));
    if (has('consents')) detail.consents = toConsentViews(p, consents);
    if (has('referrals')) detail.referrals = referrals.map((r) => toReferralView(p, r));
    if (incoming.length > 0) detail.received = incoming.map((r) => toReferralView(p, r));
    if (has('identification')) detail.identification = toIdentificationViews(p, countryProfileOf(profile[0]), victims, decisions, idReferrals, permits);
    if (has('tasks')) detail.tasks = tasks.map((t) => toTaskView(p, t));
    if (has('contacts'))
      detail.contacts = contacts.map((c) => ({ ...c, channel: c.channel as never, receivedAt: c.receivedAt.toISOString(), linkedAt: c.linkedAt.toISOString() }));
    if (has('events')) detail.events = events.map((e) => toEventView(p, e));
    if (has('screening')) detail.screenings = screenings.map(toScreeningView);
    if (has('timeline')) detail.timeline = timeline.map(toTimelineEntry);
    const entry = read.audit
      ? { ...read.audit, recordType: 'case', recordId: id, changes: { ...read.audit.changes, sections, via: decision.via } }
      : { action: 'case.read', recordType: 'case', recordId: id, changes: { sections, via: decision.via } };
    await appendAuditOnClient(client, [{ actor, entry }]);
    return detail;
  });
}
