import { nameKeys } from '../../domain/names.ts';
import type { Keys } from '../crypto/keys.ts';

/**
 * What the audit log may hold of an entry's `changes`: it proves who did what to which record and
 * which fields changed, never what the fields say. The writer (`chainRows` in audit.ts) passes every
 * entry through `withheldValues`, so no caller can store a name, a place, a note or a file name by
 * forgetting to leave it out; the audit routes pass stored entries through it again when showing
 * them, so entries written before the rule are shown by the same rule.
 *
 * A value is kept only when it says nothing about a person:
 * - `null`, a boolean, or a record id (a uuid), under any field;
 * - under a field named in `RECORDED`, a value of that field's kind: a code (status, enum value,
 *   section name, case number), a count, a date of procedure, or a keyed hash;
 * - under a field whose name ends in `At` or `On` (a date of procedure: `dueAt`, `givenOn`), a date;
 *   in `Status` or `Type` (`victimStatus`, `contactType`), a code; in `Count`, a count.
 * Every other value is replaced by `{ changed: true }`: the field is named, its value is not.
 * `{ old, new }` pairs, arrays and nested objects are judged value by value under the same names.
 */
export const WITHHELD = Object.freeze({ changed: true as const });

type Kind = 'code' | 'count' | 'date' | 'hash';

/** The fields whose values are recorded, and of what kind each must be. Add a field only if no value of it can name or place a person. */
const RECORDED: Readonly<Record<string, Kind>> = {
  // codes: statuses, enum values, vocabulary, section and field names. Not `role` or `caseNumber`:
  // elsewhere those names hold free text (a journalist's role, a court's case number); nor `source` (an import's source system).
  status: 'code', state: 'code', channel: 'code', kind: 'code', type: 'code', roles: 'code',
  failure: 'code', cause: 'code', rejectedClaim: 'code', list: 'code', via: 'code', purpose: 'code', service: 'code', serviceType: 'code', conclusion: 'code', disposition: 'code',
  format: 'code', storage: 'code', contentType: 'code', language: 'code', urgency: 'code', callStatus: 'code',
  consentBasis: 'code', scope: 'code', method: 'code', route: 'code', action: 'code', recordType: 'code',
  outcome: 'code', outcomes: 'code', withdrawalReason: 'code', decision: 'code', catalogueVersion: 'code', ruleVersion: 'code', listReason: 'code',
  indicators: 'code', sections: 'code', withheld: 'code', shared: 'code', fields: 'code', publicFields: 'code',
  permissions: 'code', delivery: 'code', from: 'code', to: 'code', tz: 'code', before: 'code',
  // an action-plan indicator's national table and the dimensions its figure's key names (never the codes: a citizenship)
  statisticsTable: 'code', statisticsTables: 'code', statisticsDimensions: 'code',
  requireTotp: 'code', dryRun: 'code', impunityOverride: 'code', unescoOverride: 'code', importedFrom: 'code', complete: 'code', level: 'code', category: 'code', visibility: 'code',
  // counts
  results: 'count', failures: 'count', tasks: 'count', referrals: 'count', contacts: 'count', messages: 'count', length: 'count', attempts: 'count', previousAttempts: 'count', screeningsCopied: 'count', victims: 'count',
  secondsToAcknowledge: 'count', sessions: 'count', tokens: 'count', tokensRevoked: 'count', emailsQueued: 'count',
  checked: 'count', capacityFree: 'count', capacityTotal: 'count', created: 'count',
  updated: 'count', refused: 'count', goals: 'count', batch: 'count', batches: 'count', records: 'count', version: 'count',
  sizeBytes: 'count', cases: 'count', synthetic: 'count', agencies: 'count', users: 'count', limit: 'count', hours: 'count',
  windowMinutes: 'count',
  sources: 'count', acts: 'count', involvements: 'count', legalCases: 'count', milestones: 'count', stateRequests: 'count',
  links: 'count', rows: 'count', skipped: 'count', imported: 'count', persons: 'count', warnings: 'count', duplicates: 'count', events: 'count', consents: 'count', comments: 'count',
  // keyed hashes: of a searched name's keys (`searchedName`), of a file's content
  nameKeyHashes: 'hash', sha256: 'hash',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Lower-case ASCII without spaces (`in_progress`, `identity`, `/api/v1/cases/:id`), or a short
 * upper-case code (`POST`, `AZ`): never a sentence, a capitalised name, or a name in Azerbaijani or Russian.
 */
const CODE = /^([a-z0-9_.:/{}-]{1,100}|[A-Z]{2,7})$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const HASH = /^([A-Za-z0-9_-]{22}|[0-9a-f]{64})$/;
/** A date of procedure, by the field's name; never a birth date. */
const PROCEDURE_DATE = /^(?!birth|born|dateOfBirth).*[a-z](At|On)$/;
const MAX_DEPTH = 8;

function kindOf(key: string): Kind | undefined {
  if (Object.hasOwn(RECORDED, key)) return RECORDED[key];
  if (PROCEDURE_DATE.test(key)) return 'date';
  if (/[a-z](Status|Type)$/.test(key)) return 'code';
  if (/[a-z](Count)$/.test(key)) return 'count';
  return undefined;
}

function fits(kind: Kind | undefined, value: string | number): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && (kind === 'count' || kind === 'code');
  switch (kind) {
    case 'code':
      return CODE.test(value);
    case 'count':
      return false;
    case 'date':
      return DATE.test(value);
    case 'hash':
      return HASH.test(value);
    case undefined:
      return false;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function clean(key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value ?? null;
  if (depth > MAX_DEPTH) return WITHHELD;
  if (value instanceof Date) return kindOf(key) === 'date' ? value.toISOString() : WITHHELD;
  if (typeof value === 'string') return UUID.test(value) || fits(kindOf(key), value) ? value : WITHHELD;
  if (typeof value === 'number') return fits(kindOf(key), value) ? value : WITHHELD;
  if (Array.isArray(value)) return value.map((v) => clean(key, v, depth + 1));
  if (typeof value !== 'object') return WITHHELD;
  const entries = Object.entries(value as Record<string, unknown>);
  // An { old, new } pair is one field's change: both sides are judged as that field; if either is withheld, so is the pair.
  if (entries.length > 0 && entries.every(([k]) => k === 'old' || k === 'new')) {
    const pair = Object.fromEntries(entries.map(([k, v]) => [k, clean(key, v, depth + 1)]));
    return Object.values(pair).some((v) => v === WITHHELD || containsWithheld(v)) ? WITHHELD : pair;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, clean(k, v, depth + 1)]));
}

function containsWithheld(v: unknown): boolean {
  if (v === WITHHELD) return true;
  if (Array.isArray(v)) return v.some(containsWithheld);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsWithheld);
  return false;
}

/** An entry's `changes` as the log may hold them (see above). */
export function withheldValues(changes: unknown): unknown {
  if (changes === null || changes === undefined) return null;
  if (typeof changes !== 'object' || Array.isArray(changes) || changes instanceof Date) return WITHHELD;
  return clean('', changes, 0);
}

/** What the log holds of a free-text purpose or reason: that one was given, never its words. The words stay in the record's own table. */
export const REASON_GIVEN = 'reason_given';
export function withheldPurpose(purpose: string | null | undefined): string | null {
  if (purpose === null || purpose === undefined || purpose.trim() === '') return null;
  return REASON_GIVEN;
}

/**
 * A searched name as the log may hold it: the keyed hash of each of its name keys (`nameKeys`,
 * `keys.nameKeyHash`), sorted. The same name typed by an auditor gives the same hashes, so "who
 * searched for this person?" is answered without the log ever holding the name.
 */
export function searchedName(keys: Pick<Keys, 'nameKeyHash'>, ...names: ReadonlyArray<string | null | undefined>): { nameKeyHashes: string[] } {
  return { nameKeyHashes: [...new Set(nameKeys(...names).map((k) => keys.nameKeyHash(k)))].sort() };
}
