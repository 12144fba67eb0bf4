import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { ROLES, type AgencyType, type Role } from '../../shared/roles.ts';
import { insertUser } from '../modules/users/service.ts';
import { seedPressDemo } from './press-seed.ts';
import { seedJusticeDemo } from './justice-seed.ts';

/** Printed on start in demo mode; never use demo mode with real data. */
export const DEMO_PASSWORD = 'demo-pathway-2026';

/** The agencies of a national referral mechanism (names as a demo, not as any real body's data). */
export const DEMO_AGENCIES: ReadonlyArray<{ key: string; name: string; type: AgencyType; shortName?: string }> = [
  { key: 'coordinator', name: "National Coordinator's Office", type: 'coordinator', shortName: 'NCO' },
  { key: 'mia_atd', name: 'Ministry of Internal Affairs, Anti-Trafficking Department', type: 'police', shortName: 'MIA ATD' },
  { key: 'hotline', name: 'National Anti-Trafficking Hotline (MIA)', type: 'police', shortName: 'Hotline' },
  { key: 'prosecutor', name: "Prosecutor General's Office", type: 'prosecution', shortName: 'PGO' },
  { key: 'court', name: 'Baku Serious Crimes Court (demo)', type: 'court', shortName: 'BSCC' },
  { key: 'labour', name: 'Ministry of Labour and Social Protection of Population', type: 'government', shortName: 'MLSPP' },
  { key: 'health', name: 'Ministry of Health', type: 'government', shortName: 'MoH' },
  { key: 'education', name: 'Ministry of Science and Education', type: 'government', shortName: 'MoE' },
  { key: 'foreign', name: 'Ministry of Foreign Affairs', type: 'government', shortName: 'MFA' },
  { key: 'migration', name: 'State Migration Service', type: 'government', shortName: 'SMS' },
  { key: 'family', name: 'State Committee for Family, Women and Children Affairs', type: 'government', shortName: 'SCFWCA' },
  { key: 'ngo1', name: 'Clean World Public Union (demo NGO)', type: 'ngo' },
  { key: 'ngo2', name: 'Legal Aid and Migration NGO (demo)', type: 'ngo' },
  { key: 'shelter', name: 'Shelter for Victims of Trafficking (demo)', type: 'shelter' },
];

/** Where each role's demo user works. */
const ROLE_AGENCY: Record<Role, string> = {
  operator: 'hotline',
  case_worker: 'ngo1',
  supervisor: 'ngo1',
  identification_officer: 'mia_atd',
  investigator: 'mia_atd',
  prosecutor: 'prosecutor',
  court_clerk: 'court',
  coordinator: 'coordinator',
  analyst: 'coordinator',
  press_monitor: 'ngo2',
  press_reviewer: 'ngo2',
  auditor: 'coordinator',
  administrator: 'coordinator',
};

export const demoEmail = (role: Role) => `${role}@demo.pathway.local`;

/** Loads the demo agencies and one demo user per role; running it again changes nothing. */
export async function seedDemo(db: Db): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(7231003)`.execute(tx);
    const ids = new Map<string, string>();
    for (const a of DEMO_AGENCIES) {
      const found = await tx.selectFrom('agencies').select('id').where(sql`lower(name)`, '=', a.name.toLowerCase()).executeTakeFirst();
      const id =
        found?.id ??
        (await tx.insertInto('agencies').values({ name: a.name, type: a.type, shortName: a.shortName ?? null, isDemo: true }).returning('id').executeTakeFirstOrThrow()).id;
      ids.set(a.key, id);
    }
    let created = 0;
    for (const role of ROLES) {
      const email = demoEmail(role);
      if (await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', email).executeTakeFirst()) continue;
      const name = `Demo ${role.replaceAll('_', ' ')}`;
      await insertUser(tx, { email, name, language: 'en', agencyId: ids.get(ROLE_AGENCY[role])!, roles: [role], isServiceAccount: false, password: DEMO_PASSWORD, isDemo: true });
      created++;
    }
    if (created > 0) await appendAudit(tx, SYSTEM_ACTOR, { action: 'demo.seeded', changes: { agencies: DEMO_AGENCIES.length, users: created } });
    const monitor = await tx.selectFrom('users').select(['id', 'agencyId']).where(sql`lower(email)`, '=', demoEmail('press_monitor')).executeTakeFirst();
    if (monitor) await seedPressDemo(tx, { userId: monitor.id, agencyId: monitor.agencyId });
    await seedJusticeDemo(tx, new Date().toISOString().slice(0, 10));
  });
}
