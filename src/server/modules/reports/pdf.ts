/**
 * Pathway's printed documents: a small layer over pdfkit with the DejaVu fonts embedded (they cover
 * Azerbaijani Latin ə ğ ı ş İ and Cyrillic, which the PDF standard fonts do not), headings, paragraphs,
 * key-value sections, statistical tables with suppressed cells marked, bar charts drawn with pdfkit's
 * own primitives, and on every page "page X of Y" and a footer with the version and generation date.
 * The texts come from the web app's translations (src/server/i18n.ts), in the document's language.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';
import type { TFunction } from 'i18next';
import type { Language } from '../../../shared/schemas/common.ts';
import type { StatisticsTable, TableCell } from '../../../domain/statistics-table.ts';
import { DEFAULT_TIME_ZONE, formatInstant, formatNumber } from '../../../shared/format.ts';
import { textsIn } from '../../i18n.ts';
import { loadPdfKit } from '../../heavy-modules.ts';

const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = path.join(FONT_DIR, 'DejaVuSans.ttf');
const BOLD = path.join(FONT_DIR, 'DejaVuSans-Bold.ttf');

export type PdfMeta = {
  lang: Language;
  /** The document's title (PDF metadata). */
  title: string;
  /** What produced it: Pathway's version, or a statistical release's version. */
  version: string;
  generatedAt: Date;
  timeZone?: string;
};

export type Bar = { label: string; value: number | null };

const MARGIN = 50;
const FOOTER_Y = 40;
const GREY = '#555555';
const LINE = '#bbbbbb';
const BAR = '#2b6cb0';

/** One document being written (`PdfWriter.create`). `finish()` numbers the pages and answers the file. */
export class PdfWriter {
  readonly t: TFunction;
  readonly lang: Language;
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;
  private readonly meta: PdfMeta;

  /** A new document; pdfkit is loaded at the first (src/server/heavy-modules.ts). */
  static async create(meta: PdfMeta): Promise<PdfWriter> {
    return new PdfWriter(await loadPdfKit(), meta);
  }

  private constructor(PDFDocumentClass: typeof PDFDocument, meta: PdfMeta) {
    this.meta = meta;
    this.lang = meta.lang;
    this.t = textsIn(meta.lang);
    // `font` replaces pdfkit's default Helvetica, which would otherwise be loaded for nothing.
    this.doc = new PDFDocumentClass({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
      bufferPages: true,
      font: REGULAR,
      lang: meta.lang,
      info: { Title: meta.title, Creator: `Pathway ${meta.version}`, Producer: 'Pathway', CreationDate: meta.generatedAt },
      displayTitle: true,
    });
    this.doc.registerFont('regular', REGULAR);
    this.doc.registerFont('bold', BOLD);
    this.doc.font('regular').fontSize(10);
    const chunks: Buffer[] = [];
    this.doc.on('data', (c: Buffer) => chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
  }

  private get width() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom() {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** A new page unless `height` points still fit on this one. */
  private room(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** The page being written (0-based), for a table of contents. */
  get pageIndex(): number {
    const r = this.doc.bufferedPageRange();
    return r.start + r.count - 1;
  }

  /** A day (YYYY-MM-DD) or an instant in the document's language. */
  day(value: string | Date): string {
    const v = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value;
    return formatInstant(v, this.lang, 'long', this.meta.timeZone ?? DEFAULT_TIME_ZONE);
  }

  number(n: number): string {
    return formatNumber(n, this.lang);
  }

  heading(text: string, level: 1 | 2 | 3 = 1): this {
    const size = level === 1 ? 18 : level === 2 ? 14 : 11.5;
    this.room(size * 3);
    if (this.doc.y > this.doc.page.margins.top + 1) this.doc.moveDown(level === 1 ? 1 : 0.6);
    this.doc.font('bold').fontSize(size).fillColor('black').text(text, this.doc.page.margins.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3).font('regular').fontSize(10);
    return this;
  }

  paragraph(text: string, opts: { muted?: boolean; size?: number } = {}): this {
    if (!text) return this;
    this.room(30);
    this.doc
      .font('regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.muted ? GREY : 'black')
      .text(text, this.doc.page.margins.left, this.doc.y, { width: this.width, align: 'left' });
    this.doc.fillColor('black').moveDown(0.5);
    return this;
  }

  /** Lines "label: value"; rows without a value are left out. */
  keyValues(rows: ReadonlyArray<readonly [string, string | number | null | undefined]>): this {
    const labelWidth = Math.min(170, this.width * 0.35);
    const x = this.doc.page.margins.left;
    for (const [label, raw] of rows) {
      if (raw === null || raw === undefined || raw === '') continue;
      const value = typeof raw === 'number' ? this.number(raw) : raw;
      this.doc.font('regular').fontSize(10);
      const h = Math.max(this.doc.heightOfString(value, { width: this.width - labelWidth }), 12);
      this.room(h + 4);
      const y = this.doc.y;
      this.doc.font('bold').fillColor(GREY).text(label, x, y, { width: labelWidth - 8 });
      this.doc.font('regular').fillColor('black').text(value, x + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = Math.max(this.doc.y, y + h) + 3;
    }
    this.doc.moveDown(0.4);
    return this;
  }

  list(items: readonly string[]): this {
    if (items.length === 0) return this.paragraph(this.t('reports.pdf.none'), { muted: true });
    for (const item of items) {
      this.room(14);
      this.doc.font('regular').fontSize(10).text(`•  ${item}`, this.doc.page.margins.left + 6, this.doc.y, { width: this.width - 6 });
      this.doc.moveDown(0.2);
    }
    this.doc.moveDown(0.3);
    return this;
  }

  /**
   * A statistical table: the first dimensions down, the last across, with the margins as a total
   * column and a total row where the table has them. A suppressed cell shows the mark, never a number.
   */
  table(table: StatisticsTable): this {
    const t = this.t;
    const dims = table.dimensions;
    const index = new Map<string, TableCell>();
    for (const c of [...table.cells, ...table.totals]) index.set(keyOf(c.key), c);
    const cellText = (key: Record<string, string>): string => {
      const c = index.get(keyOf(key));
      if (!c) return '—';
      if (c.suppressed || c.value === null) return t('reports.pdf.suppressed');
      return this.number(c.value);
    };
    const across = dims.length > 1 ? dims[dims.length - 1]! : null;
    const down = across ? dims.slice(0, -1) : dims;
    const rowKeys = combinations(down);
    const hasRowTotals = across !== null && rowKeys.some((k) => index.has(keyOf(k)));
    const columns: { label: string; key: (row: Record<string, string>) => Record<string, string> }[] = across
      ? [
          ...across.values.map((v) => ({ label: v.label, key: (row: Record<string, string>) => ({ ...row, [across.id]: v.code }) })),
          ...(hasRowTotals ? [{ label: t('reports.pdf.total'), key: (row: Record<string, string>) => row }] : []),
        ]
      : [{ label: t('reports.pdf.total'), key: (row: Record<string, string>) => row }];
    const rows = rowKeys.map((k) => ({ label: down.map((d) => d.values.find((v) => v.code === k[d.id])?.label ?? k[d.id]).join(' · '), key: k }));
    // The total row: the column margins (the last dimension alone), or the grand total of a one-dimension table.
    const totalRow = across
      ? { label: t('reports.pdf.total'), key: {} as Record<string, string>, cols: columns.map((c) => c.key({})) }
      : { label: t('reports.pdf.total'), key: {} as Record<string, string>, cols: [{}] };
    const showTotalRow = totalRow.cols.some((k) => index.has(keyOf(k)));

    this.heading(table.title, 3);
    const firstWidth = Math.min(190, this.width * 0.38);
    const colWidth = (this.width - firstWidth) / columns.length;
    const size = columns.length > 7 ? 7.5 : 9;
    const x0 = this.doc.page.margins.left;
    const head = down.map((d) => d.label).join(' · ');
    const drawRow = (label: string, values: string[], bold: boolean) => {
      this.doc.font(bold ? 'bold' : 'regular').fontSize(size);
      const h = Math.max(this.doc.heightOfString(label, { width: firstWidth - 6 }), ...values.map((v) => this.doc.heightOfString(v, { width: colWidth - 6 }))) + 6;
      if (this.doc.y + h > this.bottom) {
        this.doc.addPage();
        drawHeader();
        this.doc.font(bold ? 'bold' : 'regular').fontSize(size);
      }
      const y = this.doc.y;
      this.doc.fillColor('black').text(label, x0 + 2, y + 3, { width: firstWidth - 6 });
      values.forEach((v, i) => this.doc.text(v, x0 + firstWidth + i * colWidth, y + 3, { width: colWidth - 6, align: 'right' }));
      this.doc.moveTo(x0, y + h).lineTo(x0 + this.width, y + h).lineWidth(0.5).strokeColor(LINE).stroke();
      this.doc.y = y + h;
    };
    const drawHeader = () => drawRow(across ? `${head} / ${across.label}` : head, columns.map((c) => c.label), true);
    this.room(60);
    drawHeader();
    for (const r of rows) drawRow(r.label, columns.map((c) => cellText(c.key(r.key))), false);
    if (showTotalRow) drawRow(totalRow.label, totalRow.cols.map((k) => cellText(k)), true);
    this.doc.x = x0;
    this.doc.moveDown(0.4);
    const suppressed = [...table.cells, ...table.totals].some((c) => c.suppressed || c.value === null);
    if (suppressed) this.paragraph(t('reports.pdf.suppressedNote'), { muted: true, size: 8 });
    for (const n of table.notes ?? []) this.paragraph(n, { muted: true, size: 8 });
    return this;
  }

  /** A horizontal bar chart; a suppressed value gets no bar, only the mark. */
  barChart(title: string, bars: readonly Bar[]): this {
    if (bars.length === 0) return this;
    const labelWidth = Math.min(160, this.width * 0.35);
    const barHeight = 11;
    const gap = 5;
    const height = 20 + bars.length * (barHeight + gap);
    this.room(Math.min(height, this.bottom - this.doc.page.margins.top));
    this.doc.font('bold').fontSize(9).fillColor(GREY).text(title, this.doc.page.margins.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
    const x0 = this.doc.page.margins.left;
    const span = this.width - labelWidth - 50;
    for (const b of bars) {
      this.room(barHeight + gap);
      const y = this.doc.y;
      this.doc.font('regular').fontSize(8).fillColor('black').text(b.label, x0, y + 1, { width: labelWidth - 6, height: barHeight, ellipsis: true, lineBreak: false });
      const w = b.value === null ? 0 : Math.max(b.value > 0 ? 1 : 0, (b.value / max) * span);
      if (w > 0) this.doc.rect(x0 + labelWidth, y, w, barHeight).fill(BAR);
      const text = b.value === null ? this.t('reports.pdf.suppressed') : this.number(b.value);
      this.doc.fillColor('black').text(text, x0 + labelWidth + w + 4, y + 1, { width: 46, lineBreak: false });
      this.doc.y = y + barHeight + gap;
    }
    this.doc.x = x0;
    this.doc.moveDown(0.6);
    return this;
  }

  pageBreak(): this {
    this.doc.addPage();
    return this;
  }

  /** Writes on an earlier page (a table of contents) and comes back to the last one. */
  onPage(index: number, write: (w: this) => void): this {
    const last = this.pageIndex;
    this.doc.switchToPage(index);
    const y = this.doc.y;
    this.doc.y = this.doc.page.margins.top;
    write(this);
    this.doc.switchToPage(last);
    this.doc.y = y;
    return this;
  }

  /** A contents line: the title and its page number at the right. */
  contentsLine(title: string, page: number): this {
    const y = this.doc.y;
    this.doc.font('regular').fontSize(11).fillColor('black').text(title, this.doc.page.margins.left, y, { width: this.width - 40 });
    this.doc.text(String(page), this.doc.page.margins.left + this.width - 40, y, { width: 40, align: 'right' });
    this.doc.moveDown(0.4);
    return this;
  }

  /** Numbers the pages, writes the footers and answers the file. */
  async finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    const footer = this.t('reports.pdf.footer', { version: this.meta.version, date: this.day(this.meta.generatedAt) });
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      // The footer sits in the bottom margin: with the margin kept, pdfkit would start a new page.
      const margin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      const y = this.doc.page.height - FOOTER_Y;
      this.doc.font('regular').fontSize(8).fillColor(GREY);
      this.doc.text(footer, MARGIN, y, { width: this.width * 0.65, lineBreak: false });
      this.doc.text(this.t('reports.pdf.page', { page: i + 1, pages: range.count }), MARGIN + this.width * 0.65, y, { width: this.width * 0.35, align: 'right', lineBreak: false });
      this.doc.page.margins.bottom = margin;
    }
    this.doc.end();
    return this.done;
  }
}

/** The chart of a table: its cells over one dimension, or the margins over the first of several. */
export function barsOf(table: StatisticsTable): Bar[] {
  const first = table.dimensions[0];
  if (!first) return [];
  const pool = table.dimensions.length === 1 ? table.cells : table.totals;
  return first.values.flatMap((v) => {
    const c = pool.find((x) => Object.keys(x.key).length === 1 && x.key[first.id] === v.code);
    return c ? [{ label: v.label, value: c.suppressed ? null : c.value }] : [];
  });
}

const keyOf = (key: Record<string, string>) => JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));

function combinations(dims: StatisticsTable['dimensions']): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const d of dims) out = out.flatMap((k) => d.values.map((v) => ({ ...k, [d.id]: v.code })));
  return out;
}
