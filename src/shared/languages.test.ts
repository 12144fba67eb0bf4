import { describe, expect, it } from 'vitest';
import { acceptedLanguages, pickLanguage } from './languages.ts';

describe('acceptedLanguages', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['ru-RU', ['ru-RU']],
    ['en-US,en;q=0.9', ['en-US', 'en']],
    ['de;q=0.5, ru;q=0.8, en', ['en', 'ru', 'de']],
    ['az;q=0.5, ru;q=0.5', ['az', 'ru']],
    ['ru;q=0, en', ['en']],
    ['*;q=0.1, az-Latn-AZ', ['az-Latn-AZ', '*']],
    [';;q=abc, ,en;q=2, ru;q=x, az;q=0.3', ['az']],
    ['en;q=1.0001', []],
  ] as const)('%j -> %j', (header, tags) => {
    expect(acceptedLanguages(header)).toEqual(tags);
  });
});

describe('pickLanguage: the address, then a pick (cookie, stored), then the browser, then Azerbaijani', () => {
  it.each([
    [{}, 'az'],
    [{ accepted: ['en-US', 'en'] }, 'en'],
    [{ accepted: ['de-DE', 'ru'] }, 'ru'],
    [{ accepted: ['de-DE', 'fr'] }, 'az'],
    [{ accepted: ['RU-ru'] }, 'ru'],
    [{ cookie: 'en', accepted: ['ru'] }, 'en'],
    [{ cookie: 'xx', accepted: ['ru'] }, 'ru'],
    [{ stored: 'ru', accepted: ['en'] }, 'ru'],
    [{ cookie: 'en', stored: 'ru' }, 'en'],
    [{ param: 'ru', cookie: 'en', accepted: ['en'] }, 'ru'],
    [{ param: 'de', cookie: 'en' }, 'en'],
    [{ param: null, cookie: null, stored: null, accepted: [] }, 'az'],
  ] as const)('%j -> %s', (from, lang) => {
    expect(pickLanguage(from)).toBe(lang);
  });
});
