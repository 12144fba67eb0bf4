import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { insertIncident, insertOutlet, insertPerson, writeSnapshot } from '../modules/press/service.ts';
import { bumpPublicVersion } from '../modules/press/repository.ts';
import {
  ACT_OUTCOMES,
  ACT_TYPES,
  INCIDENT_CONTEXTS,
  PERPETRATOR_CATEGORIES,
  WORK_RELATIONS,
  type ActType,
  type MilestoneKind,
} from '../../shared/press.ts';
import type { CreateIncidentInput } from '../../shared/schemas/press.ts';

/**
 * The press-freedom demo: the five Azerbaijani cases of press-freedom.md from public reporting,
 * with their milestones and the public sources named there, and a generated set of incidents
 * marked synthetic so that the charts and filters have something to show. All are published.
 */

export const SYNTHETIC_COUNT = 220;

type Who = { userId: string | null; agencyId: string };

const OUTLETS = [
  { key: 'monitor', name: 'Monitor', aliases: ['Монитор'], medium: 'print' },
  { key: 'azadliq', name: 'Azadliq', aliases: ['Azadlıq', 'Азадлыг'], medium: 'print' },
  { key: 'bizimyol', name: 'Bizim Yol', aliases: ['Бизим Йол'], medium: 'print' },
  { key: 'gundelik', name: 'Gündəlik Azərbaycan', aliases: ['Gundelik Azerbaijan', 'Гюндялик Азербайджан'], medium: 'print' },
] as const;

const PERSONS = [
  { key: 'elmar', name: 'Elmar Huseynov', aliases: ['Elmar Hüseynov', 'Эльмар Гусейнов'], outlet: 'monitor', role: 'Editor-in-chief' },
  { key: 'fikret', name: 'Fikret Huseynli', aliases: ['Fikrət Hüseynli', 'Фикрет Гусейнли'], outlet: 'azadliq', role: 'Reporter' },
  { key: 'bahaddin', name: 'Bahaddin Haziyev', aliases: ['Bəhəddin Həziyev', 'Bahaddin Khaziyev', 'Бахаддин Хазиев'], outlet: 'bizimyol', role: 'Editor-in-chief' },
  { key: 'nijat', name: 'Nijat Huseynov', aliases: ['Nicat Hüseynov', 'Ниджат Гусейнов'], outlet: 'azadliq', role: 'Reporter' },
  { key: 'uzeyir', name: 'Uzeyir Jafarov', aliases: ['Üzeyir Cəfərov', 'Узеир Джафаров'], outlet: 'gundelik', role: 'Journalist' },
] as const;
type PersonKey = (typeof PERSONS)[number]['key'];

const CPJ = 'Committee to Protect Journalists';
const ECHR = 'European Court of Human Rights';

function realCases(person: (k: PersonKey) => string): CreateIncidentInput[] {
  return [
    {
      externalRef: 'DEMO-AZ-2005-HUSEYNOV',
      title: 'Killing of Elmar Huseynov',
      occurred: '2005-03-02',
      city: 'Baku',
      placeExact: 'Stairwell of his block of flats',
      context: 'home',
      alertCategory: 'physical_safety',
      narrative: 'Elmar Huseynov, editor-in-chief of the weekly Monitor, was shot dead in the stairwell of his home in Baku after threats and many lawsuits.',
      priorThreats: true,
      workRelation: 'confirmed',
      sources: [
        { kind: 'ngo_alert', title: 'Elmar Huseynov: killed journalist record', publisher: CPJ, reliability: 'high' },
        { kind: 'court_decision', title: 'Huseynova v. Azerbaijan, no. 10653/10, judgment of 13 April 2017', publisher: ECHR, publishedOn: '2017-04-13', reliability: 'high', claim: 'Violation of Article 2: the investigation was ineffective.' },
      ],
      acts: [{ personId: person('elmar'), actType: 'killing', method: 'firearm', outcome: 'killed' }],
      involvements: [{ label: 'Two Georgian citizens named as suspects', category: 'unknown', degree: 'direct_perpetrator', attribution: 'named_by_authorities', sourceIndex: 1 }],
      legalCases: [
        {
          jurisdiction: 'AZ',
          authority: 'Ministry of National Security',
          qualification: 'Murder',
          milestones: [
            { kind: 'case_opened', occurred: '2005-03-02', sourceIndex: 1 },
            { kind: 're_qualified', occurred: '2005-04-07', note: 'Act of terrorism', sourceIndex: 1 },
            { kind: 'suspect_named', occurred: '2005', note: 'Two Georgian citizens named as suspects', sourceIndex: 1 },
            { kind: 'extradition_refused', occurred: '2005-07-28', note: 'Georgia refused extradition', sourceIndex: 1 },
            { kind: 'echr_application', occurred: '2010', note: 'Application no. 10653/10', sourceIndex: 1 },
            { kind: 'echr_judgment', occurred: '2017-04-13', note: 'Violation of Article 2 (ineffective investigation)', sourceIndex: 1 },
          ],
        },
      ],
    },
    {
      externalRef: 'DEMO-AZ-2006-HUSEYNLI',
      title: 'Abduction and stabbing of Fikret Huseynli',
      occurred: '2006-03-05',
      disputed: '2006-03-06',
      dateNote: 'Attacked in the evening of 5 March 2006; some sources report 6 March.',
      city: 'Baku',
      placeExact: 'Outskirts of Baku',
      context: 'street',
      alertCategory: 'physical_safety',
      narrative: 'Fikret Huseynli, a reporter for Azadliq, was abducted near Baku, beaten, his throat cut, and left for dead, after anonymous threats.',
      priorThreats: true,
      workRelation: 'disputed',
      sources: [
        { kind: 'ngo_alert', title: 'Alert on the attack on Fikret Huseynli (March 2006)', publisher: CPJ, reliability: 'high' },
        { kind: 'official_letter', title: 'Interior Ministry statement on the attack', publisher: 'Ministry of Internal Affairs', reliability: 'medium', claim: 'The Interior Ministry said the attack did not seem related to his work (an attributed claim, not a fact).' },
      ],
      acts: [{ personId: person('fikret'), actType: 'attempted_killing', method: 'knife', outcome: 'seriously_injured' }],
      involvements: [{ label: 'Unidentified attackers', category: 'unknown', degree: 'direct_perpetrator', attribution: 'alleged_by_victim', sourceIndex: 0 }],
      legalCases: [
        { authority: 'Ministry of Internal Affairs', milestones: [{ kind: 'official_statement', occurred: '2006-03', note: 'Said not to seem work-related', sourceIndex: 1 }] },
      ],
    },
    {
      externalRef: 'DEMO-AZ-2006-HAZIYEV',
      title: 'Abduction and beating of Bahaddin Haziyev',
      occurred: '2006-05-18',
      disputed: '2006-05-19',
      dateNote: 'Abducted in the night of 18 to 19 May 2006.',
      city: 'Baku',
      placeExact: 'Near his home',
      context: 'home',
      alertCategory: 'physical_safety',
      narrative: 'Bahaddin Haziyev, editor-in-chief of Bizim Yol, was abducted near his home, beaten and told to stop writing; a car was driven over his legs. Protesters demanding justice were arrested on 9 June 2006. Three years later no one had been held responsible.',
      priorThreats: null,
      workRelation: 'confirmed',
      sources: [
        { kind: 'ngo_alert', title: 'Alert on the abduction of Bahaddin Haziyev (May 2006)', publisher: CPJ, reliability: 'high' },
        { kind: 'news_article', title: 'Protesters demanding justice for Bahaddin Haziyev arrested (9 June 2006)', reliability: 'medium' },
      ],
      acts: [
        { personId: person('bahaddin'), actType: 'abduction', method: 'beating', outcome: 'seriously_injured' },
        { personId: person('bahaddin'), actType: 'assault', method: 'vehicle', outcome: 'seriously_injured' },
      ],
      involvements: [{ label: 'Unidentified abductors', category: 'unknown', degree: 'direct_perpetrator', attribution: 'alleged_by_victim', sourceIndex: 0 }],
      legalCases: [{ authority: 'Police', milestones: [{ kind: 'case_opened', occurred: '2006-05', note: 'Police case opened', sourceIndex: 0 }] }],
    },
    {
      externalRef: 'DEMO-AZ-2006-NHUSEYNOV',
      title: 'Stabbing of Nijat Huseynov',
      occurred: '2006-12-25',
      city: 'Baku',
      placeExact: 'A bus stop in Baku',
      context: 'street',
      alertCategory: 'physical_safety',
      narrative: 'Nijat Huseynov, a reporter for Azadliq, was beaten and stabbed at a Baku bus stop after threats. His stabbed jacket was not registered as evidence.',
      priorThreats: true,
      workRelation: 'unconfirmed',
      sources: [{ kind: 'ngo_alert', title: 'Alert on the stabbing of Nijat Huseynov (December 2006)', publisher: CPJ, reliability: 'high' }],
      acts: [{ personId: person('nijat'), actType: 'assault', method: 'knife', outcome: 'injured' }],
      involvements: [{ label: 'Unidentified attackers', category: 'unknown', degree: 'direct_perpetrator', attribution: 'alleged_by_victim', sourceIndex: 0 }],
      legalCases: [{ authority: 'Police', milestones: [{ kind: 'evidence_not_collected', occurred: '2006-12', note: 'His stabbed jacket was not registered as evidence', sourceIndex: 0 }] }],
    },
    {
      externalRef: 'DEMO-AZ-2007-JAFAROV',
      title: 'Beating of Uzeyir Jafarov',
      occurred: '2007-04-20',
      city: 'Baku',
      placeExact: 'Outside the newspaper office',
      context: 'workplace',
      alertCategory: 'physical_safety',
      narrative: 'Uzeyir Jafarov, a journalist of Gündəlik Azərbaycan, was beaten outside the newspaper on the day he testified for his editor. He named a district police officer, who claimed an alibi; the case was dropped and the courts rejected his complaint.',
      priorThreats: null,
      workRelation: 'confirmed',
      sources: [
        { kind: 'court_decision', title: 'Uzeyir Jafarov v. Azerbaijan, no. 54204/08, judgment of 29 January 2015', publisher: ECHR, publishedOn: '2015-01-29', reliability: 'high', claim: 'Violation of Article 3: the investigation was ineffective.' },
      ],
      acts: [{ personId: person('uzeyir'), actType: 'assault', method: 'beating', outcome: 'injured' }],
      involvements: [{ label: 'A district police officer named by the victim', category: 'police_security', degree: 'direct_perpetrator', attribution: 'alleged_by_victim', sourceIndex: 0 }],
      legalCases: [
        {
          authority: 'Police and prosecutor',
          milestones: [
            { kind: 'complaint', occurred: '2007-04', note: 'He named a district police officer, who claimed an alibi', sourceIndex: 0 },
            { kind: 'closure', occurred: '2007', note: 'The case was dropped', sourceIndex: 0 },
            { kind: 'appeal', occurred: '2008', note: 'The courts rejected his complaint', sourceIndex: 0 },
            { kind: 'echr_application', occurred: '2008', note: 'Application no. 54204/08', sourceIndex: 0 },
            { kind: 'echr_judgment', occurred: '2015-01-29', note: 'Violation of Article 3 (ineffective investigation)', sourceIndex: 0 },
          ],
        },
      ],
    },
  ];
}

/** A small deterministic generator, so that the demo looks the same every time. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['Baku', 'Ganja', 'Sumqayit', 'Mingachevir', 'Lankaran', 'Shaki', 'Nakhchivan', 'Quba', 'Tbilisi', 'Istanbul', 'Berlin'];
const INVESTIGATION: MilestoneKind[] = ['case_opened', 'suspect_named', 'charge', 'arrest', 'trial', 'suspension', 'reopening'];

/** One synthetic incident; `n` picks everything, so the same n gives the same incident. */
export function syntheticIncident(n: number, personIds: readonly string[], outletIds: readonly string[]): CreateIncidentInput {
  const r = prng(n * 7919 + 17);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const year = 2000 + Math.floor(r() * 25);
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const precision = r();
  const occurred = precision < 0.8 ? `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : precision < 0.93 ? `${year}-${String(month).padStart(2, '0')}` : `${year}`;
  const actType: ActType = pick(ACT_TYPES);
  const outcome = actType === 'killing' ? 'killed' : pick(ACT_OUTCOMES.filter((o) => o !== 'killed'));
  const solved = r();
  // about a fifth fully solved, a sixth partly, the rest unsolved
  const killer = solved < 0.2 ? 'convicted' : solved < 0.37 ? 'convicted' : pick(['alleged_by_victim', 'suspected_by_ngo', 'named_by_authorities', 'charged', 'acquitted'] as const);
  const hasMastermind = solved >= 0.2 && solved < 0.37 ? true : r() < 0.3;
  const milestones: NonNullable<NonNullable<CreateIncidentInput['legalCases']>[number]['milestones']> = [];
  let y = year;
  const steps = Math.floor(r() * 5);
  for (let k = 0; k < steps && y < 2025; k++) {
    y += Math.floor(r() * 3);
    milestones.push({ kind: k === 0 ? 'case_opened' : pick(INVESTIGATION), occurred: `${Math.min(y, 2025)}` });
  }
  if (killer === 'convicted') milestones.push({ kind: 'verdict', occurred: `${Math.min(y + 1, 2025)}`, note: 'Conviction (synthetic)' });
  if (r() < 0.3) milestones.push({ kind: pick(['official_statement', 'anniversary'] as MilestoneKind[]), occurred: `${Math.min(y + 2, 2025)}` });
  const victim = r() < 0.85 ? { personId: pick(personIds) } : { outletId: pick(outletIds) };
  return {
    externalRef: `SYNTHETIC-${String(n).padStart(4, '0')}`,
    title: `[Synthetic] ${actType.replaceAll('_', ' ')} #${n}`,
    occurred,
    city: pick(CITIES),
    placeExact: `Synthetic address ${n}`,
    context: pick(INCIDENT_CONTEXTS),
    narrative: 'Generated demonstration record, not a real incident.',
    internalNotes: 'Synthetic.',
    workRelation: pick(WORK_RELATIONS),
    priorThreats: r() < 0.5,
    sources: [{ kind: 'other', title: `Synthetic source ${n}`, reliability: 'low' }],
    acts: [{ ...victim, actType, outcome, method: actType === 'killing' || actType === 'assault' ? pick(['firearm', 'knife', 'beating', 'blunt_object'] as const) : null }],
    involvements: [
      { category: pick(PERPETRATOR_CATEGORIES), degree: 'direct_perpetrator', attribution: killer },
      ...(hasMastermind ? [{ category: pick(PERPETRATOR_CATEGORIES), degree: 'mastermind' as const, attribution: solved < 0.2 ? ('convicted' as const) : ('suspected_by_ngo' as const) }] : []),
    ],
    legalCases: milestones.length ? [{ authority: 'Synthetic prosecutor', milestones }] : [],
    stateRequests: r() < 0.3 ? [{ mechanism: pick(['unesco', 'council_of_europe'] as const), requestedOn: `${Math.min(year + 1, 2025)}-06-01`, ...(r() < 0.5 ? { answeredOn: `${Math.min(year + 1, 2025)}-09-01`, reply: 'Investigation ongoing (synthetic).' } : {}) }] : [],
  };
}

/** Loads the press demo inside the demo seed's transaction; a second run adds nothing. */
export async function seedPressDemo(tx: Tx, who: Who): Promise<{ cases: number; synthetic: number }> {
  await sql`SELECT pg_advisory_xact_lock(7231005)`.execute(tx);
  let cases = 0;
  let synthetic = 0;
  const exists = await tx.selectFrom('pressIncidents').select('id').where('externalRef', '=', 'DEMO-AZ-2005-HUSEYNOV').executeTakeFirst();
  if (!exists) {
    const outletIds = new Map<string, string>();
    for (const o of OUTLETS) {
      const found = await tx.selectFrom('pressOutlets').select('id').where(sql`lower(name)`, '=', o.name.toLowerCase()).executeTakeFirst();
      outletIds.set(o.key, found?.id ?? (await insertOutlet(tx, { name: o.name, aliases: [...o.aliases], medium: o.medium })).id);
    }
    const personIds = new Map<string, string>();
    for (const p of PERSONS) {
      personIds.set(p.key, await insertPerson(tx, { name: p.name, aliases: [...p.aliases], affiliations: [{ outletId: outletIds.get(p.outlet)!, role: p.role, employment: 'staff' }] }));
    }
    const ids: string[] = [];
    for (const c of realCases((k) => personIds.get(k)!)) ids.push(await insertIncident(tx, who, c));
    // Fikret Huseynli and Nijat Huseynov both wrote for Azadliq.
    await tx.insertInto('pressIncidentLinks').values({ incidentId: ids[3]!, relatedId: ids[1]!, kind: 'same_outlet', note: null }).execute();
    await tx.insertInto('pressIncidentLinks').values({ incidentId: ids[1]!, relatedId: ids[3]!, kind: 'same_outlet', note: null }).execute();
    for (const id of ids) await writeSnapshot(tx, id, who.userId);
    cases = ids.length;
  }
  const have = Number((await tx.selectFrom('pressIncidents').select((eb) => eb.fn.countAll<string>().as('n')).where('isSynthetic', '=', true).executeTakeFirstOrThrow()).n);
  if (have < SYNTHETIC_COUNT) {
    const outletIds: string[] = [];
    for (let k = 0; k < 8; k++) {
      const name = `Synthetic outlet ${k + 1}`;
      const found = await tx.selectFrom('pressOutlets').select('id').where('name', '=', name).executeTakeFirst();
      outletIds.push(found?.id ?? (await insertOutlet(tx, { name, medium: 'online' }, true)).id);
    }
    const personIds: string[] = [];
    for (let k = 0; k < 60; k++) {
      const name = `Synthetic journalist ${k + 1}`;
      const found = await tx.selectFrom('pressPersons').select('id').where('name', '=', name).where('isSynthetic', '=', true).executeTakeFirst();
      personIds.push(found?.id ?? (await insertPerson(tx, { name, affiliations: [{ outletId: outletIds[k % outletIds.length]!, role: 'Reporter' }] }, true)));
    }
    for (let n = 1; n <= SYNTHETIC_COUNT; n++) {
      if (await tx.selectFrom('pressIncidents').select('id').where('externalRef', '=', `SYNTHETIC-${String(n).padStart(4, '0')}`).executeTakeFirst()) continue;
      const id = await insertIncident(tx, who, syntheticIncident(n, personIds, outletIds), { isSynthetic: true });
      await writeSnapshot(tx, id, who.userId);
      synthetic++;
    }
  }
  if (cases + synthetic > 0) {
    await bumpPublicVersion(tx);
    await appendAudit(tx, SYSTEM_ACTOR, { action: 'demo.press_seeded', changes: { cases, synthetic } });
  }
  return { cases, synthetic };
}
