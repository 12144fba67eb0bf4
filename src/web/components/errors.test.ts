import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { UpdateCountryProfileBody } from '../../shared/schemas/identification.ts';
import { ApiError } from '../api/errors.ts';
import { checkForm, serverFieldErrors } from './errors.tsx';

// The translation function as a test sees it: the key itself, so a test reads which text was chosen.
const t = ((key: string) => key) as unknown as TFunction;
const messages = { 'this year is already in the list': 'Bu il artıq siyahıdadır', 'female and male add up to the total': 'Qadınlar və kişilər cəmdə ümumi saya bərabər olmalıdır' };
const year = (o: object = {}) => ({ year: 2026, total: 100, female: 50, male: 50, children: 10, source: 'SSC', ...o });

describe('field messages of a form', () => {
  it.each([
    ['a custom check the form translates', { population: [year(), year()] }, { 'population.1.year': messages['this year is already in the list'] }],
    ['a cross-field check the form translates', { population: [year({ female: 49 })] }, { 'population.0.total': messages['female and male add up to the total'] }],
    ['a custom check it does not: the generic text', { disclosure: { dashboardThreshold: 5, openDataThreshold: 4, openDataRounding: null } }, { 'disclosure.openDataThreshold': 'validation.invalid' }],
    ['a missing figure: required', { population: [year({ total: undefined })] }, { 'population.0.total': 'validation.required' }],
  ])('in the browser: %s', (_, values, expected) => {
    expect(checkForm(t, UpdateCountryProfileBody, values, messages).errors).toEqual(expected);
  });

  it('from the server: the same words translated, known ones as before, the rest as sent', () => {
    const refused = new ApiError(400, 'validation_failed', 'Invalid body', { 'population.1.year': 'this year is already in the list', email: 'already in use', 'population.0.source': 'where the figure comes from' });
    expect(serverFieldErrors(t, refused, messages)).toEqual({ 'population.1.year': 'Bu il artıq siyahıdadır', email: 'validation.taken', 'population.0.source': 'where the figure comes from' });
    expect(serverFieldErrors(t, refused)).toMatchObject({ 'population.1.year': 'this year is already in the list' });
  });
});
