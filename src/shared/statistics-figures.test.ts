import { describe, expect, it } from 'vitest';
import { figureKind, figureLinkProblems, parseFigureKey, tableKey } from './statistics-figures.ts';

describe('figureLinkProblems', () => {
  it.each([
    ['a margin', 'nrm-victims-status-sex-age', { status: 'identified' }, 'count', {}],
    ['the grand total', 'nrm-victims-status-sex-age', {}, 'count', {}],
    ['an inner cell', 'nrm-victims-status-sex-age', { status: 'presumed', sex: 'male', ageGroup: 'child' }, 'count', {}],
    ['a citizenship', 'nrm-victims-citizenship-age', { citizenship: 'UZB', ageGroup: 'child' }, 'count', {}],
    ['a country, alpha-2', 'nrm-victims-country-sex', { country: 'AE' }, 'count', {}],
    ['stateless', 'nrm-victims-citizenship-age', { citizenship: 'XXX' }, 'count', {}],
    ['a quarter', 'nrm-victims-quarter-age', { quarter: 'Q4' }, 'count', {}],
    ['the SDG rate', 'sdg-16-2-2', { group: 'child', measure: 'rate' }, 'amount', {}],
    ['an unclassified contact', 'hotline-contacts-type', { contactType: 'unclassified' }, 'count', {}],
    ['no such table', 'nrm-victims', {}, 'count', { statisticsTable: expect.stringContaining('nrm-victims-status-sex-age') }],
    ['no such dimension', 'hotline-contacts-type', { sex: 'female' }, 'count', { 'statisticsKey.sex': expect.stringContaining('contactType') }],
    ['a code of another dimension', 'nrm-victims-status-sex-age', { sex: 'child' }, 'count', { 'statisticsKey.sex': expect.any(String) }],
    ['a country name', 'nrm-victims-country-sex', { country: 'Turkey' }, 'count', { 'statisticsKey.country': expect.any(String) }],
    ['a quarter with its year', 'nrm-victims-quarter-age', { quarter: '2025-Q1' }, 'count', { 'statisticsKey.quarter': expect.any(String) }],
    ['a margin of a table without', 'unodc-persons-sex', { figure: 'convicted' }, 'count', { 'statisticsKey.sex': 'required: this table has no totals' }],
    ['no key of a table without margins', 'justice-figures', {}, 'count', { 'statisticsKey.figure': 'required: this table has no totals' }],
    ['a count as a percentage', 'justice-figures', { figure: 'convicted' }, 'percentage', { unit: expect.any(String) }],
    ['a count as yes/no', 'nrm-victims-status-sex-age', {}, 'yes_no', { unit: expect.any(String) }],
    ['a rate as a count', 'sdg-16-2-2', { group: 'total', measure: 'rate' }, 'count', { unit: expect.any(String) }],
    ['SDG victims as an amount', 'sdg-16-2-2', { group: 'total', measure: 'victims' }, 'amount', { unit: expect.any(String) }],
  ] as const)('%s', (_name, table, key, unit, problems) => {
    expect(figureLinkProblems({ table, key: { ...key } }, unit)).toEqual(problems);
  });

  it('knows a rate from a count', () => {
    expect(figureKind({ table: 'sdg-16-2-2', key: { group: 'total', measure: 'rate' } })).toBe('rate');
    expect(figureKind({ table: 'sdg-16-2-2', key: { group: 'total', measure: 'victims' } })).toBe('count');
  });
});

describe('parseFigureKey and tableKey', () => {
  it.each([
    ['', {}],
    ['status=identified;sex=female', { status: 'identified', sex: 'female' }],
    [' citizenship = UZB ; ', { citizenship: 'UZB' }],
    ['sex', null],
    ['sex=female;sex=male', null],
    ['toString=x', { toString: 'x' }],
    ['sex=fe male', null],
  ] as const)('%j', (text, key) => {
    expect(parseFigureKey(text)).toEqual(key);
  });

  it('spells a quarter with the reporting year', () => {
    expect(tableKey({ table: 'nrm-victims-quarter-age', key: { quarter: 'Q2', ageGroup: 'child' } }, 2025)).toEqual({ quarter: '2025-Q2', ageGroup: 'child' });
  });
});
