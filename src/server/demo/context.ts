import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AuditActor } from '../audit/audit.ts';
import type { Principal } from '../access/principal.ts';
import type { Keys } from '../crypto/keys.ts';
import { recordKeys } from '../crypto/record-keys.ts';
import { loadUserWithAccess } from '../auth/principal-repository.ts';
import { toPrincipal } from '../auth/authenticate.ts';
import { loadCountryProfile } from '../nrm-profile.ts';
import { addDays, dayIn } from '../../domain/deadlines.ts';
import type { CountryProfile } from '../../domain/country-profile.ts';

/** A demo user as the services see them: who acts, and how the audit log names it (the demo seeding, in their name). */
export type DemoActor = { p: Principal; actor: AuditActor; id: string; agencyId: string };

/**
 * What every demo seeder gets: the database, the master keys, the demo agencies by key, the demo
 * users by key, and today's date in the country's time zone (every date of the story is relative to it).
 */
export type DemoContext = {
  db: Db;
  keys: Keys;
  agency: (key: string) => string;
  as: (userKey: string) => Promise<DemoActor>;
  profile: CountryProfile;
  /** Today in the country's time zone, `YYYY-MM-DD`. */
  today: string;
  /** `n` days from today (negative: ago), `YYYY-MM-DD`. */
  day: (n: number) => string;
  /** `n` days from now (negative: ago), an instant. */
  at: (n: number, hours?: number) => Date;
  /**
   * Runs one step of the story once: a finished step is recorded (demo_seed_steps) and skipped on the
   * next start. The services each commit on their own, so a step is as small as one story element.
   */
  step: (key: string, run: () => Promise<void>) => Promise<boolean>;
};

export async function demoContext(db: Db, agencyIds: ReadonlyMap<string, string>, userEmails: ReadonlyMap<string, string>): Promise<DemoContext> {
  const profile = await loadCountryProfile(db);
  const now = new Date();
  const today = dayIn(profile.timeZone, now);
  const cache = new Map<string, DemoActor>();
  return {
    db,
    keys: recordKeys(),
    profile,
    today,
    day: (n) => addDays(today, n),
    at: (n, hours = 0) => new Date(now.getTime() + (n * 24 + hours) * 3600_000),
    agency: (key) => {
      const id = agencyIds.get(key);
      if (!id) throw new Error(`demo: no agency ${key}`);
      return id;
    },
    as: async (key) => {
      const hit = cache.get(key);
      if (hit) return hit;
      const email = userEmails.get(key);
      const row = email ? await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email).executeTakeFirst() : undefined;
      const u = row && (await loadUserWithAccess(db, row.id));
      if (!u) throw new Error(`demo: no user ${key}`);
      const p = toPrincipal(u, 'session', null, null);
      const who: DemoActor = { p, actor: { userId: u.id, agencyId: u.agencyId, via: 'system' }, id: u.id, agencyId: u.agencyId };
      cache.set(key, who);
      return who;
    },
    step: async (key, run) => {
      if (await db.selectFrom('demoSeedSteps').select('key').where('key', '=', key).executeTakeFirst()) return false;
      await run();
      await db.insertInto('demoSeedSteps').values({ key }).execute();
      return true;
    },
  };
}
