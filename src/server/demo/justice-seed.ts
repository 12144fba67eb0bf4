import crypto from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import type { Principal } from '../access/principal.ts';
import type { Permission, Role } from '../../shared/roles.ts';
import { statutePart, AZERBAIJAN_JUSTICE_PROFILE as AZ } from '../../domain/justice-profile.ts';
import { toNewName } from '../modules/people/service.ts';
import { insertNames, nameKeyTokens, type NewName } from '../modules/people/repository.ts';
import { defendantFacts, isBelowMinimum, partsOf, reviewFlag, sentenceBand, type VerdictInput } from '../modules/justice/counting.ts';
import { CRIMINAL_CASE_SECTIONS } from '../modules/justice/policy.ts';
import { sealBelowMinimumGround, sealPlaces } from '../modules/justice/repository.ts';
import type { DeferralGround, SentenceType } from '../../shared/justice.ts';

/**
 * The criminal-justice demo: synthetic criminal cases from 2005 to today with the patterns an analyst
 * looks for. Labour trafficking is rarer than sex trafficking; many women's sentences are suspended
 * or deferred for a young child (2019 nearly all suspended, as the TIP Report said; 2023 all
 * imprisoned); one appeal raises a sentence; one case of a police officer's complicity; a few
 * acquittals and terminations; a sentence below the minimum without a ground (flagged). Every name
 * is invented and starts with "DEMO". Recent cases are linked to NRM demo cases when there are any.
 * Written straight to the tables (fast enough for every demo start), the facts of the figures with
 * the same counting functions as the API; runs once (nothing is added when any criminal case exists).
 */

/** A small seeded generator: the demo is the same on every start. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN_F = ['Aynur', 'Gülnar', 'Səbinə', 'Lalə', 'Nərgiz', 'Sevda', 'Zərifə', 'Könül'];
const GIVEN_M = ['Rauf', 'Elçin', 'Tural', 'Kamran', 'Vüqar', 'Anar', 'Fuad', 'Ramil', 'Orxan', 'Samir'];
const FAMILY = ['Məmmədov', 'Əliyev', 'Hüseynov', 'Quliyev', 'Həsənov', 'İsmayılov', 'Babayev', 'Kərimov', 'Rəhimov', 'Nəsirov'];
const PLACES = ['Baku', 'Sumgait', 'Ganja', 'Lankaran', 'Mingachevir', 'Shaki', 'Guba'];

const day = (y: number, dayOfYear: number) => new Date(Date.UTC(y, 0, 1) + dayOfYear * 86_400_000).toISOString().slice(0, 10);
const plus = (d: string, days: number) => new Date(new Date(`${d}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

async function principalOf(tx: Tx, email: string): Promise<Principal | null> {
  const u = await tx
    .selectFrom('users as u')
    .innerJoin('userRoles as ur', 'ur.userId', 'u.id')
    .innerJoin('roles as r', 'r.code', 'ur.roleCode')
    .select(['u.id', 'u.agencyId', 'u.email', 'r.code', 'r.permissions'])
    .where(sql`lower(u.email)`, '=', email)
    .execute();
  if (u.length === 0) return null;
  return {
    userId: u[0]!.id,
    agencyId: u[0]!.agencyId,
    email: u[0]!.email,
    roles: u.map((r) => r.code as Role),
    permissions: new Set(u.flatMap((r) => r.permissions) as Permission[]),
    via: 'session',
    sessionId: null,
    tokenId: null,
  };
}

type Plan = {
  openedOn: string;
  form: 'sexual_exploitation' | 'forced_labour';
  article: string;
  complicity: boolean;
  /** Days from the opening to the first-instance verdict. */
  decidedAfter: number;
  defendants: { sex: 'female' | 'male'; official: boolean; fate: 'convicted' | 'acquitted' | 'terminated' | 'pending'; sentence?: { type: SentenceType; term: number | null; fine?: number; suspended?: boolean; deferred?: DeferralGround; belowGround?: string } }[];
  appeal?: boolean;
};

/** The plan of every demo case, year by year: more cases as the years go, labour about one in four. */
export function justicePlans(today: string): Plan[] {
  const rnd = prng(144_1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const lastYear = Number(today.slice(0, 4));
  const plans: Plan[] = [];
  for (let y = 2005; y <= lastYear; y++) {
    const count = 3 + Math.floor((y - 2005) / 3) + Math.floor(rnd() * 3);
    for (let i = 0; i < count; i++) {
      const openedOn = day(y, Math.floor(rnd() * 330));
      if (openedOn > today) continue;
      const labour = rnd() < 0.22 && y >= 2008;
      const article = labour ? '144-2.1' : pick(['144-1.1', '144-1.1', '144-1.2.3', '144-1.2.5', '144-1.2.4-1']);
      const n = 1 + Math.floor(rnd() * 3);
      const age = (lastYear - y) * 365;
      const decidedAfter = 250 + Math.floor(rnd() * 60);
      // The sentencing practice of the year of the verdict (TIP: 2019 nearly all suspended, 2023 none).
      const verdictYear = Number(plus(openedOn, decidedAfter).slice(0, 4));
      const defendants: Plan['defendants'] = [];
      for (let k = 0; k < n; k++) {
        const sex = labour ? (rnd() < 0.2 ? 'female' : 'male') : rnd() < 0.55 ? 'female' : 'male';
        // Recent cases are still in investigation or in court.
        const fate = age < 200 ? 'pending' : rnd() < 0.08 ? 'terminated' : rnd() < 0.1 ? 'acquitted' : age < 400 && rnd() < 0.5 ? 'pending' : 'convicted';
        let sentence: Plan['defendants'][number]['sentence'];
        if (fate === 'convicted') {
          const part = statutePart(AZ, article)!;
          const min = part.minMonths ?? 24;
          const suspendedYear = verdictYear === 2019 ? 0.9 : verdictYear === 2023 ? 0 : sex === 'female' ? 0.45 : 0.12;
          if (labour && rnd() < 0.3) sentence = { type: 'fine', term: null, fine: 2000 + Math.floor(rnd() * 8) * 500 };
          else if (rnd() < suspendedYear)
            sentence = sex === 'female' && rnd() < 0.6 ? { type: 'imprisonment', term: min, deferred: rnd() < 0.15 ? 'pregnancy' : 'child_under_age' } : { type: 'imprisonment', term: min, suspended: true };
          else if (rnd() < 0.1) sentence = { type: 'imprisonment', term: Math.max(12, min - 24), belowGround: rnd() < 0.6 ? 'art. 62: cooperation with the investigation' : undefined };
          else sentence = { type: 'imprisonment', term: min + Math.floor(rnd() * 5) * 6 };
        }
        defendants.push({ sex, official: false, fate, ...(sentence ? { sentence } : {}) });
      }
      plans.push({ openedOn, form: labour ? 'forced_labour' : 'sexual_exploitation', article, complicity: false, decidedAfter, defendants });
    }
  }
  // A complicity case: a police officer recruited and protected the exploiters (convicted, 144-1.2.6).
  plans.push({
    openedOn: `${Math.min(2021, lastYear - 1)}-03-15`,
    form: 'sexual_exploitation',
    article: '144-1.2.6',
    complicity: true,
    decidedAfter: 280,
    defendants: [
      { sex: 'male', official: true, fate: 'convicted', sentence: { type: 'imprisonment', term: 108 } },
      { sex: 'female', official: false, fate: 'convicted', sentence: { type: 'imprisonment', term: 96, deferred: 'child_under_age' } },
    ],
  });
  // An appeal that raises a sentence: first instance suspended, the prosecutor appeals, the appeal court imprisons.
  plans.push({
    openedOn: `${Math.min(2022, lastYear - 1)}-02-01`,
    form: 'sexual_exploitation',
    article: '144-1.2.3',
    complicity: false,
    decidedAfter: 260,
    appeal: true,
    defendants: [{ sex: 'male', official: false, fate: 'convicted', sentence: { type: 'imprisonment', term: 96, suspended: true } }],
  });
  return plans;
}

export async function seedJusticeDemo(tx: Tx, today: string): Promise<void> {
  if (await tx.selectFrom('criminalCases').select('id').limit(1).executeTakeFirst()) return;
  const investigator = await principalOf(tx, 'investigator@demo.pathway.local');
  if (!investigator) return;
  const by = investigator.userId;
  const agencies = await tx.selectFrom('agencies').select(['id', 'type']).where('isDemo', '=', true).where('type', 'in', ['prosecution', 'court']).execute();
  const grantees = agencies.filter((a) => a.type === 'prosecution' || a.type === 'court').map((a) => a.id);
  const nrmCases = await tx
    .selectFrom('cases as c')
    .innerJoin('casePeople as cp', 'cp.caseId', 'c.id')
    .innerJoin('people as p', 'p.id', 'cp.personId')
    .select(['c.id', 'cp.personId', 'p.sex', 'p.citizenship'])
    .where('cp.role', '=', 'victim')
    .orderBy('c.createdAt', 'desc')
    .limit(10)
    .execute();
  const rnd = prng(7);
  const plans = justicePlans(today);
  // Every row is built here and written in a few multi-row inserts: the demo starts in a moment.
  const rows = {
    cases: [] as Insertable<Database['criminalCases']>[],
    grants: [] as Insertable<Database['accessGrants']>[],
    links: [] as Insertable<Database['criminalCaseNrmLinks']>[],
    victims: [] as Insertable<Database['criminalCaseVictims']>[],
    people: [] as Insertable<Database['people']>[],
    names: [] as { personId: string; name: NewName }[],
    defendants: [] as Insertable<Database['criminalDefendants']>[],
    charges: [] as Insertable<Database['criminalCharges']>[],
    verdicts: [] as Insertable<Database['criminalVerdicts']>[],
    sentences: [] as Insertable<Database['criminalSentences']>[],
    events: [] as Insertable<Database['criminalCaseEvents']>[],
    facts: [] as { defendantId: string; caseId: string; facts: ReturnType<typeof defendantFacts> }[],
  };
  for (const [i, plan] of plans.entries()) {
    const seq = i + 1;
    const year = plan.openedOn.slice(0, 4);
    const caseId = crypto.randomUUID();
    let status = 'investigation';
    const caseEvents: Insertable<Database['criminalCaseEvents']>[] = [{ criminalCaseId: caseId, defendantId: null, type: 'opened', occurredOn: plan.openedOn, recordedBy: by }];
    for (const g of grantees) rows.grants.push({ recordType: 'investigation', recordId: caseId, granteeAgencyId: g, sections: [...CRIMINAL_CASE_SECTIONS], kind: 'share', grantedBy: by });
    // The latest cases are about NRM demo victims, when the NRM demo has any.
    const nrmIndex = plans.length - 3 - i;
    const nrm = nrmIndex >= 0 ? nrmCases[nrmIndex] : undefined;
    if (nrm) {
      rows.links.push({ criminalCaseId: caseId, nrmCaseId: nrm.id, linkedBy: by });
      rows.victims.push({ criminalCaseId: caseId, nrmCaseId: nrm.id, personId: nrm.personId, pseudonym: `V-D${seq}`, sex: nrm.sex, ageGroup: 'unknown', nationality: nrm.citizenship, testified: true, addedBy: by });
    } else {
      const victims = 1 + Math.floor(rnd() * 3);
      for (let v = 0; v < victims; v++)
        rows.victims.push({
          criminalCaseId: caseId, pseudonym: `V-D${seq}-${v + 1}`, sex: plan.form === 'forced_labour' && rnd() < 0.6 ? 'male' : 'female', ageGroup: plan.article === '144-1.2.3' ? 'child' : 'adult',
          nationality: rnd() < 0.8 ? 'AZE' : 'UZB', testified: rnd() < 0.7, compensationOrdered: rnd() < 0.2 ? 3000 : null, addedBy: by,
        });
    }
    for (const [k, d] of plan.defendants.entries()) {
      const female = d.sex === 'female';
      const personId = crypto.randomUUID();
      const name = toNewName({ givenName: `DEMO ${(female ? GIVEN_F : GIVEN_M)[(seq + k) % (female ? GIVEN_F.length : GIVEN_M.length)]}`, familyName: `${FAMILY[(seq * 3 + k) % FAMILY.length]}${female ? 'a' : ''}` }, 'primary');
      const birthYear = Number(year) - 25 - Math.floor(rnd() * 25);
      rows.people.push({ id: personId, ownerAgencyId: investigator.agencyId, createdBy: by, sex: d.sex, birthYear, citizenship: 'AZE', languages: [], nameKeys: nameKeyTokens(name.keys) });
      rows.names.push({ personId, name });
      const defendantId = crypto.randomUUID();
      rows.defendants.push({
        id: defendantId, criminalCaseId: caseId, personId, role: k === 0 ? 'recruiter' : k === 1 ? 'exploiter' : 'transporter', relation: rnd() < 0.4 ? 'acquaintance' : 'stranger',
        isOfficial: d.official, officialAgencyType: d.official ? 'police' : null, sex: d.sex, birthYear, citizenship: 'AZE', pseudonym: `D-D${seq}${k + 1}`, addedBy: by,
      });
      const charged = plus(plan.openedOn, 10 + k);
      const indicted = plus(plan.openedOn, 110);
      const decided = plus(plan.openedOn, plan.decidedAfter + k);
      const own: Insertable<Database['criminalCaseEvents']>[] = [];
      const ev = (type: string, occurredOn: string, more: Partial<Insertable<Database['criminalCaseEvents']>> = {}) => own.push({ criminalCaseId: caseId, defendantId, type, occurredOn, recordedBy: by, ...more });
      ev('suspect_identified', plan.openedOn);
      ev('charged', charged);
      const chargeId = crypto.randomUUID();
      const charge: Insertable<Database['criminalCharges']> = { id: chargeId, criminalCaseId: caseId, defendantId, article: plan.article, broughtOn: charged, recordedBy: by };
      const verdicts: VerdictInput[] = [];
      if (d.fate === 'terminated') {
        ev('terminated', plus(plan.openedOn, 90), { ground: rnd() < 0.5 ? 'no_evidence' : 'no_crime' });
        Object.assign(charge, { outcome: 'terminated', outcomeOn: plus(plan.openedOn, 90), outcomeInstance: 'first', terminationGround: 'no_evidence' });
      } else if ((d.fate !== 'pending' || rnd() < 0.5) && indicted <= today) {
        ev('indicted', indicted);
        status = 'in_court';
      }
      if ((d.fate === 'convicted' || d.fate === 'acquitted') && decided <= today) {
        ev('verdict', decided);
        verdicts.push({ chargeId, instance: 'first', outcome: d.fate, decidedOn: decided, terminationGround: null });
        status = 'decided';
        if (d.sentence) {
          const s = d.sentence;
          const input = { type: s.type, termMonths: s.term, fineAmount: s.fine ?? null, suspended: s.suspended ?? false, deferred: Boolean(s.deferred), deferralGround: s.deferred ?? null, belowMinimum: false, belowMinimumGround: s.belowGround ?? null, mitigating: s.deferred === 'child_under_age' ? ['minor_child'] : [] };
          const parts = partsOf(AZ, [plan.article]);
          const firstId = crypto.randomUUID();
          const first: Insertable<Database['criminalSentences']> = {
            id: firstId, defendantId, instance: 'first', imposedOn: decided, type: s.type, termMonths: s.term, fineAmount: s.fine ?? null, suspended: input.suspended, probationMonths: input.suspended ? 36 : null,
            deferred: input.deferred, deferralGround: input.deferralGround, deferredUntil: input.deferred ? plus(decided, 365 * 6) : null, belowMinimum: isBelowMinimum(input, parts),
            belowMinimumGroundEnc: sealBelowMinimumGround(firstId, input.belowMinimumGround), mitigating: input.mitigating, band: sentenceBand(input), reviewFlag: reviewFlag(input, parts, d.sex), recordedBy: by,
          };
          const appealOn = plus(decided, 120);
          if (plan.appeal && appealOn <= today) {
            ev('appeal_lodged', plus(decided, 20), { appealBy: 'prosecutor' });
            ev('appeal_decided', appealOn, { appealResult: 'increased' });
            verdicts.push({ chargeId, instance: 'appeal', outcome: 'convicted', decidedOn: appealOn, terminationGround: null });
            const secondId = crypto.randomUUID();
            const raised = { ...input, suspended: false };
            first.supersededBy = secondId;
            rows.sentences.push(first, { id: secondId, defendantId, instance: 'appeal', imposedOn: appealOn, type: 'imprisonment', termMonths: s.term, suspended: false, belowMinimum: false, mitigating: [], band: sentenceBand(raised), reviewFlag: null, recordedBy: by });
          } else rows.sentences.push(first);
        }
        if (plus(decided, 200) <= today) {
          ev('final', plus(decided, plan.appeal ? 200 : 40));
          status = 'final';
        }
      }
      for (const v of verdicts) rows.verdicts.push({ chargeId: v.chargeId, defendantId, instance: v.instance, outcome: v.outcome, decidedOn: v.decidedOn, terminationGround: null, recordedBy: by });
      const last = verdicts.at(-1);
      if (last) Object.assign(charge, { outcome: last.outcome, outcomeOn: last.decidedOn, outcomeInstance: last.instance });
      rows.charges.push(charge);
      caseEvents.push(...own);
      rows.facts.push({
        defendantId,
        caseId,
        facts: defendantFacts({
          caseOpenedOn: plan.openedOn, caseForms: [plan.form], caseArticles: [plan.article], caseComplicity: plan.complicity, sex: d.sex, isOfficial: d.official,
          charges: [{ id: chargeId, article: plan.article }], verdicts, events: own.map((e) => ({ type: e.type, occurredOn: e.occurredOn, ground: e.ground ?? null })),
        }),
      });
    }
    if (plan.defendants.every((d) => d.fate === 'terminated')) status = 'terminated';
    rows.events.push(...caseEvents);
    rows.cases.push({
      id: caseId, ownerAgencyId: investigator.agencyId, ownerUserId: by, body: 'police', caseNumber: `DEMO-${year}-${String(seq).padStart(4, '0')}`, openedOn: plan.openedOn, articles: [plan.article],
      forms: [plan.form], placesEnc: sealPlaces(caseId, [PLACES[Math.floor(rnd() * PLACES.length)]!]), transnational: plan.article === '144-1.2.4-1', officialComplicity: plan.complicity,
      complicityAgencyType: plan.complicity ? 'police' : null, status, createdBy: by,
    });
  }
  const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 500) }, (_, i) => xs.slice(i * 500, i * 500 + 500));
  for (const c of chunks(rows.cases)) await tx.insertInto('criminalCases').values(c).execute();
  for (const c of chunks(rows.grants)) await tx.insertInto('accessGrants').values(c).execute();
  for (const c of chunks(rows.links)) await tx.insertInto('criminalCaseNrmLinks').values(c).onConflict((oc) => oc.doNothing()).execute();
  for (const c of chunks(rows.victims)) await tx.insertInto('criminalCaseVictims').values(c).execute();
  for (const c of chunks(rows.people)) await tx.insertInto('people').values(c).execute();
  for (const n of rows.names) await insertNames(tx, n.personId, by, [n.name]);
  for (const c of chunks(rows.defendants)) await tx.insertInto('criminalDefendants').values(c).execute();
  // Charges and sentences point at each other's rows: the ones pointed at go first.
  for (const c of chunks(rows.charges)) await tx.insertInto('criminalCharges').values(c).execute();
  for (const c of chunks(rows.verdicts)) await tx.insertInto('criminalVerdicts').values(c).execute();
  const superseding = rows.sentences.filter((s) => s.instance !== 'first');
  for (const c of chunks(superseding)) await tx.insertInto('criminalSentences').values(c).execute();
  for (const c of chunks(rows.sentences.filter((s) => s.instance === 'first'))) await tx.insertInto('criminalSentences').values(c).execute();
  for (const c of chunks(rows.events)) await tx.insertInto('criminalCaseEvents').values(c).execute();
  const facts = rows.facts.map(({ defendantId, caseId, facts: f }) => ({
    defendantId, criminalCaseId: caseId, caseOpenedOn: f.caseOpenedOn, formGroups: [...f.formGroups], articles: f.articles, convictedArticles: f.convictedArticles, sex: f.sex, complicity: f.complicity,
    indictedOn: f.indictedOn, convictedOn: f.convictedOn, finalOn: f.finalOn, acquittedOn: f.acquittedOn, reversedOn: f.reversedOn, terminatedOn: f.terminatedOn, terminationGround: f.terminationGround,
  }));
  for (const c of chunks(facts)) await tx.insertInto('justiceDefendantFacts').values(c).execute();
  // The latest sentences and the cases' facts, which the figures count (migration 0112).
  await sql`UPDATE justice_defendant_facts f SET sentence_on = l.imposed_on, sentence = l.attrs
    FROM unnest(${sql.val(facts.map((f) => f.defendantId))}::uuid[]) d(id), LATERAL justice_sentence_on(d.id, 'infinity') l WHERE f.defendant_id = d.id`.execute(tx);
  await sql`SELECT justice_case_facts_refresh(${sql.val(rows.cases.map((c) => c.id))}::uuid[])`.execute(tx);
  await appendAudit(tx, SYSTEM_ACTOR, { action: 'demo.justice_seeded', changes: { cases: rows.cases.length, persons: rows.people.length, synthetic: rows.cases.length } });
}
