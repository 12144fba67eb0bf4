import { sql } from 'kysely';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../test/helpers/db.ts';
import { makeAgency, makeUser } from '../../test/helpers/app.ts';
import { tamperAuditEntry } from '../../test/helpers/tables.ts';
import { verifyPassword } from '../server/auth/passwords.ts';
import type { Db } from '../server/db/database.ts';
import { auditVerifyCommand, describeChainReport } from './commands/audit.ts';
import { userCreateCommand, userResetPasswordCommand } from './commands/user.ts';
import { CliError } from './context.ts';

let t: Awaited<ReturnType<typeof cloneTestDatabase>>;
let db: Db;
let agency: { id: string; name: string };
beforeAll(async () => {
  t = await cloneTestDatabase();
  db = t.db;
  agency = await makeAgency(db, { name: 'Ministry of Internal Affairs', type: 'government' });
});
afterAll(() => t.drop());

async function refusal(promise: Promise<unknown>): Promise<CliError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CliError);
  return e as CliError;
}

const lastAudit = () => db.selectFrom('auditLog').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
const userByEmail = (email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

/** The real CLI in a child process, pointed at this file's database. */
async function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = path.resolve(import.meta.dirname, '../..');
  const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (stdin !== undefined) child.stdin!.end(stdin);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

describe('user create', () => {
  it('creates a user in an agency named case-insensitively, with a temporary password, audited as the CLI', async () => {
    const r = await userCreateCommand(db, { email: 'Leyla@Example.org', name: 'Leyla', agency: 'ministry of internal affairs', roles: ['administrator', 'auditor'], language: 'en' });
    expect(r.user).toMatchObject({ email: 'leyla@example.org', agency: { id: agency.id }, roles: expect.arrayContaining(['administrator', 'auditor']) as string[] });
    expect(r.temporaryPassword).toMatch(/.{12,}/);
    const row = await userByEmail('leyla@example.org');
    expect(row.mustChangePassword).toBe(true);
    expect(await verifyPassword(row.passwordHash, r.temporaryPassword!)).toBe(true);
    expect(await lastAudit()).toMatchObject({ action: 'user.created', via: 'cli', actorUserId: null, recordId: r.user.id });
  });

  it('takes the agency by id and a given password, which need not be changed', async () => {
    const r = await userCreateCommand(db, { email: 'op@example.org', name: 'Op', agency: agency.id, roles: ['operator'], password: 'a long enough password' });
    expect(r.temporaryPassword).toBeNull();
    const row = await userByEmail('op@example.org');
    expect(row.mustChangePassword).toBe(false);
    expect(await verifyPassword(row.passwordHash, 'a long enough password')).toBe(true);
  });

  it.each([
    [{ email: 'not-an-email' }, /--email/],
    [{ roles: ['wizard'] }, /--role/],
    [{ roles: [] }, /--role: give at least one/],
    [{ language: 'de' }, /--language/],
    [{ password: 'short' }, /--password: at least 12 characters/],
    [{ agency: 'No Such Agency' }, /No agency named "No Such Agency"/],
    [{ email: 'leyla@example.org' }, /A user with this e-mail exists/],
  ])('refuses bad input %o with exit code 2', async (patch, message) => {
    const e = await refusal(userCreateCommand(db, { email: 'new@example.org', name: 'New', agency: agency.name, roles: ['operator'], ...patch }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
    expect(await db.selectFrom('users').select('id').where('email', '=', 'new@example.org').executeTakeFirst()).toBeUndefined();
  });
});

describe('user reset-password', () => {
  it('gives a new temporary password, ends sessions and clears a lockout, audited as the CLI', async () => {
    const u = await makeUser(db, { agencyId: agency.id, roles: ['case_worker'] });
    await db.insertInto('signInAttempts').values({ userId: u.id, addressKey: '203.0.113.9', failures: 5, lockedUntil: new Date(Date.now() + 3600_000) }).execute();
    const r = await userResetPasswordCommand(db, { email: u.email.toUpperCase() });
    const row = await userByEmail(u.email);
    expect(await verifyPassword(row.passwordHash, r.temporaryPassword)).toBe(true);
    expect(await verifyPassword(row.passwordHash, u.password)).toBe(false);
    expect(row).toMatchObject({ mustChangePassword: true });
    expect(await db.selectFrom('signInAttempts').select('userId').where('userId', '=', u.id).execute()).toEqual([]);
    expect(await lastAudit()).toMatchObject({ action: 'user.password_reset', via: 'cli', recordId: u.id });
  });

  it('names an unknown e-mail with exit code 2', async () => {
    const e = await refusal(userResetPasswordCommand(db, { email: 'nobody@example.org' }));
    expect(e).toMatchObject({ exitCode: 2, message: 'No user with the e-mail nobody@example.org' });
  });
});

describe('audit verify', () => {
  it('reports an intact chain', async () => {
    const report = await auditVerifyCommand(db);
    expect(report.ok).toBe(true);
    expect(describeChainReport(report)).toMatch(/^Audit log intact: \d+ entries checked/);
  });

  describe('through the real CLI, in a child process', () => {
    it('prints the result and exits 0 on an intact chain', async () => {
      const r = await cli(['audit', 'verify']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Audit log intact: \d+ entries checked in \d+ chains?\.\nNote this anchor .*: a\d+:[0-9a-f]{64}\n$/);
      // The printed anchor is the newest, and a later check with it passes.
      const anchor = /(a\d+:[0-9a-f]{64})\n$/.exec(r.stdout)![1]!;
      const newest = await db.selectFrom('auditAnchors').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(anchor).toBe(`a${newest.id}:${newest.hash}`);
      const again = await cli(['audit', 'verify', '--anchor', anchor]);
      expect(again.code).toBe(0);
      expect(r.code).toBe(0);
    });

    it('creates a user with the password from stdin, and exits 2 on bad input', async () => {
      const ok = await cli(['user', 'create', '--email', 'cli@example.org', '--name', 'Cli', '--agency', agency.name, '--role', 'analyst', '--role', 'auditor', '--password-stdin'], 'piped in password\n');
      expect(ok.stdout).toMatch(/^Created cli@example.org .* with roles (analyst, auditor|auditor, analyst)\n$/);
      expect(ok.code).toBe(0);
      expect(await verifyPassword((await userByEmail('cli@example.org')).passwordHash, 'piped in password')).toBe(true);

      const bad = await cli(['user', 'create', '--email', 'nope', '--name', 'X', '--agency', agency.name, '--role', 'analyst']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--email: /);
      const missing = await cli(['user', 'create', '--email', 'x@example.org']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/required option/);
    });

    it('exits 1 naming the first tampered entry', async () => {
      // The second entry of the first chain holding two.
      const { rows } = await sql<{ seq: string; chain: number; before: string }>`
        SELECT seq, chain, (SELECT count(*) FROM audit_log b WHERE b.chain < a.chain OR (b.chain = a.chain AND b.pos < a.pos))::text AS before
        FROM audit_log a WHERE pos = 2 ORDER BY chain LIMIT 1`.execute(db);
      const victim = rows[0]!;
      await tamperAuditEntry(db, Number(victim.seq), 'user.nothing_to_see');
      const r = await cli(['audit', 'verify']);
      expect(r.stdout).toBe(
        `Audit log BROKEN at entry seq ${victim.seq} (chain ${victim.chain}, position 2): entry content does not match its hash. ${victim.before} earlier ${victim.before === '1' ? 'entry' : 'entries'} verified.\n`,
      );
      expect(r.code).toBe(1);
      expect(await auditVerifyCommand(db)).toMatchObject({ ok: false, firstBroken: { seq: victim.seq, chain: victim.chain, pos: '2' } });
    });
  });
});
