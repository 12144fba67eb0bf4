/**
 * The order of procedure (docs/criminal-justice.md, "Checks"): a pure check of one new event of a
 * defendant (or of the case) against the events already recorded. A verdict before the indictment,
 * an appeal before the verdict, an indictment after the verdict: refused, naming the date field.
 */

/** Stages of one defendant's proceedings, in order; events outside this list (detention, release) only follow the opening. */
const STAGES = ['suspect_identified', 'charged', 'indicted', 'verdict', 'appeal_lodged', 'appeal_decided', 'cassation'] as const;
const RANK = new Map<string, number>(STAGES.map((s, i) => [s, i]));

/** What must have happened, on or before the new event's date, for it to be possible. */
const NEEDS: Record<string, readonly string[]> = {
  indicted: ['charged'],
  trial_opened: ['indicted'],
  verdict: ['indicted'],
  appeal_lodged: ['verdict'],
  appeal_decided: ['appeal_lodged'],
  cassation: ['appeal_decided'],
  final: ['verdict'],
  resumed: ['suspended'],
};

export type DatedEvent = { type: string; occurredOn: string };
export type OrderProblem = { field: string; message: string };

const earliest = (events: readonly DatedEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.occurredOn).sort()[0];

/**
 * Whether `next` may follow `existing` (the same defendant's events and the case's own): on or after
 * the case was opened, not after today, each prerequisite (`NEEDS`) recorded on or before it, and
 * no later stage recorded before it. `field` is the request field to name in the refusal.
 */
export function checkOrder(caseOpenedOn: string, today: string, existing: readonly DatedEvent[], next: DatedEvent, field = 'occurredOn'): OrderProblem | null {
  if (next.occurredOn < caseOpenedOn) return { field, message: `before the case was opened (${caseOpenedOn})` };
  if (next.occurredOn > today) return { field, message: 'in the future' };
  for (const need of NEEDS[next.type] ?? []) {
    const at = earliest(existing, need);
    if (at === undefined) return { field, message: `no ${need.replaceAll('_', ' ')} recorded before it` };
    if (at > next.occurredOn) return { field, message: `before the ${need.replaceAll('_', ' ')} (${at})` };
  }
  const rank = RANK.get(next.type);
  if (rank !== undefined) {
    const laterStage = existing.filter((e) => (RANK.get(e.type) ?? -1) > rank && e.occurredOn < next.occurredOn).sort((a, b) => a.occurredOn.localeCompare(b.occurredOn))[0];
    if (laterStage) return { field, message: `after the ${laterStage.type.replaceAll('_', ' ')} (${laterStage.occurredOn})` };
  }
  return null;
}
