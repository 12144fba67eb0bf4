import { daysBetween, displayIncidentDate, type PartialDate } from '../../../domain/press-dates.ts';
import { daysSinceLastInvestigativeAct, impunityLabelledFrom, impunityStatus, impunityTooEarly, INVESTIGATIVE_MILESTONES, unescoStatus, type InvolvementFacts, type MilestoneFacts } from '../../../domain/impunity.ts';
import { nameKeys } from '../../../domain/names.ts';
import { AZERBAIJAN_PROFILE } from '../../../domain/country-profile.ts';
import type { DatePrecision, ImpunityStatus, MilestoneKind, UnescoStatus } from '../../../shared/press.ts';
import type { IncidentView, PublicIncident, PublicListItem } from '../../../shared/schemas/press.ts';
import type { Aggregate, IncidentRow, PersonRow } from './repository.ts';

/** Shapes of a press-freedom incident: for staff, for the public snapshot, for the public list. */

export const todayIso = (now = new Date()) => now.toISOString().slice(0, 10);

const pd = (on: string, precision: string): PartialDate => ({ on, precision: precision as DatePrecision });
export const dateView = (d: PartialDate) => ({ ...d, display: displayIncidentDate(d, null) });
const occurredOf = (i: IncidentRow) => {
  const main = pd(i.occurredOn, i.occurredPrecision);
  const disputed = i.disputedOn ? pd(i.disputedOn, i.disputedPrecision ?? 'day') : null;
  return {
    occurred: { ...main, display: displayIncidentDate(main, disputed) },
    disputed: disputed ? dateView(disputed) : null,
  };
};

/** The derived figures of an aggregate, straight from the rules in src/domain/impunity.ts. */
export function deriveFigures(a: Pick<Aggregate, 'involvements' | 'stateRequests' | 'milestones'>, today: string) {
  const involvements = a.involvements as unknown as InvolvementFacts[];
  const impunity = impunityStatus(involvements);
  const unesco = unescoStatus(involvements, a.stateRequests.map((r) => ({ answered: r.answeredOn !== null })));
  const since = daysSinceLastInvestigativeAct(
    a.milestones.map((m): MilestoneFacts => ({ kind: m.kind as MilestoneKind, ...pd(m.occurredOn, m.precision) })),
    today,
  );
  return { impunity, unesco, since };
}

/** The figures as shown: an analyst's override wins over the computed status, and says so. */
export function derivedView(i: IncidentRow, today: string) {
  const lastOn = i.lastInvestigativeActOn;
  return {
    impunityStatus: (i.impunityOverride ?? i.impunityStatus) as ImpunityStatus,
    perpetratorConvicted: i.perpetratorConvicted,
    mastermindConvicted: i.mastermindConvicted,
    unescoStatus: (i.unescoOverride ?? i.unescoStatus) as UnescoStatus,
    lastInvestigativeActOn: lastOn,
    daysSinceLastInvestigativeAct: lastOn === null ? null : Math.max(0, daysBetween(lastOn, today)),
    overridden: i.impunityOverride !== null || i.unescoOverride !== null,
  };
}

const personView = (p: PersonRow) => ({
  id: p.id,
  name: p.name,
  aliases: p.aliases,
  contactDetails: p.contactDetails,
  beats: p.beats,
  local: p.local,
  isSynthetic: p.isSynthetic,
  affiliations: p.affiliations.map((f) => ({
    id: f.id,
    outletId: f.outletId,
    outletName: f.outletName,
    role: f.role,
    employment: f.employment,
    period: f.period,
    from: f.startedOn ? dateView(pd(f.startedOn, f.startedPrecision ?? 'day')) : null,
    until: f.endedOn ? dateView(pd(f.endedOn, f.endedPrecision ?? 'day')) : null,
  })),
});
export type PersonView = ReturnType<typeof personView>;
export { personView };

/** Everything about the incident, for staff; the caller drops the fields their roles may not see. */
export function staffView(a: Aggregate, today: string): IncidentView {
  const i = a.incident;
  return {
    id: i.id,
    externalRef: i.externalRef,
    title: i.title,
    ...occurredOf(i),
    dateNote: i.dateNote,
    country: i.country,
    city: i.city,
    placeExact: i.placeExact,
    context: i.context,
    alertCategory: i.alertCategory,
    narrative: i.narrative,
    internalNotes: i.internalNotes,
    priorThreats: i.priorThreats,
    surveillance: i.surveillance,
    workRelation: i.workRelation,
    derived: derivedView(i, today),
    computed: { impunityStatus: i.impunityStatus as ImpunityStatus, unescoStatus: i.unescoStatus as UnescoStatus },
    override: i.overrideReason ? { impunityStatus: i.impunityOverride, unescoStatus: i.unescoOverride, reason: i.overrideReason } : null,
    publishedAt: i.publishedAt?.toISOString() ?? null,
    changedSincePublish: i.changedSincePublish,
    isSynthetic: i.isSynthetic,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    acts: a.acts.map((act) => {
      const person = act.personId ? a.persons.get(act.personId) : undefined;
      const outlet = act.outletId ? a.outlets.get(act.outletId) : undefined;
      return {
        id: act.id,
        actType: act.actType,
        method: act.method,
        outcome: act.outcome,
        person: person ? personView(person) : null,
        outlet: outlet ? { id: outlet.id, name: outlet.name, aliases: outlet.aliases, medium: outlet.medium, isSynthetic: outlet.isSynthetic } : null,
      };
    }),
    involvements: a.involvements.map((v) => ({ id: v.id, label: v.label, category: v.category, degree: v.degree, attribution: v.attribution, internalNote: v.internalNote, sourceId: v.sourceId })),
    sources: a.sources.map((s) => ({ id: s.id, kind: s.kind, title: s.title, publisher: s.publisher, url: s.url, publishedOn: s.publishedOn, reliability: s.reliability, claim: s.claim, confidential: s.confidential, file: a.files.get(s.id) ?? null })),
    legalCases: a.legalCases.map((c) => ({
      id: c.id,
      jurisdiction: c.jurisdiction,
      authority: c.authority,
      qualification: c.qualification,
      caseNumber: c.caseNumber,
      milestones: a.milestones
        .filter((m) => m.legalCaseId === c.id)
        .map((m) => ({ id: m.id, kind: m.kind, occurred: dateView(pd(m.occurredOn, m.precision)), note: m.note, internalNote: m.internalNote, sourceId: m.sourceId, investigative: INVESTIGATIVE_MILESTONES.has(m.kind as MilestoneKind) })),
    })),
    stateRequests: a.stateRequests.map((r) => ({ id: r.id, mechanism: r.mechanism, requestedOn: r.requestedOn, answeredOn: r.answeredOn, reply: r.reply })),
    links: a.links.map((l) => ({ relatedId: l.relatedId, relatedTitle: l.relatedTitle, kind: l.kind, note: l.note })),
  };
}

/**
 * The public snapshot, built field by field from a whitelist: the exact place, internal notes,
 * contact details, confidential sources and private notes on perpetrators and milestones are never
 * read here, so they cannot be published. The place is the city only.
 */
export function publicDoc(a: Aggregate, publishedAt: Date, today: string): { doc: Omit<PublicIncident, 'related'>; keys: string[] } {
  const i = a.incident;
  const open = a.sources.filter((s) => !s.confidential);
  const openById = new Map(open.map((s) => [s.id, s]));
  const publicSource = (s: (typeof open)[number]) => ({ kind: s.kind, title: s.title, publisher: s.publisher, url: s.url, publishedOn: s.publishedOn, reliability: s.reliability, claim: s.claim });
  const victims: PublicIncident['victims'] = [];
  const seen = new Set<string>();
  const victimName = (act: Aggregate['acts'][number]) => {
    const person = act.personId ? a.persons.get(act.personId) : undefined;
    const outlet = act.outletId ? a.outlets.get(act.outletId) : undefined;
    if (person && !seen.has(person.id)) {
      seen.add(person.id);
      victims.push({ kind: 'person', name: person.name, aliases: person.aliases, outlets: person.affiliations.map((f) => f.outletName) });
    }
    if (outlet && !seen.has(outlet.id)) {
      seen.add(outlet.id);
      victims.push({ kind: 'outlet', name: outlet.name, aliases: outlet.aliases, outlets: [] });
    }
    return person?.name ?? outlet?.name ?? '';
  };
  const acts = a.acts.map((act) => ({ actType: act.actType, method: act.method, outcome: act.outcome, victim: victimName(act) }));
  const doc: Omit<PublicIncident, 'related'> = {
    id: i.id,
    title: i.title,
    ...occurredOf(i),
    dateNote: i.dateNote,
    country: i.country,
    city: i.city,
    context: i.context,
    alertCategory: i.alertCategory,
    narrative: i.narrative,
    priorThreats: i.priorThreats,
    workRelation: i.workRelation,
    victims,
    acts,
    perpetrators: a.involvements.map((v) => ({ label: v.label, category: v.category, degree: v.degree, attribution: v.attribution })),
    legalCases: a.legalCases.map((c) => ({
      jurisdiction: c.jurisdiction,
      authority: c.authority,
      qualification: c.qualification,
      milestones: a.milestones
        .filter((m) => m.legalCaseId === c.id)
        .map((m) => {
          const source = m.sourceId ? openById.get(m.sourceId) : undefined;
          return { kind: m.kind, occurred: dateView(pd(m.occurredOn, m.precision)), note: m.note, investigative: INVESTIGATIVE_MILESTONES.has(m.kind as MilestoneKind), source: source ? publicSource(source) : null };
        }),
    })),
    stateRequests: a.stateRequests.map((r) => ({ mechanism: r.mechanism, requestedOn: r.requestedOn, answeredOn: r.answeredOn, reply: r.reply })),
    sources: open.map(publicSource),
    derived: derivedView(i, today),
    isSynthetic: i.isSynthetic,
    publishedAt: publishedAt.toISOString(),
  };
  const keys = nameKeys(i.title, ...victims.flatMap((v) => [v.name, ...v.aliases, ...v.outlets]));
  return { doc, keys };
}

type StoredDoc = Omit<PublicIncident, 'related'>;

/**
 * A stored snapshot as served today: the days since the last act move on with the calendar, and so
 * does whether the attack is still too recent for an impunity label (`impunityMinDays`).
 */
export function servedDoc(doc: StoredDoc, today: string, impunityMinDays = AZERBAIJAN_PROFILE.impunityMinDays): StoredDoc {
  const lastOn = doc.derived.lastInvestigativeActOn;
  return {
    ...doc,
    derived: {
      ...doc.derived,
      daysSinceLastInvestigativeAct: lastOn === null ? null : Math.max(0, daysBetween(lastOn, today)),
      impunityTooEarly: impunityTooEarly(doc.derived.impunityStatus, doc.occurred.on, today, impunityMinDays),
      impunityLabelledFrom: impunityLabelledFrom(doc.occurred.on, impunityMinDays),
    },
  };
}

/** The public list item of a published document: public fields only, written at publication. */
export function publicListItem(stored: StoredDoc, today: string): PublicListItem {
  const d = servedDoc(stored, today);
  return {
    id: d.id,
    title: d.title,
    occurred: d.occurred,
    disputed: d.disputed,
    city: d.city,
    victims: d.victims.map((v) => v.name),
    actTypes: [...new Set(d.acts.map((x) => x.actType))],
    outcomes: [...new Set(d.acts.flatMap((x) => (x.outcome ? [x.outcome] : [])))],
    perpetratorCategories: [...new Set(d.perpetrators.map((x) => x.category))],
    derived: d.derived,
    isSynthetic: d.isSynthetic,
  };
}

/** The open-data CSV: one row per published incident; columns as in the data dictionary. */
export const CSV_COLUMNS: ReadonlyArray<{ name: string; type: string; description: string; values?: readonly string[]; get: (d: StoredDoc) => string | number | boolean | null }> = [
  { name: 'id', type: 'uuid', description: 'Stable identifier of the incident', get: (d) => d.id },
  { name: 'title', type: 'text', description: 'Short title', get: (d) => d.title },
  { name: 'date', type: 'date (YYYY, YYYY-MM or YYYY-MM-DD)', description: 'When it happened, as far as known', get: (d) => d.occurred.display.split(' / ')[0] ?? '' },
  { name: 'date_precision', type: 'enum', description: 'How precisely the date is known', values: ['day', 'month', 'year'], get: (d) => d.occurred.precision },
  { name: 'date_disputed', type: 'date or empty', description: 'Another date given by other sources', get: (d) => d.disputed?.display ?? null },
  { name: 'country', type: 'ISO 3166 code', description: 'Country', get: (d) => d.country },
  { name: 'city', type: 'text', description: 'City (the exact place is never published)', get: (d) => d.city },
  { name: 'context', type: 'enum', description: 'Where or in what setting', get: (d) => d.context },
  { name: 'work_relation', type: 'enum', description: 'Whether the attack is related to journalism', values: ['confirmed', 'unconfirmed', 'officially_denied', 'disputed'], get: (d) => d.workRelation },
  { name: 'victims', type: 'list (|)', description: 'Journalists and outlets harmed', get: (d) => d.victims.map((v) => v.name).join('|') },
  { name: 'act_types', type: 'list (|)', description: 'Types of act', get: (d) => [...new Set(d.acts.map((a) => a.actType))].join('|') },
  { name: 'outcomes', type: 'list (|)', description: 'Outcomes of the acts', get: (d) => [...new Set(d.acts.flatMap((a) => (a.outcome ? [a.outcome] : [])))].join('|') },
  { name: 'perpetrator_categories', type: 'list (|)', description: 'Categories of suspected perpetrators', get: (d) => [...new Set(d.perpetrators.map((p) => p.category))].join('|') },
  { name: 'impunity_status', type: 'enum', description: 'Derived: full justice, partial justice or complete impunity', values: ['full_justice', 'partial_justice', 'complete_impunity'], get: (d) => d.derived.impunityStatus },
  { name: 'impunity_too_early', type: 'boolean', description: 'Derived, as of the export date: not fully solved and more recent than the country profile\'s minimum time (impunityMinDays), so the public pages show no impunity label yet', get: (d) => d.derived.impunityTooEarly ?? false },
  { name: 'perpetrator_convicted', type: 'boolean', description: 'Derived: a direct perpetrator has been convicted', get: (d) => d.derived.perpetratorConvicted },
  { name: 'mastermind_convicted', type: 'boolean or empty', description: 'Derived: an identified mastermind has been convicted; empty when none identified', get: (d) => d.derived.mastermindConvicted },
  { name: 'investigation_status', type: 'enum', description: 'Derived, UNESCO-style: resolved, ongoing, no information received', values: ['resolved', 'ongoing', 'no_information'], get: (d) => d.derived.unescoStatus },
  { name: 'last_investigative_act', type: 'date or empty', description: 'Derived: last act of the investigation (statements and anniversaries do not count)', get: (d) => d.derived.lastInvestigativeActOn },
  { name: 'days_since_last_investigative_act', type: 'integer or empty', description: 'Derived, as of the export date', get: (d) => d.derived.daysSinceLastInvestigativeAct },
  { name: 'status_overridden', type: 'boolean', description: 'An analyst overrode a derived status, with a reason kept in the audit log', get: (d) => d.derived.overridden },
  { name: 'milestones', type: 'integer', description: 'Number of milestones in the investigation timeline', get: (d) => d.legalCases.reduce((n, c) => n + c.milestones.length, 0) },
  { name: 'synthetic', type: 'boolean', description: 'Generated demonstration data, not a real incident', get: (d) => d.isSynthetic },
  { name: 'published_at', type: 'timestamp', description: 'When a reviewer published it', get: (d) => d.publishedAt },
];
