import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit/audit.ts';
import { ROLES, type AgencyType, type Role } from '../../shared/roles.ts';
import { insertUser, updateUser } from '../modules/users/service.ts';
import { seedPressDemo } from './press-seed.ts';
import { demoContext, type DemoContext } from './context.ts';
import { seedProvidersDemo } from './providers-seed.ts';
import { seedHotlineDemo } from './hotline-seed.ts';
import { seedNrmDemo } from './nrm-seed.ts';
import { configureDemoHotline } from './hotline-demo.ts';
import { seedStatisticsDemo } from './statistics-seed.ts';
import { seedJusticeDemo } from './justice-seed.ts';
import { seedActionPlanDemo } from './action-plan-seed.ts';

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
  // With the bodies above, the nine that answer for the national action plan's measures (action-plan-seed.ts).
  { key: 'justice_ministry', name: 'Ministry of Justice', type: 'government', shortName: 'MoJ' },
  { key: 'border', name: 'State Border Service', type: 'government', shortName: 'SBS' },
  { key: 'ngo1', name: 'Clean World Public Union (demo NGO)', type: 'ngo' },
  { key: 'ngo2', name: 'Legal Aid and Migration NGO (demo)', type: 'ngo' },
  { key: 'shelter', name: 'Shelter for Victims of Trafficking (demo)', type: 'shelter' },
];

/** Where each role's demo user works. The supervisor supervises the hotline (its contacts and escalations). */
const ROLE_AGENCY: Record<Role, string> = {
  operator: 'hotline',
  case_worker: 'ngo1',
  supervisor: 'hotline',
  identification_officer: 'mia_atd',
  investigator: 'mia_atd',
  prosecutor: 'prosecutor',
  court_clerk: 'court',
  coordinator: 'coordinator',
  // The Ministry of Labour's focal point for the national action plan.
  plan_focal_point: 'labour',
  analyst: 'coordinator',
  press_monitor: 'ngo2',
  press_reviewer: 'ngo2',
  auditor: 'coordinator',
  administrator: 'coordinator',
};

export const demoEmail = (role: Role) => `${role}@demo.pathway.local`;

/** Demo users beside the one per role: those the NRM story needs in the NGO, the shelter and the legal-aid NGO. */
export const DEMO_EXTRA_USERS: ReadonlyArray<{ key: string; email: string; name: string; role: Role; agency: string }> = [
  { key: 'ngo_supervisor', email: 'ngo-supervisor@demo.pathway.local', name: 'Demo NGO supervisor', role: 'supervisor', agency: 'ngo1' },
  { key: 'shelter_worker', email: 'shelter-worker@demo.pathway.local', name: 'Demo shelter case worker', role: 'case_worker', agency: 'shelter' },
  { key: 'lawyer', email: 'legal-aid@demo.pathway.local', name: 'Demo legal-aid lawyer', role: 'case_worker', agency: 'ngo2' },
  // The action plan's focal points of the other responsible bodies (the Ministry of Labour's is the plan_focal_point demo user).
  ...(['mia_atd', 'health', 'education', 'foreign', 'migration', 'family', 'justice_ministry', 'border'] as const).map((agency) => ({
    key: `focal_${agency}`,
    email: `focal-${agency.replace('_', '-')}@demo.pathway.local`,
    name: `Demo action plan focal point (${agency.replace('_', ' ')})`,
    role: 'plan_focal_point' as const,
    agency,
  })),
];

/**
 * The story after the agencies and users, in order; each seeder writes through the modules' own
 * services (sealing, name keys, audit) and skips what an earlier start wrote. More seeders (criminal
 * cases, the action plan) are added here.
 */
export const DEMO_SEEDERS: ReadonlyArray<{ name: string; seed: (ctx: DemoContext) => Promise<void> }> = [
  { name: 'providers', seed: seedProvidersDemo },
  { name: 'hotline', seed: seedHotlineDemo },
  { name: 'nrm', seed: seedNrmDemo },
  // After the NRM story: criminal cases link to its victims.
  { name: 'justice', seed: (ctx) => ctx.db.transaction().execute((tx) => seedJusticeDemo(tx, ctx.today)) },
  { name: 'action-plan', seed: seedActionPlanDemo },
  // Last: the releases count everything above.
  { name: 'statistics', seed: seedStatisticsDemo },
];

export class DemoRefused extends Error {}

/**
 * Demo users share one published password: demo mode is refused on a database with a real user. A
 * user is demo when marked so or when their agency is (docs/access-model.md), so users made during
 * a demo (in the web app, through the API or with `pathway user create` in a demo agency) do not
 * stop the demo from starting again.
 */
export async function assertDemoDatabase(db: Db): Promise<void> {
  const real = await db
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agencyId')
    .select('u.email')
    .where('u.isDemo', '=', false)
    .where('a.isDemo', '=', false)
    .orderBy('u.createdAt')
    .limit(1)
    .executeTakeFirst();
  if (real) {
    throw new DemoRefused(
      `Pathway DEMO refused: this database has real users (${real.email}). Use the demo on its own data folder (npm run demo uses ./data-demo) or an empty database.`,
    );
  }
}

/** Loads the demo agencies, the demo users and the whole story; running it again changes nothing. */
export async function seedDemo(db: Db): Promise<void> {
  // One seeding at a time, even when several Pathway processes start together on one database.
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(7231004)`.execute(conn);
    try {
      const { agencyIds, userEmails } = await seedAccounts(db);
      const ctx = await demoContext(db, agencyIds, userEmails);
      for (const s of DEMO_SEEDERS) await s.seed(ctx);
    } finally {
      await sql`SELECT pg_advisory_unlock(7231004)`.execute(conn);
    }
  });
}

async function seedAccounts(db: Db) {
  const agencyIds = new Map<string, string>();
  const userEmails = new Map<string, string>();
  await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(7231003)`.execute(tx);
    for (const a of DEMO_AGENCIES) {
      const found = await tx.selectFrom('agencies').select('id').where(sql`lower(name)`, '=', a.name.toLowerCase()).executeTakeFirst();
      const id =
        found?.id ??
        (await tx.insertInto('agencies').values({ name: a.name, type: a.type, shortName: a.shortName ?? null, isDemo: true }).returning('id').executeTakeFirstOrThrow()).id;
      agencyIds.set(a.key, id);
    }
    const users = [
      ...ROLES.map((role) => ({ key: role as string, email: demoEmail(role), name: `Demo ${role.replaceAll('_', ' ')}`, role, agency: ROLE_AGENCY[role] })),
      ...DEMO_EXTRA_USERS,
    ];
    let created = 0;
    for (const u of users) {
      userEmails.set(u.key, u.email);
      if (await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', u.email).executeTakeFirst()) continue;
      await insertUser(tx, { email: u.email, name: u.name, language: 'en', agencyId: agencyIds.get(u.agency)!, roles: [u.role], isServiceAccount: false, password: DEMO_PASSWORD, isDemo: true });
      created++;
    }
    if (created > 0) await appendAudit(tx, SYSTEM_ACTOR, { action: 'demo.seeded', changes: { agencies: DEMO_AGENCIES.length, users: created } });
    await configureDemoHotline(tx, agencyIds.get('hotline')!);
    const monitor = await tx.selectFrom('users').select(['id', 'agencyId']).where(sql`lower(email)`, '=', demoEmail('press_monitor')).executeTakeFirst();
    if (monitor) await seedPressDemo(tx, { userId: monitor.id, agencyId: monitor.agencyId });
  });
  // Demo data folders from before the supervisor moved to the hotline: move them there (audited, with their work handed over).
  const supervisor = await db.selectFrom('users').select(['id', 'agencyId']).where(sql`lower(email)`, '=', demoEmail('supervisor')).executeTakeFirst();
  if (supervisor && supervisor.agencyId === agencyIds.get('ngo1')) await updateUser(db, SYSTEM_ACTOR, supervisor.id, { agencyId: agencyIds.get('hotline')! });
  return { agencyIds, userEmails };
}
