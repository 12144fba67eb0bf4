/**
 * Corrections of what was recorded on a criminal case (docs/criminal-justice.md, "Corrections"): a
 * procedural event (or its withdrawal when recorded by mistake), a charge, a verdict, a sentence, a
 * victim's part in the proceedings and a cooperation request. The same permission as recording them
 * (`update` on the case), the same rules (the order of procedure is checked again over the whole
 * case), one transaction with an audit entry naming the fields changed; the case's status, the
 * sentences' flags and the counting facts follow, so the figures do.
 */
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../../db/database.ts';
import { diff, type AuditActor } from '../../audit/audit.ts';
import { decide } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { loadRecordFacts, UUID } from '../../access/repository.ts';
import { notFound } from '../../errors.ts';
import { statutePart, type JusticeProfile } from '../../../domain/justice-profile.ts';
import { countryToday, loadJusticeProfile } from '../../nrm-profile.ts';
import type { CriminalCaseStatus, DeferralGround, Instance, SentenceType, VerdictOutcome } from '../../../shared/justice.ts';
import type {
  CorrectChargeBody,
  CorrectEventBody,
  CorrectSentenceBody,
  CorrectVerdictBody,
  LinkedCriminalCase,
  UpdateCooperationBody,
  UpdateVictimBody,
  WithdrawEventBody,
} from '../../../shared/schemas/justice-corrections.ts';
import { CASES } from '../cases/policy.ts';
import * as repo from './repository.ts';
import * as cr from './corrections-repository.ts';
import { isBelowMinimum, latestVerdicts, partsOf, reviewFlag, sentenceBand, type SentenceInput } from './counting.ts';
import { checkOrder, type OrderProblem } from './procedure.ts';
import { audited, checkNotFuture, checkSentenceShape, defendantOf, invalid, lockForWrite, refreshFacts, STATUS_AFTER, VERDICT_EVENT } from './service.ts';

type Ev = { id: string; type: string; occurredOn: string; defendantId: string | null; ground: string | null; createdAt: Date };

/** Events recorded with POST .../events, and so corrected or withdrawn as events; the others through the record they belong to. */
const THROUGH: Record<string, string> = {
  opened: 'the case itself',
  suspect_identified: 'the defendant',
  charged: 'its charge',
  verdict: 'its verdict',
  appeal_decided: 'its verdict',
  cassation: 'its verdict',
};
const INSTANCE_ORDER: Record<Instance, number> = { first: 0, appeal: 1, cassation: 2 };
const CASE_WIDE = ['suspended', 'resumed', 'opened', 'trial_opened'];

/**
 * The first event of the case that no longer follows the order of procedure (`checkOrder`, against
 * the events it was checked against when recorded: a defendant's own and the case's), or null.
 */
function orderProblem(openedOn: string, today: string, events: readonly Ev[]): { event: Ev; problem: OrderProblem } | null {
  for (const e of events) {
    const others = events.filter((o) => o.id !== e.id);
    const scope = e.defendantId === null ? others : others.filter((o) => o.defendantId === e.defendantId || (o.defendantId === null && CASE_WIDE.includes(o.type)));
    const problem = checkOrder(openedOn, today, scope, e);
    if (problem) return { event: e, problem };
  }
  return null;
}

/** Refuses (400 naming `field`) a change after which some event of the case is out of order. */
function checkWholeOrder(openedOn: string, today: string, events: readonly Ev[], changedId: string | null, field: string) {
  // The changed event first: its own problem is the one to name.
  const bad = orderProblem(openedOn, today, [...events].sort((a, b) => Number(b.id === changedId) - Number(a.id === changedId)));
  if (!bad) return;
  if (bad.event.id === changedId) throw invalid(field, bad.problem.message);
  throw invalid(field, `the ${bad.event.type.replaceAll('_', ' ')} of ${bad.event.occurredOn} would be out of order: ${bad.problem.message}`);
}

/** The case's status and termination ground as its events, in date order, make them. */
function statusOf(events: readonly Ev[]): { status: CriminalCaseStatus; terminationGround: string | null } {
  let status: CriminalCaseStatus = 'investigation';
  let ground: string | null = null;
  for (const e of [...events].sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.createdAt.getTime() - b.createdAt.getTime())) {
    if (e.type === 'terminated' && e.defendantId === null) {
      status = 'terminated';
      ground = e.ground;
    } else if (STATUS_AFTER[e.type]) status = STATUS_AFTER[e.type]!;
  }
  return { status, terminationGround: status === 'terminated' ? ground : null };
}

async function settleStatus(tx: Tx, caseId: string, events: readonly Ev[]) {
  await tx.updateTable('criminalCases').set({ ...statusOf(events), updatedAt: new Date() }).where('id', '=', caseId).execute();
}

const num = (v: string | null) => (v === null ? null : Number(v));
const verdictInput = (v: { chargeId: string; instance: string; outcome: string; decidedOn: string; terminationGround: string | null; createdAt: Date }) => ({
  chargeId: v.chargeId, instance: v.instance as Instance, outcome: v.outcome as VerdictOutcome, decidedOn: v.decidedOn, terminationGround: v.terminationGround, createdAt: v.createdAt.getTime(),
});

/** The convicted parts of a defendant on a day (the latest decision on each charge on or before it). */
async function convictedPartsOn(tx: Tx, profile: JusticeProfile, verdicts: readonly Parameters<typeof verdictInput>[0][], day: string) {
  const latest = latestVerdicts(verdicts.filter((v) => v.decidedOn <= day).map(verdictInput));
  const ids = [...latest.values()].filter((v) => v.outcome === 'convicted').map((v) => v.chargeId);
  if (ids.length === 0) return null;
  const charges = await tx.selectFrom('criminalCharges').select('article').where('id', 'in', ids).execute();
  return partsOf(profile, charges.map((c) => c.article));
}

type SentenceRow = Awaited<ReturnType<typeof cr.sentencesOf>>[number];
const sentenceInput = (s: Pick<SentenceRow, 'type' | 'termMonths' | 'fineAmount' | 'suspended' | 'deferred' | 'deferralGround' | 'belowMinimumGround' | 'mitigating'>): SentenceInput => ({
  type: s.type as SentenceType,
  termMonths: s.termMonths,
  fineAmount: typeof s.fineAmount === 'string' ? Number(s.fineAmount) : s.fineAmount,
  suspended: s.suspended,
  deferred: s.deferred,
  deferralGround: s.deferralGround as DeferralGround | null,
  // What the court said: a recorded ground of going below the minimum.
  belowMinimum: s.belowMinimumGround !== null,
  belowMinimumGround: s.belowMinimumGround,
  mitigating: s.mitigating,
});

/**
 * After a change to a defendant's charges or verdicts: every sentence must still rest on a conviction
 * (400 naming `field` otherwise), and its below-minimum mark and review flag are judged again against
 * the convicted parts. Returns how many sentences changed.
 */
async function reassessSentences(tx: Tx, profile: JusticeProfile, d: { id: string; sex: string }, field: string): Promise<number> {
  const [sentences, verdicts] = await Promise.all([cr.sentencesOf(tx, d.id), cr.verdictsOf(tx, d.id)]);
  let changed = 0;
  for (const s of sentences) {
    const parts = await convictedPartsOn(tx, profile, verdicts, s.imposedOn);
    if (!parts) throw invalid(field, `the sentence of ${s.imposedOn} rests on a conviction this change would take away; correct the sentence first`);
    const input = sentenceInput(s);
    const flag = reviewFlag(input, parts, d.sex);
    const below = isBelowMinimum(input, parts);
    if (flag !== s.reviewFlag || below !== s.belowMinimum) {
      await tx.updateTable('criminalSentences').set({ reviewFlag: flag, belowMinimum: below }).where('id', '=', s.id).execute();
      changed++;
    }
  }
  return changed;
}

/** Each sentence of a defendant is replaced by the next one imposed (by day, then instance): `superseded_by` again after a change of day. */
async function rechainSentences(tx: Tx, defendantId: string) {
  const all = (await cr.sentencesOf(tx, defendantId)).sort(
    (a, b) => a.imposedOn.localeCompare(b.imposedOn) || INSTANCE_ORDER[a.instance as Instance] - INSTANCE_ORDER[b.instance as Instance] || a.createdAt.getTime() - b.createdAt.getTime(),
  );
  // Cleared first: the self-reference would otherwise point at a row about to change.
  await tx.updateTable('criminalSentences').set({ supersededBy: null }).where('defendantId', '=', defendantId).execute();
  for (const [i, s] of all.entries()) {
    const next = all[i + 1];
    if (next) await tx.updateTable('criminalSentences').set({ supersededBy: next.id }).where('id', '=', s.id).execute();
  }
}

const eventFields = (e: { occurredOn: string; ground: string | null; appealBy: string | null; documentNumber: string | null }) => ({
  occurredOn: e.occurredOn, ground: e.ground, appealBy: e.appealBy, documentNumber: e.documentNumber,
});

// ------------------------------------------------------------------------------------------------
// Procedural events

async function correctableEvent(tx: Tx, caseId: string, eventId: string) {
  const e = await cr.findEvent(tx, caseId, eventId);
  if (!e) throw notFound('Procedural event');
  const through = THROUGH[e.type];
  if (through) throw invalid('eventId', `a ${e.type.replaceAll('_', ' ')} event is corrected through ${through}`);
  return e;
}

export async function correctEvent(db: Db | Tx, p: Principal, actor: AuditActor, id: string, eventId: string, body: z.infer<typeof CorrectEventBody>) {
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const e = await correctableEvent(tx, id, eventId);
    if (body.ground !== undefined && e.type !== 'terminated') throw invalid('ground', 'only for a termination');
    if (body.appealBy !== undefined && e.type !== 'appeal_lodged') throw invalid('appealBy', 'only for an appeal lodged');
    const after = {
      ...e,
      occurredOn: body.occurredOn ?? e.occurredOn,
      ground: body.ground ?? e.ground,
      appealBy: body.appealBy ?? e.appealBy,
      documentNumber: body.documentNumber === undefined ? e.documentNumber : body.documentNumber,
    };
    const today = await countryToday(tx);
    checkNotFuture(after.occurredOn, today, 'occurredOn');
    const events = (await repo.eventsQuery(tx, id).execute()).map((x) => (x.id === e.id ? after : x));
    checkWholeOrder(c.openedOn, today, events, e.id, 'occurredOn');
    await tx.updateTable('criminalCaseEvents').set(eventFields(after)).where('id', '=', e.id).execute();
    await settleStatus(tx, id, events);
    await refreshFacts(tx, id);
    const changes = diff(eventFields(e), eventFields(after));
    return {
      result: { ok: true as const },
      audit: { action: 'criminal_case.event_corrected', recordType: 'investigation', recordId: id, changes: { eventId: e.id, type: e.type, defendantId: e.defendantId, ...changes } },
    };
  });
}

export async function withdrawEvent(db: Db | Tx, p: Principal, actor: AuditActor, id: string, eventId: string, body: z.infer<typeof WithdrawEventBody>) {
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const e = await correctableEvent(tx, id, eventId);
    const today = await countryToday(tx);
    const events = (await repo.eventsQuery(tx, id).execute()).filter((x) => x.id !== e.id);
    checkWholeOrder(c.openedOn, today, events, null, 'eventId');
    await tx.updateTable('criminalCaseEvents').set({ withdrawnAt: new Date(), withdrawnBy: p.userId, withdrawalReason: body.reason }).where('id', '=', e.id).execute();
    await settleStatus(tx, id, events);
    await refreshFacts(tx, id);
    return {
      result: { ok: true as const },
      audit: {
        action: 'criminal_case.event_withdrawn',
        recordType: 'investigation',
        recordId: id,
        changes: { eventId: e.id, type: e.type, occurredOn: e.occurredOn, defendantId: e.defendantId, withdrawalReason: body.reason },
      },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Charges, verdicts, sentences

export async function correctCharge(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, chargeId: string, body: z.infer<typeof CorrectChargeBody>) {
  const profile = await loadJusticeProfile(db);
  if (body.article !== undefined && !statutePart(profile, body.article)) throw invalid('article', `${body.article} is not in the country profile's statute list`);
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    const ch = await cr.findCharge(tx, d.id, chargeId);
    if (!ch) throw notFound('Charge');
    const after = { article: body.article ?? ch.article, broughtOn: body.broughtOn ?? ch.broughtOn };
    if (after.broughtOn !== ch.broughtOn) {
      if (ch.reclassifiedFromChargeId) throw invalid('broughtOn', 'the day of the decision that reclassified it: correct that verdict instead');
      const today = await countryToday(tx);
      checkNotFuture(after.broughtOn, today, 'broughtOn');
      const decided = (await cr.verdictsOf(tx, d.id)).filter((v) => v.chargeId === ch.id).sort((a, b) => a.decidedOn.localeCompare(b.decidedOn))[0];
      if (decided && decided.decidedOn < after.broughtOn) throw invalid('broughtOn', `after the decision on it (${decided.decidedOn})`);
      // The charge's `charged` event moves with it.
      const events = await repo.eventsQuery(tx, id).execute();
      const own = events.find((e) => e.type === 'charged' && e.defendantId === d.id && e.occurredOn === ch.broughtOn);
      const moved = events.map((e) => (e.id === own?.id ? { ...e, occurredOn: after.broughtOn } : e));
      checkWholeOrder(c.openedOn, today, moved, own?.id ?? null, 'broughtOn');
      if (own) await tx.updateTable('criminalCaseEvents').set({ occurredOn: after.broughtOn }).where('id', '=', own.id).execute();
    }
    await tx.updateTable('criminalCharges').set(after).where('id', '=', ch.id).execute();
    // A charge made by a reclassification: the reclassifying decision names its article.
    if (ch.reclassifiedFromChargeId && after.article !== ch.article)
      await tx.updateTable('criminalVerdicts').set({ reclassifiedTo: after.article }).where('chargeId', '=', ch.reclassifiedFromChargeId).where('outcome', '=', 'reclassified').execute();
    const sentences = await reassessSentences(tx, profile, d, 'article');
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    await refreshFacts(tx, id, [d.id]);
    return {
      result: { ok: true as const },
      audit: {
        action: 'criminal_case.charge_corrected',
        recordType: 'investigation',
        recordId: id,
        changes: { defendantId: d.id, chargeId: ch.id, ...diff({ article: ch.article, broughtOn: ch.broughtOn }, after), sentencesReassessed: sentences },
      },
    };
  });
}

export async function correctVerdict(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, verdictId: string, body: z.infer<typeof CorrectVerdictBody>) {
  const profile = await loadJusticeProfile(db);
  return audited(db, actor, async (tx) => {
    const c = await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    const v = await cr.findVerdict(tx, d.id, verdictId);
    if (!v) throw notFound('Verdict');
    if (v.outcome === 'reclassified') throw invalid('outcome', 'a reclassification made a new charge and is not corrected here; decide on the new charge instead');
    const outcome = body.outcome ?? v.outcome;
    const terminationGround = outcome === 'terminated' ? (body.terminationGround !== undefined ? body.terminationGround : v.terminationGround) : null;
    if (outcome === 'terminated' && !terminationGround) throw invalid('terminationGround', 'required when terminated');
    if (outcome !== 'terminated' && body.terminationGround) throw invalid('terminationGround', 'only when terminated');
    const decidedOn = body.decidedOn ?? v.decidedOn;
    const today = await countryToday(tx);
    const all = await cr.verdictsOf(tx, d.id);
    // One decision (a defendant, an instance, a day) covers several charges: its day is corrected for all of them, with its event.
    const decision = all.filter((x) => x.instance === v.instance && x.decidedOn === v.decidedOn);
    if (decidedOn !== v.decidedOn) {
      checkNotFuture(decidedOn, today, 'decidedOn');
      const charges = await tx.selectFrom('criminalCharges').select(['id', 'broughtOn']).where('defendantId', '=', d.id).execute();
      for (const x of decision) {
        const brought = charges.find((ch) => ch.id === x.chargeId)!.broughtOn;
        if (brought > decidedOn) throw invalid('decidedOn', `before the charge was brought (${brought})`);
        // Instances in order on each charge: a first-instance verdict before its appeal, an appeal after it.
        const clash = all.find((o) => o.chargeId === x.chargeId && o.id !== x.id && (INSTANCE_ORDER[o.instance as Instance] > INSTANCE_ORDER[x.instance as Instance] ? o.decidedOn < decidedOn : INSTANCE_ORDER[o.instance as Instance] < INSTANCE_ORDER[x.instance as Instance] && o.decidedOn > decidedOn));
        if (clash) throw invalid('decidedOn', `out of order with the ${clash.instance} decision of ${clash.decidedOn}`);
      }
      const events = await repo.eventsQuery(tx, id).execute();
      const own = events.find((e) => e.type === VERDICT_EVENT[v.instance as Instance] && e.defendantId === d.id && e.occurredOn === v.decidedOn);
      const moved = events.map((e) => (e.id === own?.id ? { ...e, occurredOn: decidedOn } : e));
      checkWholeOrder(c.openedOn, today, moved, own?.id ?? null, 'decidedOn');
      if (own) await tx.updateTable('criminalCaseEvents').set({ occurredOn: decidedOn }).where('id', '=', own.id).execute();
      await tx.updateTable('criminalVerdicts').set({ decidedOn }).where('id', 'in', decision.map((x) => x.id)).execute();
      await settleStatus(tx, id, moved);
    }
    await tx.updateTable('criminalVerdicts').set({ outcome, terminationGround }).where('id', '=', v.id).execute();
    // Each charge of the decision ends as its latest decision says (as when recorded).
    const now = await cr.verdictsOf(tx, d.id);
    for (const chargeId of new Set(decision.map((x) => x.chargeId))) {
      const latest = latestVerdicts(now.filter((x) => x.chargeId === chargeId).map(verdictInput)).get(chargeId)!;
      const returned = latest.outcome === 'returned';
      await tx
        .updateTable('criminalCharges')
        .set({ outcome: returned ? null : latest.outcome, outcomeOn: returned ? null : latest.decidedOn, outcomeInstance: returned ? null : latest.instance, terminationGround: latest.terminationGround })
        .where('id', '=', chargeId)
        .execute();
    }
    const sentences = await reassessSentences(tx, profile, d, 'outcome');
    // Every sentence still needs a decision of its instance on or before it.
    for (const s of await cr.sentencesOf(tx, d.id))
      if (!now.some((x) => x.instance === s.instance && x.decidedOn <= s.imposedOn)) throw invalid('decidedOn', `the ${s.instance}-instance sentence of ${s.imposedOn} would come before its verdict`);
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    await refreshFacts(tx, id, [d.id]);
    return {
      result: { ok: true as const },
      audit: {
        action: 'criminal_case.verdict_corrected',
        recordType: 'investigation',
        recordId: id,
        changes: {
          defendantId: d.id, verdictId: v.id, chargeId: v.chargeId, instance: v.instance,
          ...diff({ outcome: v.outcome, decidedOn: v.decidedOn, terminationGround: v.terminationGround }, { outcome, decidedOn, terminationGround }),
          sentencesReassessed: sentences,
        },
      },
    };
  });
}

const sentenceFields = (s: SentenceRow) => ({
  instance: s.instance as Instance,
  imposedOn: s.imposedOn,
  type: s.type as SentenceType,
  termMonths: s.termMonths,
  fineAmount: num(s.fineAmount),
  suspended: s.suspended,
  probationMonths: s.probationMonths,
  deferred: s.deferred,
  deferralGround: s.deferralGround as DeferralGround | null,
  deferredUntil: s.deferredUntil,
  belowMinimum: false,
  belowMinimumGround: s.belowMinimumGround,
  mitigating: s.mitigating as z.infer<typeof CorrectSentenceBody>['mitigating'] & string[],
  confiscation: s.confiscation,
  deprivationOfRights: s.deprivationOfRights,
  releasedOn: s.releasedOn,
  releaseBasis: s.releaseBasis as z.infer<typeof CorrectSentenceBody>['releaseBasis'],
  releaseAct: s.releaseAct,
});

export async function correctSentence(db: Db | Tx, p: Principal, actor: AuditActor, id: string, defendantId: string, sentenceId: string, body: z.infer<typeof CorrectSentenceBody>) {
  const profile = await loadJusticeProfile(db);
  return audited(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    const d = (await defendantOf(tx, id, defendantId))!;
    const s = await cr.findSentence(tx, d.id, sentenceId);
    if (!s) throw notFound('Sentence');
    const before = sentenceFields(s);
    const after = { ...before };
    for (const [k, val] of Object.entries(body)) if (val !== undefined) (after as Record<string, unknown>)[k] = val;
    checkSentenceShape(after);
    const today = await countryToday(tx);
    checkNotFuture(after.imposedOn, today, 'imposedOn');
    checkNotFuture(after.releasedOn, today, 'releasedOn');
    const verdicts = await cr.verdictsOf(tx, d.id);
    const parts = await convictedPartsOn(tx, profile, verdicts, after.imposedOn);
    if (!parts) throw invalid('imposedOn', 'the defendant is not convicted on any charge on or before this day: no sentence');
    if (!verdicts.some((v) => v.instance === after.instance && v.decidedOn <= after.imposedOn)) throw invalid('instance', `no ${after.instance}-instance verdict for this defendant on or before imposedOn`);
    const input = sentenceInput({ ...after, fineAmount: after.fineAmount === null ? null : String(after.fineAmount) });
    const flag = reviewFlag(input, parts, d.sex);
    const { belowMinimum: _court, ...row } = after;
    await tx
      .updateTable('criminalSentences')
      // The court's words about going below the minimum are sealed to the sentence, never stored plain (migration 0114).
      .set({
        ...row,
        belowMinimumGround: null,
        belowMinimumGroundEnc: repo.sealBelowMinimumGround(s.id, row.belowMinimumGround ?? null),
        fineAmount: after.fineAmount === null ? null : String(after.fineAmount),
        belowMinimum: isBelowMinimum(input, parts),
        band: sentenceBand(input),
        reviewFlag: flag,
      })
      .where('id', '=', s.id)
      .execute();
    if (after.imposedOn !== before.imposedOn || after.instance !== before.instance) await rechainSentences(tx, d.id);
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    // The defendant's facts keep the latest sentence for the figures' monthly sums (migration 0112).
    await refreshFacts(tx, id, [d.id]);
    const { belowMinimum: _b, ...beforeFields } = before;
    return {
      result: { ok: true as const, band: sentenceBand(input), reviewFlag: flag },
      audit: {
        action: 'criminal_case.sentence_corrected',
        recordType: 'investigation',
        recordId: id,
        flagged: flag !== null,
        changes: { defendantId: d.id, sentenceId: s.id, ...diff(beforeFields, row), reviewFlag: flag },
      },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Victims in the proceedings, cooperation requests

export async function updateVictim(db: Db | Tx, p: Principal, actor: AuditActor, id: string, victimId: string, body: z.infer<typeof UpdateVictimBody>) {
  return audited(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    const v = await cr.findVictim(tx, id, victimId);
    if (!v) throw notFound('Victim');
    const fields = (x: { testified: boolean; protectionMeasures: string[]; compensationClaimed: number | null; compensationOrdered: number | null; compensationPaid: number | null; nonPunishment: boolean }) => x;
    const before = fields({ ...v, compensationClaimed: num(v.compensationClaimed), compensationOrdered: num(v.compensationOrdered), compensationPaid: num(v.compensationPaid) });
    const after = { ...before };
    for (const [k, val] of Object.entries(body)) if (val !== undefined) (after as Record<string, unknown>)[k] = val;
    if (after.compensationPaid !== null && after.compensationOrdered === null) throw invalid('compensationOrdered', 'record the amount ordered before the amount paid');
    const money = (n: number | null) => (n === null ? null : String(n));
    await tx
      .updateTable('criminalCaseVictims')
      .set({ ...after, compensationClaimed: money(after.compensationClaimed), compensationOrdered: money(after.compensationOrdered), compensationPaid: money(after.compensationPaid) })
      .where('id', '=', v.id)
      .execute();
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    return { result: { ok: true as const }, audit: { action: 'criminal_case.victim_updated', recordType: 'investigation', recordId: id, changes: { victimId: v.id, ...diff(before, after) } } };
  });
}

export async function updateCooperation(db: Db | Tx, p: Principal, actor: AuditActor, id: string, requestId: string, body: z.infer<typeof UpdateCooperationBody>) {
  return audited(db, actor, async (tx) => {
    await lockForWrite(tx, p, id);
    const r = await cr.findCooperation(tx, id, requestId);
    if (!r) throw notFound('Cooperation request');
    const after = { outcome: body.outcome ?? r.outcome, outcomeOn: body.outcomeOn === undefined ? r.outcomeOn : body.outcomeOn };
    if (after.outcome === 'pending') after.outcomeOn = body.outcomeOn ?? null;
    if (after.outcomeOn && after.outcome === 'pending') throw invalid('outcomeOn', 'only with an outcome');
    if (after.outcomeOn && after.outcomeOn < r.requestedOn) throw invalid('outcomeOn', `before the request (${r.requestedOn})`);
    checkNotFuture(after.outcomeOn, await countryToday(tx), 'outcomeOn');
    await tx.updateTable('criminalCooperationRequests').set(after).where('id', '=', r.id).execute();
    await tx.updateTable('criminalCases').set({ updatedAt: new Date() }).where('id', '=', id).execute();
    return {
      result: { ok: true as const },
      audit: { action: 'criminal_case.cooperation_updated', recordType: 'investigation', recordId: id, changes: { requestId: r.id, kind: r.kind, ...diff({ outcome: r.outcome, outcomeOn: r.outcomeOn }, after) } },
    };
  });
}

// ------------------------------------------------------------------------------------------------
// The NRM case's criminal cases

/** The criminal cases about an NRM case, for one who may read that NRM case: only those they may read too. */
export async function criminalCasesOfNrmCase(db: DbOrTx, p: Principal, nrmCaseId: string): Promise<z.infer<typeof LinkedCriminalCase>[]> {
  const facts = UUID.test(nrmCaseId) ? await loadRecordFacts(db, CASES, nrmCaseId) : undefined;
  if (!facts || !decide(p, 'read', CASES, facts).allowed) throw notFound('Case');
  return (await cr.criminalCasesOfNrmCase(db, p, nrmCaseId)).map((r) => ({ ...r, status: r.status as CriminalCaseStatus }));
}
