import { z } from 'zod';
import { Language } from './common.ts';

/** The language of a printed document; default: the user's own. */
export const DocumentQuery = z.strictObject({
  lang: Language.optional().describe("the document's language (az, ru or en); default: the user's language"),
});

/**
 * The decision letter's language: the victim's recorded language when Pathway writes it; `lang` only
 * when none is recorded (then it is required).
 */
export const LetterQuery = z.strictObject({
  lang: Language.optional().describe("az, ru or en: used only when the person has no recorded language among these (then required)"),
});

export const DecisionLetterParams = z.strictObject({ id: z.uuid(), decisionId: z.uuid() });

export const REPORT_FORMATS = ['pdf', 'xlsx'] as const;

export const AnnualReportQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).describe('the calendar year reported on: 2000 to the current year'),
  lang: Language.optional().describe("az, ru or en; default: the user's language"),
  format: z.enum(REPORT_FORMATS).default('pdf'),
});

export const FileResponse = z.string().describe('the file (application/pdf or an XLSX workbook)');
