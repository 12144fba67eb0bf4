import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actor, requireAuth } from '../../app.ts';
import { decodeSortCursor, encodeSortCursor, isInstant } from '../../db/pagination.ts';
import { ErrorBody, IdParams, Ok, page } from '../../../shared/schemas/common.ts';
import {
  BestInterestsBody,
  BestInterestsView,
  EndAccessBody,
  ReturnBody,
  ConsentView,
  RecordConsentBody,
  AddCasePersonBody,
  CasePersonParams,
  CasePersonView,
  UpdateCasePersonBody,
  CaseContactView,
  CaseEventParams,
  CaseListItem,
  CaseListQuery,
  CaseNoteBody,
  CaseNoteView,
  CaseScreeningBody,
  CaseScreeningView,
  CaseSummaryView,
  CaseVocabulariesView,
  CreateCaseBody,
  LinkContactBody,
  TraffickingEventBody,
  TraffickingEventView,
  UpdateCaseBody,
  UpdateTraffickingEventBody,
} from '../../../shared/schemas/cases.ts';
import { CASE_SECTIONS, CASE_VOCABULARIES } from '../../../shared/nrm.ts';
import { z } from 'zod';
import * as repo from './repository.ts';
import * as cases from './service.ts';
import * as casePeople from './people.ts';
import * as consents from './consents.ts';
import { breakGlass } from '../../access/break-glass.ts';
import { CASES } from './policy.ts';
import * as protection from './protection.ts';
import { nameKeyTokens } from '../people/repository.ts';
import { parseName, queryKeyTiers } from '../../../domain/name-match.ts';
import { auditRead } from '../../audit/audit.ts';
import { searchedName } from '../../audit/withhold.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['cases'];

export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const who = (req: Parameters<typeof requireAuth>[0]) => requireAuth(req).principal;

  app.get('/cases/vocabularies', {
    schema: { tags, summary: 'The HTCDS code lists a case uses (forms of exploitation, means of control, recruitment, industry, ...) and the case sections', response: { 200: CaseVocabulariesView, ...errors } },
  }, async (req) => {
    who(req);
    return Object.fromEntries([...Object.entries(CASE_VOCABULARIES).map(([k, v]) => [k, [...v]]), ['sections', [...CASE_SECTIONS]]]) as z.infer<typeof CaseVocabulariesView>;
  });

  app.get('/cases', {
    schema: {
      tags,
      summary: 'Cases the user may see, newest first or in the order `sort` asks (keyset pagination)',
      description:
        'Only cases of the user\'s agency, their own, or shared with their agency by an active grant. Each row is the anonymous summary. ' +
        '`number` finds a case with or without its prefix and leading zeros ("2", "000002", "NRM-2026-000002") or by its beginning. ' +
        '`sort`: `-created` (newest entered first, the default), `created`, `opened`/`-opened` (the case\'s opening time), `number`/`-number` (case number); anything else is 400 naming `sort`. ' +
        'Names are not an order: they are sealed at rest. A `cursor` is good only for the order it was made for: with another `sort` it is 400 naming `cursor`. ' +
        '`name` finds cases by a victim\'s name in any script (the people search), only among cases whose people the user may see; such a search is audited (`case.searched_by_name`, keyed hashes of the name).',
      querystring: CaseListQuery,
      response: { 200: page(CaseListItem), ...errors },
    },
  }, async (req) => {
    const p = who(req);
    const { limit, cursor, name, sort, ...filters } = req.query;
    // A victim's name, in any script: the people search's keys (src/domain/name-match.ts) looked up
    // in the victims' blind-index tokens, among the cases whose people the user may see.
    const tiers = name === undefined ? undefined : queryKeyTiers(parseName(name));
    const order = repo.caseOrder(sort);
    const base = { ...filters, sort, limit, cursor: decodeSortCursor(cursor, sort, (v) => (order.time ? isInstant(v) : v.length <= 40), '-created') };
    let rows = await repo.listCaseRows(db, p, { ...base, victimKeys: tiers && nameKeyTokens(tiers.exact) });
    // As the people search: when the exact keys find few, the consonant skeletons (Orucov = Оруджев).
    if (tiers && rows.length === 0 && !cursor) rows = await repo.listCaseRows(db, p, { ...base, victimKeys: nameKeyTokens(tiers.loose) });
    const more = rows.length > limit;
    const pg = { rows: more ? rows.slice(0, limit) : rows };
    const last = pg.rows.at(-1);
    const nextCursor = more && last ? encodeSortCursor(sort, repo.sortValue(sort, last), last.id) : null;
    // Finding cases by a name shows who is a victim where: audited as the people search is, never with the name.
    if (name !== undefined) await auditRead(db, actor(req), { action: 'case.searched_by_name', recordType: 'case', changes: { ...searchedName(app.keys, name), results: pg.rows.map((r) => r.id) } });
    return { items: pg.rows.map((r) => cases.toListItem(p, r)), nextCursor };
  });

  app.post('/cases', {
    schema: { tags, summary: 'Open a case, directly or from a hotline contact (linked; its screenings carried over)', body: CreateCaseBody, response: { 201: z.object({ id: z.uuid(), caseNumber: z.string() }), ...errors } },
  }, async (req, reply) => reply.status(201).send(await cases.createCase(db, who(req), actor(req), req.body)));

  app.patch('/cases/:id', {
    schema: { tags, summary: 'Change the case (status, closure reason, victim status, case worker, HTCDS fields); owning agency only', params: IdParams, body: UpdateCaseBody, response: { 200: CaseSummaryView, ...errors } },
  }, async (req) => cases.updateCase(db, who(req), actor(req), req.params.id, req.body));

  app.post('/cases/:id/contacts', {
    schema: { tags, summary: 'Link another hotline contact to the case (its screenings are carried over)', params: IdParams, body: LinkContactBody, response: { 201: z.array(CaseContactView), ...errors } },
  }, async (req, reply) => reply.status(201).send(await cases.linkContact(db, who(req), actor(req), req.params.id, req.body.contactId)));

  app.post('/cases/:id/events', {
    schema: { tags, summary: 'Add a trafficking event (recruitment, transit, exploitation) with place and a date known to the day, month or year', params: IdParams, body: TraffickingEventBody, response: { 201: TraffickingEventView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await cases.addEvent(db, who(req), actor(req), req.params.id, req.body)));

  app.patch('/cases/:id/events/:eventId', {
    schema: { tags, summary: 'Correct a trafficking event', params: CaseEventParams, body: UpdateTraffickingEventBody, response: { 200: TraffickingEventView, ...errors } },
  }, async (req) => cases.updateEvent(db, who(req), actor(req), req.params.id, req.params.eventId, req.body));

  app.post('/cases/:id/notes', {
    schema: { tags, summary: 'Add a note to the case', params: IdParams, body: CaseNoteBody, response: { 201: CaseNoteView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await cases.addNote(db, who(req), actor(req), req.params.id, req.body.body)));

  app.post('/cases/:id/screenings', {
    schema: {
      tags,
      summary: 'Store an ILO screening on the case; the list follows from age and exploitation type',
      description: 'A positive result proposes a referral to the competent authority; it changes no one\'s status.',
      params: IdParams,
      body: CaseScreeningBody,
      response: { 201: CaseScreeningView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await cases.screenCase(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/cases/:id/people', {
    schema: {
      tags,
      summary: 'Add a person to the case with their role: one already recorded (personId) or a new one (person)',
      description: 'ageDisputed: treated as a child until verified (CETS art. 10(3)); an unaccompanied child needs a guardian before any referral (art. 10(4)).',
      params: IdParams,
      body: AddCasePersonBody,
      response: { 201: CasePersonView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await casePeople.addCasePerson(db, who(req), actor(req), req.params.id, req.body)));

  app.patch('/cases/:id/people/:casePersonId', {
    schema: { tags, summary: 'Change a person\'s role in the case, the age dispute, unaccompanied, or the guardian', params: CasePersonParams, body: UpdateCasePersonBody, response: { 200: CasePersonView, ...errors } },
  }, async (req) => casePeople.updateCasePerson(db, who(req), actor(req), req.params.id, req.params.casePersonId, req.body));

  app.post('/cases/:id/consents', {
    schema: {
      tags,
      summary: 'Record a consent of a person of the case: to assistance (optionally one service), to sharing data with a named agency for a named purpose, or to police contact',
      description: 'Assistance never depends on police contact: no rule links the two kinds.',
      params: IdParams,
      body: RecordConsentBody,
      response: { 201: ConsentView, ...errors },
    },
  }, async (req, reply) => reply.status(201).send(await consents.recordConsent(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/cases/:id/access-end', {
    schema: {
      tags,
      summary: 'Record a prosecutor\'s or court\'s order ending access to the victim\'s record',
      description: 'From then on only auditors and the owning agency\'s supervisors open the case (read-only); everyone else gets 404. Flagged to the auditors.',
      params: IdParams,
      body: EndAccessBody,
      response: { 200: Ok, ...errors },
    },
  }, async (req) => protection.endAccess(db, who(req), actor(req), req.params.id, req.body));

  app.post('/cases/:id/best-interests', {
    schema: { tags, summary: 'Record a best-interests assessment of a child of the case', params: IdParams, body: BestInterestsBody, response: { 201: BestInterestsView, ...errors } },
  }, async (req, reply) => reply.status(201).send(await protection.recordBestInterests(db, who(req), actor(req), req.params.id, req.body)));

  app.post('/cases/:id/people/:casePersonId/return', {
    schema: {
      tags,
      summary: 'Record that a person returned to a country',
      description: 'A child (under 18 or age disputed) needs a best-interests assessment that found return in their best interests (409 best_interests_required).',
      params: CasePersonParams,
      body: ReturnBody,
      response: { 200: CasePersonView, ...errors },
    },
  }, async (req) => protection.recordReturn(db, who(req), actor(req), req.params.id, req.params.casePersonId, req.body));

  app.post('/cases/:id/break-glass', {
    schema: {
      tags,
      summary: 'Emergency read of a case your scopes do not reach (break_glass permission, a reason; flagged to the auditors; 4 hours, read-only)',
      params: IdParams,
      body: z.strictObject({ reason: z.string().max(2000) }),
      response: { 200: z.object({ grantId: z.uuid(), expiresAt: z.string() }), ...errors },
    },
  }, async (req) => {
    const g = await breakGlass(db, who(req), CASES, req.params.id, req.body.reason, req.id);
    return { grantId: g.grantId, expiresAt: g.expiresAt.toISOString() };
  });
};
