import { describe, expect, it } from 'vitest';
import { cyrillicToLatin, nameKey, nameKeys, queryKeys } from './names.ts';

describe('nameKey: spellings of one name give one key', () => {
  const groups: string[][] = [
    ['Huseynli', 'Hüseynli', 'Гусейнли'],
    ['Haziyev', 'Khaziyev', 'Həziyev', 'Хазиев', 'Haziev'],
    ['Azadliq', 'Azadlıq', 'Азадлыг', 'AZADLIQ'],
    ['Гусейнов', 'Huseynov', 'Hüseynov', 'Guseynov'],
    ['Cəfərov', 'Jafarov', 'Джафаров', 'Dzhafarov'],
    ['Gündəlik', 'Gundelik'],
    ['Azərbaycan', 'Azerbaijan', 'Azerbaycan'],
    ['Şahin', 'Shahin', 'Шахин'],
    ['Çingiz', 'Chingiz', 'Чингиз'],
    ['Xəlil', 'Khalil', 'Halil', 'Халил'],
    ['Ağa', 'Agha', 'Aga'],
    ['Məmmədov', 'Mammadov', 'Mamedov', 'Мамедов'],
    ['Üzeyir', 'Uzeyir', 'Узеир'],
    ['Bahəddin', 'Bahaddin', 'Бахаддин'],
  ];
  it.each(groups.map((g) => [g.join(' = '), g] as const))('%s', (_name, spellings) => {
    const keys = new Set(spellings.map(nameKey));
    expect([...keys]).toHaveLength(1);
  });

  const different: Array<[string, string]> = [
    ['Huseynov', 'Huseynli'],
    ['Elmar', 'Nijat'],
    ['Sahin', 'Shahin'],
    ['Fikret', 'Fikrat1'],
  ];
  it.each(different)('%s differs from %s', (a, b) => expect(nameKey(a)).not.toBe(nameKey(b)));
});

describe('cyrillicToLatin', () => {
  const table: Array<[string, string]> = [
    ['Гусейнов', 'guseynov'],
    ['Хазиев', 'khaziyev'],
    ['Елмар', 'yelmar'],
    ['Джафаров', 'dzhafarov'],
    ['Щукин', 'shchukin'],
    ['Baku', 'baku'],
  ];
  it.each(table)('%s -> %s', (c, l) => expect(cyrillicToLatin(c)).toBe(l));
});

describe('nameKeys and queryKeys', () => {
  it('keys every word of every name once, sorted', () => {
    expect(nameKeys('Elmar Huseynov', 'Эльмар Гусейнов', null)).toEqual(['almar', 'husainov']);
    expect(nameKeys('Gündəlik Azərbaycan', 'Gundelik Azerbaijan')).toEqual(['azarbaijan', 'hundalik']);
  });
  it('a query in another script finds the stored keys', () => {
    const stored = new Set(nameKeys('Fikrət Hüseynli', 'Fikret Huseynli'));
    expect(queryKeys('фикрет гусейнли').every((k) => stored.has(k))).toBe(true);
    expect(queryKeys('  ')).toEqual([]);
  });
});
