import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../../test/helpers/pdf.ts';
import type { StatisticsTable } from '../../../domain/statistics-table.ts';
import { barsOf, PdfWriter } from './pdf.ts';

const table: StatisticsTable = {
  id: 'test-sex-form',
  title: 'Qurbanlar cins və forma üzrə',
  dimensions: [
    { id: 'sex', label: 'Cins', values: [{ code: 'female', label: 'Qadın' }, { code: 'male', label: 'Kişi' }] },
    { id: 'form', label: 'Forma', values: [{ code: 'sexual', label: 'Cinsi' }, { code: 'labour', label: 'Əmək' }] },
  ],
  cells: [
    { key: { sex: 'female', form: 'sexual' }, value: 12, suppressed: null },
    { key: { sex: 'female', form: 'labour' }, value: null, suppressed: 'primary' },
    { key: { sex: 'male', form: 'sexual' }, value: 3, suppressed: null },
    { key: { sex: 'male', form: 'labour' }, value: 9, suppressed: null },
  ],
  totals: [
    { key: { sex: 'female' }, value: 13, suppressed: null },
    { key: { sex: 'male' }, value: 12, suppressed: null },
    { key: { form: 'sexual' }, value: 15, suppressed: null },
    { key: { form: 'labour' }, value: 10, suppressed: null },
    { key: {}, value: 25, suppressed: null },
  ],
  notes: ['Mənbə: Pathway'],
};

describe('the PDF layer', () => {
  it('writes Azerbaijani and Cyrillic text, tables with suppressed cells marked, charts, and numbers every page', async () => {
    const w = await PdfWriter.create({ lang: 'az', title: 'Sınaq', version: '9.9.9', generatedAt: new Date('2026-03-05T10:00:00Z') });
    w.heading('Şəhla Məmmədova: ğ ı ş İ ə').paragraph('Её увезли в Москву, где заставили работать.').keyValues([['Ölkə', 'AZE'], ['Boş', null]]);
    w.table(table).barChart('Qrafik', barsOf(table));
    // Enough lines to run over a page.
    for (let i = 0; i < 80; i++) w.paragraph(`Sətir ${i + 1}`);
    const { text, pages } = await pdfText(await w.finish());
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain('Şəhla Məmmədova: ğ ı ş İ ə');
    expect(text).toContain('Её увезли в Москву, где заставили работать.');
    expect(text).toContain('Ölkə');
    expect(text).not.toContain('Boş');
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Səhifə ${p} / ${pages}`);
    expect(text).toContain('Pathway 9.9.9 · hazırlanıb 5 mart 2026');
    // The suppressed cell shows the mark and its note; its value is nowhere (13 - 12 would give it, but it is not printed).
    expect(text).toContain('* sayılan şəxsləri qorumaq üçün gizlədilib');
    expect(text).toMatch(/Qadın\s+12\s+\*\s+13/);
    expect(text).toMatch(/Cəmi\s+15\s+10\s+25/);
    expect(text).toContain('Mənbə: Pathway');
    expect(text).toContain('Qrafik');
  });

  it('charts a table by its first dimension, a suppressed value without a bar', () => {
    expect(barsOf(table)).toEqual([{ label: 'Qadın', value: 13 }, { label: 'Kişi', value: 12 }]);
    const one: StatisticsTable = { ...table, dimensions: [table.dimensions[1]!], cells: [{ key: { form: 'sexual' }, value: 2, suppressed: 'primary' }, { key: { form: 'labour' }, value: 7, suppressed: null }], totals: [] };
    expect(barsOf(one)).toEqual([{ label: 'Cinsi', value: null }, { label: 'Əmək', value: 7 }]);
  });
});
