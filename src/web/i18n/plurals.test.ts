import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import { translations } from './resources.ts';

const i18n = createInstance();
await i18n.init({
  resources: { az: { translation: translations.az }, ru: { translation: translations.ru }, en: { translation: translations.en } },
  lng: 'ru',
  fallbackLng: 'az',
  interpolation: { escapeValue: false },
});

describe('plurals through i18next (CLDR rules from Intl.PluralRules)', () => {
  const ru = i18n.getFixedT('ru');
  const en = i18n.getFixedT('en');
  const az = i18n.getFixedT('az');

  it.each([
    [1, 'Проверена 1 запись, изменений нет.'],
    [3, 'Проверено 3 записи, изменений нет.'],
    [5, 'Проверено 5 записей, изменений нет.'],
    [11, 'Проверено 11 записей, изменений нет.'],
    [21, 'Проверена 21 запись, изменений нет.'],
    [24, 'Проверено 24 записи, изменений нет.'],
  ])('Russian: %i', (count, text) => {
    expect(ru('audit.chainOkText', { count })).toBe(text);
  });

  it('English and Azerbaijani', () => {
    expect(en('audit.chainOkText', { count: 1 })).toBe('1 entry checked, none altered.');
    expect(en('audit.chainOkText', { count: 2 })).toBe('2 entries checked, none altered.');
    expect(en('validation.minLength', { count: 1 })).toBe('At least 1 character');
    expect(az('hotlineConsole.history.title', { count: 3 })).toBe('Təkrar müraciət edən: əvvəl 3 müraciət');
  });
});

describe('grammatical gender through context', () => {
  const ru = i18n.getFixedT('ru');
  const en = i18n.getFixedT('en');

  it('Russian agrees with the person', () => {
    expect(ru('nrm.codes.personRole.victim', { context: 'female' })).toBe('Пострадавшая');
    expect(ru('nrm.codes.personRole.victim', { context: 'male' })).toBe('Пострадавший');
    expect(ru('nrm.codes.outcome.identified_trafficking', { context: 'female' })).toBe('Идентифицирована: торговля людьми');
    expect(ru('nrm.codes.ageBand.adult', { context: 'female' })).toBe('взрослая');
  });

  it('where the person is not known, the label does not pretend a sex', () => {
    expect(ru('press.outcome.injured')).toBe('Ранение');
    expect(ru('press.outcome.seriously_injured')).toBe('Тяжёлое ранение');
    expect(ru('nrm.codes.victimStatus.identified')).toBe('Идентифицированная жертва');
  });

  it('a language without gender falls back to the plain label', () => {
    expect(en('nrm.codes.personRole.victim', { context: 'female' })).toBe('Victim');
  });
});
