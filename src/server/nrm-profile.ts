import type { DbOrTx } from './db/database.ts';
import { AZERBAIJAN_PROFILE, type CountryProfile } from '../domain/country-profile.ts';
import { dayIn } from '../domain/deadlines.ts';
import { AZERBAIJAN_JUSTICE_PROFILE, type JusticeProfile } from '../domain/justice-profile.ts';

export const COUNTRY_PROFILE_SETTING = 'nrm.country_profile';

/** The country profile in force: the stored overrides over the Azerbaijan defaults. */
export async function loadCountryProfile(db: DbOrTx): Promise<CountryProfile> {
  return countryProfileOf(await countryProfileQuery(db).executeTakeFirst());
}

export const countryProfileQuery = (db: DbOrTx) => db.selectFrom('settings').select('value').where('key', '=', COUNTRY_PROFILE_SETTING);

/** The profile from the settings row (if any) over the defaults. */
export const countryProfileOf = (row: { value: unknown } | undefined): CountryProfile => ({
  ...AZERBAIJAN_PROFILE,
  ...((row?.value as Partial<CountryProfile> | undefined) ?? {}),
});

/**
 * Today's date in the country's time zone: what "not in the future" and "in force today" mean for a
 * date a user typed. (UTC's date is a day behind Baku's from 20:00 to midnight UTC, which refused a
 * consent given "today" every evening.)
 */
export async function countryToday(db: DbOrTx, now = new Date()): Promise<string> {
  return dayIn((await loadCountryProfile(db)).timeZone, now);
}

export const JUSTICE_PROFILE_SETTING = 'justice.country_profile';

/** The criminal-justice part of the country profile: stored overrides over Azerbaijan's defaults. */
export async function loadJusticeProfile(db: DbOrTx): Promise<JusticeProfile> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', JUSTICE_PROFILE_SETTING).executeTakeFirst();
  return { ...AZERBAIJAN_JUSTICE_PROFILE, ...((row?.value as Partial<JusticeProfile> | undefined) ?? {}) };
}
