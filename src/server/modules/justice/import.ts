/**
 * CSV import of court decisions: one row per defendant and charge, matched by the case number (a
 * criminal case the user may change) and the defendant (pseudonym, legal person's name, or a name
 * matched across scripts). Each row records the verdict on that charge and, when its sentence columns
 * are filled, the defendant's sentence (once per defendant, instance and day). The rules are those of
 * the API (the same service functions); a dry run applies every row and rolls back. All or nothing
 * unless `skipBadRows`.
 */
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Tx } from '../../db/database.ts';
import { appendAudit, type AuditActor } from '../../audit/audit.ts';
import { visibleFilter } from '../../access/policy.ts';
import type { Principal } from '../../access/principal.ts';
import { AppError, badRequest, forbidden } from '../../errors.ts';
import { compareNames } from '../../../domain/name-match.ts';
import { DEFERRAL_GROUNDS, INSTANCES, MITIGATING_CODES, SENTENCE_TYPES, TERMINATION_GROUNDS, VERDICT_OUTCOMES } from '../../../shared/justice.ts';
import { listNames } from '../people/repository.ts';
import { CRIMINAL_CASES, mayReadAny } from './policy.ts';
import { recordSentence, recordVerdict } from './service.ts';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blank, t.optional());
const yesNo = opt(
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['yes', 'no', 'true', 'false'].includes(v), 'yes or no')
    .transform((v) => v === 'yes' || v === 'true'),
);
const int = opt(z.coerce.number().int('a whole number').min(0, 'must not be negative'));
const amount = opt(z.coerce.number().min(0, 'must not be negative').max(99_999_999_999, 'too large'));

export const DecisionRow = z.strictObject({
  caseNumber: z.string().trim().min(1, 'required').max(60),
  defendant: z.string().trim().min(1, 'required').max(300),
  article: z.string().trim().min(1, 'required').max(20),
  instance: z.enum(INSTANCES),
  decidedOn: z.iso.date(),
  outcome: z.enum(VERDICT_OUTCOMES),
  terminationGround: opt(z.enum(TERMINATION_GROUNDS)),
  reclassifiedTo: opt(z.string().trim().max(20)),
  sentenceType: opt(z.enum(SENTENCE_TYPES)),
  termMonths: int,
  fineAmount: amount,
  suspended: yesNo,
  probationMonths: int,
  deferred: yesNo,
  deferralGround: opt(z.enum(DEFERRAL_GROUNDS)),
  belowMinimumGround: opt(z.string().trim().max(200)),
  mitigating: opt(z.string().transform((v) => v.split('|').map((x) => x.trim()).filter(Boolean)).pipe(z.array(z.enum(MITIGATING_CODES)))),
  confiscation: yesNo,
});
type DecisionRow = z.infer<typeof DecisionRow>;

export type ImportReport = { dryRun: boolean; ok: boolean; applied: boolean; rows: { row: number; status: 'ok' | 'error'; errors: Record<string, string> }[] };

class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super('rollback');
  }
}

function parseRows(csv: string): { row: number; data?: DecisionRow; errors?: Record<string, string> }[] {
  let records: Record<string, string>[];
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    throw badRequest('validation_failed', 'The file is not CSV with a header row', { csv: (e as Error).message.slice(0, 200) });
  }
  if (records.length === 0) throw badRequest('validation_failed', 'No rows under the header', { csv: 'no rows' });
  if (records.length > 5000) throw badRequest('validation_failed', 'At most 5,000 rows per file', { csv: 'too many rows' });
  return records.map((r, i) => {
    const parsed = DecisionRow.safeParse(r);
    if (parsed.success) return { row: i + 2, data: parsed.data };
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.code === 'unrecognized_keys' ? issue.keys.join(',') : String(issue.path[0] ?? 'row');
      errors[key] = issue.code === 'unrecognized_keys' ? 'unknown column' : issue.message;
    }
    return { row: i + 2, errors };
  });
}

class RowError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('row');
  }
}

async function applyRow(tx: Tx, p: Principal, actor: AuditActor, r: DecisionRow, sentenced: Set<string>) {
  const cases = await tx
    .selectFrom('criminalCases as cc')
    .select(['cc.id'])
    .where('cc.caseNumber', '=', r.caseNumber)
    .where(visibleFilter(p, 'update', CRIMINAL_CASES))
    .execute();
  if (cases.length === 0) throw new RowError({ caseNumber: 'no criminal case with this number that you may change' });
  if (cases.length > 1) throw new RowError({ caseNumber: 'several agencies use this number' });
  const caseId = cases[0]!.id;
  const defendants = await tx.selectFrom('criminalDefendants').select(['id', 'pseudonym', 'personId', 'legalEntityName']).where('criminalCaseId', '=', caseId).execute();
  const names = await listNames(tx, defendants.map((d) => d.personId).filter((x): x is string => x !== null));
  const wanted = r.defendant.toLowerCase();
  const matches = defendants.filter(
    (d) =>
      d.pseudonym.toLowerCase() === wanted ||
      d.legalEntityName?.toLowerCase() === wanted ||
      names.some((n) => n.personId === d.personId && compareNames(n.asEntered, r.defendant).match),
  );
  if (matches.length === 0) throw new RowError({ defendant: 'no defendant of this case by that pseudonym or name' });
  if (matches.length > 1) throw new RowError({ defendant: 'several defendants of this case match; use the pseudonym' });
  const d = matches[0]!;
  const charge = await tx
    .selectFrom('criminalCharges')
    .select('id')
    .where('defendantId', '=', d.id)
    .where('article', '=', r.article)
    .where('reclassifiedToChargeId', 'is', null)
    .orderBy('broughtOn', 'desc')
    .executeTakeFirst();
  if (!charge) throw new RowError({ article: 'no such charge was brought against this defendant' });
  await recordVerdict(tx, p, actor, caseId, d.id, {
    instance: r.instance,
    decidedOn: r.decidedOn,
    outcomes: [{ chargeId: charge.id, outcome: r.outcome, terminationGround: r.terminationGround, reclassifiedTo: r.reclassifiedTo }],
  });
  if (r.sentenceType) {
    const key = `${d.id}/${r.instance}/${r.decidedOn}`;
    if (!sentenced.has(key)) {
      sentenced.add(key);
      await recordSentence(tx, p, actor, caseId, d.id, {
        instance: r.instance,
        imposedOn: r.decidedOn,
        type: r.sentenceType,
        termMonths: r.termMonths ?? null,
        fineAmount: r.fineAmount ?? null,
        suspended: r.suspended ?? false,
        probationMonths: r.probationMonths ?? null,
        deferred: r.deferred ?? false,
        deferralGround: r.deferralGround ?? null,
        belowMinimum: false,
        belowMinimumGround: r.belowMinimumGround ?? null,
        mitigating: r.mitigating ?? [],
        confiscation: r.confiscation ?? false,
        deprivationOfRights: false,
      });
    }
  }
}

export async function importDecisions(db: Db, p: Principal, actor: AuditActor, csv: string, opts: { dryRun: boolean; skipBadRows: boolean }): Promise<ImportReport> {
  if (!mayReadAny(p)) throw forbidden();
  const parsed = parseRows(csv);
  const rows: ImportReport['rows'] = parsed.map((r) => ({ row: r.row, status: r.errors ? 'error' : 'ok', errors: r.errors ?? {} }));
  const report = (applied: boolean): ImportReport => ({ dryRun: opts.dryRun, ok: rows.every((r) => r.status === 'ok'), applied, rows });
  if (parsed.some((r) => r.errors) && !opts.skipBadRows) return report(false);
  try {
    return await db.transaction().execute(async (tx) => {
      const sentenced = new Set<string>();
      for (const [i, r] of parsed.entries()) {
        if (!r.data) continue;
        await sql`SAVEPOINT decision_row`.execute(tx);
        try {
          await applyRow(tx, p, actor, r.data, sentenced);
          await sql`RELEASE SAVEPOINT decision_row`.execute(tx);
        } catch (e) {
          await sql`ROLLBACK TO SAVEPOINT decision_row`.execute(tx);
          if (e instanceof RowError) rows[i] = { row: r.row, status: 'error', errors: e.errors };
          else if (e instanceof AppError && e.status < 500) rows[i] = { row: r.row, status: 'error', errors: e.fields ?? { row: e.message } };
          else throw e;
          if (!opts.skipBadRows) throw new Rollback(report(false));
        }
      }
      if (opts.dryRun) throw new Rollback(report(false));
      const done = report(true);
      await appendAudit(tx, actor, { action: 'justice.decisions_imported', changes: { rows: rows.length, imported: rows.filter((r) => r.status === 'ok').length, skipped: rows.filter((r) => r.status === 'error').length } });
      return done;
    });
  } catch (e) {
    if (e instanceof Rollback) return e.report;
    throw e;
  }
}
