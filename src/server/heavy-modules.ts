/**
 * Libraries only a few routes use, loaded at their first use rather than at start: exceljs (XLSX
 * exports and the action plan's XLSX import) and pdfkit (the printed documents) together add about
 * 45 MB to a process's resident memory once loaded, which a process that never writes a workbook or
 * a PDF need not carry (docs/benchmarks.md, "Memory per process"). Each is imported once; later
 * calls get the same module.
 */
import type ExcelJSModule from 'exceljs';
import type PDFDocumentClass from 'pdfkit';

let excel: Promise<typeof ExcelJSModule> | undefined;
let pdf: Promise<typeof PDFDocumentClass> | undefined;

/** exceljs (its CommonJS `module.exports`). */
export const loadExcelJS = (): Promise<typeof ExcelJSModule> => (excel ??= import('exceljs').then((m) => m.default));

/** pdfkit's PDFDocument class. */
export const loadPdfKit = (): Promise<typeof PDFDocumentClass> => (pdf ??= import('pdfkit').then((m) => m.default));
