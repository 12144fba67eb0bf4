import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTestDatabase } from '../../test/helpers/db.ts';
import { makeAgency, makeUser } from '../../test/helpers/app.ts';
import { dumpAllTables, tamperAuditEntry } from '../../test/helpers/tables.ts';
import { verifyAuditChain } from '../server/audit/audit.ts';
import { latestSchemaVersion, type Db } from '../server/db/database.ts';
import { backupCommand } from './commands/backup.ts';
import { restoreCommand } from './commands/restore.ts';
import { userCreateCommand } from './commands/user.ts';
import { CliError } from './context.ts';

type TestDb = Awaited<ReturnType<typeof cloneTestDatabase>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-backup-test-'));
const dbs: TestDb[] = [];
async function freshDb(): Promise<Db> {
  const t = await cloneTestDatabase();
  dbs.push(t);
  return t.db;
}

let source: Db;
let file: string;
let before: Record<string, string[]>;

/** Values that a careless dump would bend: beyond 2^53, microseconds, NUL bytes, quotes in arrays, unicode. */
async function seedAwkwardData(db: Db) {
  const agency = await makeAgency(db, { name: 'Ünsal "Shelter", Bakı — Ağdam' });
  const user = await makeUser(db, { agencyId: agency.id, roles: ['case_worker'] });
  await userCreateCommand(db, { email: 'admin@example.org', name: 'Admin', agency: agency.name, roles: ['administrator'] });
  await sql`UPDATE users SET totp_last_step = 9007199254740993, locked_until = '2031-02-03 04:05:06.123456+00' WHERE id = ${user.id}`.execute(db);
  await sql`INSERT INTO sessions (token_hash, csrf_token, user_id, expires_at, created_at)
    VALUES (${Buffer.from([0, 1, 2, 0xfe, 0xff, 0, 92, 34])}, 'c\\"sr\nf', ${user.id}, 'infinity', '1999-12-31 23:59:59.999+04')`.execute(db);
  await sql`INSERT INTO access_grants (record_type, record_id, grantee_agency_id, sections, kind)
    VALUES ('case', gen_random_uuid(), ${agency.id}, ARRAY['identity', 'a,b', 'q"uote', 'back\\slash', NULL], 'share')`.execute(db);
  // A victim and a hotline contact: the statistics' counts of them come back as they were, not counted twice.
  const c = await db.insertInto('cases').values({ caseNumber: 'BK-1', ownerAgencyId: agency.id, createdBy: user.id, exploitationForms: ['forced_labour'] }).returning('id').executeTakeFirstOrThrow();
  const p = await db.insertInto('people').values({ ownerAgencyId: agency.id, sex: 'female', birthYear: 1990 }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('casePeople').values({ caseId: c.id, personId: p.id, role: 'victim', addedBy: user.id }).execute();
  await db.insertInto('contacts').values({ channel: 'call', status: 'completed', ownerAgencyId: agency.id, contactType: 'trafficking_report', persons: JSON.stringify([{ role: 'potential_victim', sex: 'female', age: 20 }]) }).execute();
  await sql`INSERT INTO settings (key, value) VALUES
    ('big', '{"n": 12345678901234567890.000000000001, "snake_key": [1, 2.5e-7, "ş"], "nested": {"null": null}}'::jsonb),
    ('scalar', '"just a string"'::jsonb)`.execute(db);
}

beforeAll(async () => {
  source = await freshDb();
  await seedAwkwardData(source);
  before = await dumpAllTables(source);
  file = path.join(dir, 'pathway.backup.gz');
  const result = await backupCommand(source, file);
  expect(result.schemaVersion).toBe(latestSchemaVersion());
});

afterAll(async () => {
  for (const t of dbs) await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Rewrites a backup's lines (with a correct new checksum unless told otherwise) into a new file. */
function rewriteBackup(name: string, edit: (lines: string[]) => string[], keepOldChecksum = false): string {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
  const trailer = lines.pop()!;
  const body = edit(lines);
  const content = body.map((l) => `${l}\n`).join('');
  const sha256 = crypto.createHash('sha256').update(content).digest('hex');
  const out = path.join(dir, name);
  fs.writeFileSync(out, zlib.gzipSync(content + (keepOldChecksum ? `${trailer}\n` : `${JSON.stringify({ end: true, sha256 })}\n`)));
  return out;
}

async function expectRefused(promise: Promise<unknown>, message: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).message).toMatch(message);
}

describe('backup', () => {
  it('writes a gzip file of JSON lines: header with every table and its row count, then rows, then a checksum', () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { format: string; formatVersion: number; tables: { name: string; rows: number }[] };
    expect(header).toMatchObject({ format: 'pathway-backup', formatVersion: 1, schemaVersion: latestSchemaVersion() });
    expect(header.tables.map((t) => t.name)).toEqual(Object.keys(before).sort());
    for (const t of header.tables) expect(t.rows, t.name).toBe(before[t.name]!.length);
    expect(header.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['audit_log', 'kysely_migration', 'kysely_migration_lock']));
    const trailer = JSON.parse(lines.at(-1)!) as { sha256: string };
    expect(trailer.sha256).toBe(crypto.createHash('sha256').update(lines.slice(0, -1).map((l) => `${l}\n`).join('')).digest('hex'));
  });

  it('records itself in the audit log, after the snapshot, and the chain still verifies', async () => {
    const last = await source.selectFrom('auditLog').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'backup.created', via: 'cli', actorUserId: null });
    expect(await verifyAuditChain(source)).toMatchObject({ ok: true });
  });
});

describe('restore', () => {
  it('into a fresh database gives every table the same rows, byte for byte, plus one audit entry for the restore', async () => {
    const target = await freshDb();
    const result = await restoreCommand(target, file);
    expect(result.schemaVersion).toBe(latestSchemaVersion());
    const after = await dumpAllTables(target);
    const { audit_log: auditAfter, ...restAfter } = after;
    const { audit_log: auditBefore, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    // The awkward values made it through exactly (not just equal to each other after the same bending).
    expect(restAfter.users!.join()).toContain('"totp_last_step": 9007199254740993');
    expect(restAfter.settings!.join()).toContain('12345678901234567890.000000000001');
    expect(restAfter.sessions!.join()).toContain('\\\\x000102feff005c22');
    expect(restAfter.sessions!.join()).toContain('1999-12-31T19:59:59.999');
    expect(restAfter.statistics_victim_months!.join()).toContain('"n": 1');
    expect(restAfter.statistics_hotline_victim_days!.join()).toContain('"n": 1');
    // Restored entries are the backed-up ones; the restore appends its own at the end.
    expect(auditAfter!.length).toBe(auditBefore!.length + 1);
    const entries = await target.selectFrom('auditLog').select(['seq', 'action', 'via']).orderBy('seq').execute();
    expect(entries.at(-1)).toMatchObject({ action: 'backup.restored', via: 'cli' });
    const restoredOnly = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM audit_log t WHERE action <> 'backup.restored' ORDER BY 1`.execute(target);
    expect(restoredOnly.rows.map((r) => r.row)).toEqual(auditBefore);
    expect(await verifyAuditChain(target)).toMatchObject({ ok: true, checked: auditBefore!.length + 1 });
  });

  it('refuses a database that holds data unless --force, and with --force replaces it', async () => {
    const target = await freshDb();
    await makeUser(target, { roles: ['operator'] });
    const untouched = await dumpAllTables(target);
    await expectRefused(restoreCommand(target, file), /holds data.*--force/s);
    expect(await dumpAllTables(target)).toEqual(untouched);

    await restoreCommand(target, file, { force: true });
    const { audit_log: _a, ...rest } = await dumpAllTables(target);
    const { audit_log: _b, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(await verifyAuditChain(target)).toMatchObject({ ok: true });
  });

  describe('refuses, changing nothing,', () => {
    let target: Db;
    let untouched: Record<string, string[]>;
    beforeAll(async () => {
      target = await freshDb();
      await makeUser(target, { roles: ['supervisor'] });
      untouched = await dumpAllTables(target);
    });

    it('a backup from a newer schema version', async () => {
      const newer = rewriteBackup('newer.gz', (lines) => {
        const header = JSON.parse(lines[0]!) as Record<string, unknown>;
        return [JSON.stringify({ ...header, schemaVersion: '9999_from_the_future' }), ...lines.slice(1)];
      });
      await expectRefused(restoreCommand(target, newer, { force: true }), /9999_from_the_future, newer than this Pathway knows/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });

    it('a truncated file', async () => {
      const truncated = path.join(dir, 'truncated.gz');
      const bytes = fs.readFileSync(file);
      fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expectRefused(restoreCommand(target, truncated, { force: true }), /cannot be decompressed|cut off/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });

    it('a file whose rows were cut off at a line boundary, gzip intact', async () => {
      const cut = rewriteBackup('cut.gz', (lines) => lines.slice(0, -3), true);
      await expectRefused(restoreCommand(target, cut, { force: true }), /Nothing was changed/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });

    it('a file changed after it was written (checksum mismatch)', async () => {
      const altered = rewriteBackup('altered.gz', (lines) => lines.map((l) => l.replace('Admin', 'Eve')), true);
      await expectRefused(restoreCommand(target, altered, { force: true }), /does not match its checksum/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });

    it('a file whose audit log was edited, even with a recomputed checksum (the load is rolled back)', async () => {
      const forged = rewriteBackup('forged.gz', (lines) => lines.map((l) => l.replace('"action": "user.created"', '"action": "user.viewed"')));
      await expectRefused(restoreCommand(target, forged, { force: true }), /audit log does not verify: entry seq \d+/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });

    it('a file whose rows break a foreign key (the load is rolled back)', async () => {
      const orphan = rewriteBackup('orphan.gz', (lines) => {
        // Drop the agencies' rows: their users now point nowhere.
        const at = lines.findIndex((l) => l.startsWith('{"table":"agencies"'));
        const { rows } = JSON.parse(lines[at]!) as { rows: number };
        const header = JSON.parse(lines[0]!) as { tables: { name: string; rows: number }[] };
        for (const t of header.tables) if (t.name === 'agencies') t.rows = 0;
        return [JSON.stringify(header), ...lines.slice(1, at), JSON.stringify({ table: 'agencies', rows: 0 }), ...lines.slice(at + 1 + rows)];
      });
      await expect(restoreCommand(target, orphan, { force: true })).rejects.toThrow(/foreign key/);
      expect(await dumpAllTables(target)).toEqual(untouched);
    });
  });

  it('refuses, changing nothing, a backup with tables and sequences the migrations do not make', async () => {
    const handMade = await freshDb();
    await sql`CREATE TABLE notes (id bigserial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('x')`.execute(handMade);
    const out = path.join(dir, 'hand-made.gz');
    const result = await backupCommand(handMade, out);
    expect(result.tables.map((x) => x.name)).toContain('notes');
    const target = await freshDb();
    await makeUser(target);
    const untouched = await dumpAllTables(target);
    await expectRefused(restoreCommand(target, out, { force: true }), /holds notes, sequence notes_id_seq, which the migrations up to \S+ do not create/);
    expect(await dumpAllTables(target)).toEqual(untouched);
  });

  it('refuses while another client (a running server) is connected to the target', async () => {
    const t = await cloneTestDatabase();
    dbs.push(t);
    const server = new pg.Client({ connectionString: t.url });
    await server.connect();
    try {
      await expectRefused(restoreCommand(t.db, file, { force: true }), /other connection\(s\) use the target database/);
    } finally {
      await server.end();
    }
    await restoreCommand(t.db, file, { force: true });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('names a missing input file', async () => {
    const target = await freshDb();
    await expectRefused(restoreCommand(target, path.join(dir, 'missing.gz')), /There is no file/);
  });

  it('keeps a tampered source detectable: a backup of a tampered log does not restore', async () => {
    const tampered = await freshDb();
    await userCreateCommand(tampered, { email: 'x@example.org', name: 'X', agency: (await makeAgency(tampered)).name, roles: ['analyst'] });
    await tamperAuditEntry(tampered, 1, 'nothing.happened');
    const out = path.join(dir, 'tampered.gz');
    await backupCommand(tampered, out);
    await expectRefused(restoreCommand(await freshDb(), out), /audit log does not verify: entry seq 1/);
  });
});

describe('encrypted backups (what `pathway backup` writes)', () => {
  const passphrase = 'correct horse battery staple, Bakı';
  let encrypted: string;
  let source2: Db;
  let before2: Record<string, string[]>;
  const withoutAudit = (d: Record<string, string[]>) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'audit_log'));

  beforeAll(async () => {
    source2 = await freshDb();
    await seedAwkwardData(source2);
    before2 = await dumpAllTables(source2);
    encrypted = path.join(dir, 'pathway.backup.enc');
    await backupCommand(source2, encrypted, { passphrase });
  });

  it('hold nothing readable: a header saying how the key is made, then ciphertext that is not gzip', () => {
    const bytes = fs.readFileSync(encrypted);
    const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString('utf8')) as Record<string, unknown>;
    expect(header).toMatchObject({ format: 'pathway-backup-encrypted', formatVersion: 1, kdf: { name: 'scrypt' } });
    expect(bytes.toString('latin1')).not.toContain('Shelter');
    expect(() => zlib.gunzipSync(bytes)).toThrow();
    expect(() => zlib.gunzipSync(bytes.subarray(bytes.indexOf(10) + 1))).toThrow();
  });

  it('restore with the passphrase, row for row', async () => {
    const target = await freshDb();
    await restoreCommand(target, encrypted, { secret: { passphrase } });
    expect(withoutAudit(await dumpAllTables(target))).toEqual(withoutAudit(before2));
  });

  it('refuse a wrong passphrase, a missing one, a key file in its place, and changed ciphertext, changing nothing', async () => {
    const target = await freshDb();
    await makeUser(target, { roles: ['supervisor'] });
    const untouched = await dumpAllTables(target);
    await expectRefused(restoreCommand(target, encrypted, { force: true, secret: { passphrase: 'correct horse battery staple, Baki' } }), /passphrase or key file is wrong/);
    await expectRefused(restoreCommand(target, encrypted, { force: true }), /it is encrypted: give its passphrase/);
    await expectRefused(restoreCommand(target, encrypted, { force: true, secret: { keyFile: crypto.randomBytes(32) } }), /encrypted with a passphrase, not a key file/);
    const bytes = fs.readFileSync(encrypted);
    bytes[bytes.length - 40]! ^= 1;
    const altered = path.join(dir, 'altered.backup.enc');
    fs.writeFileSync(altered, bytes);
    await expectRefused(restoreCommand(target, altered, { force: true, secret: { passphrase } }), /changed or cut off|cannot be decompressed/);
    expect(await dumpAllTables(target)).toEqual(untouched);
  });

  it('with a key file: restored with the same file, refused with another', async () => {
    const key = crypto.randomBytes(48);
    const out = path.join(dir, 'keyed.backup.enc');
    await backupCommand(source2, out, { keyFile: key });
    const target = await freshDb();
    await expectRefused(restoreCommand(target, out, { secret: { keyFile: crypto.randomBytes(48) } }), /passphrase or key file is wrong/);
    await restoreCommand(target, out, { secret: { keyFile: key } });
    expect((await dumpAllTables(target)).agencies).toEqual((await dumpAllTables(source2)).agencies);
  });

  it('the CLI refuses to write a backup without a passphrase or key file, and names a wrong passphrase', async () => {
    const t = await cloneTestDatabase();
    dbs.push(t);
    const root = path.resolve(import.meta.dirname, '../..');
    const cli = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', DATABASE_URL: t.url, ...env } }, (_e, stdout, stderr) =>
          resolve({ code: child.exitCode ?? -1, stdout, stderr }),
        );
      });
    const out = path.join(dir, 'cli.backup.enc');
    const plain = await cli(['backup', '--out', out], {});
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('A backup is written encrypted: set PATHWAY_BACKUP_PASSPHRASE');
    expect(fs.existsSync(out)).toBe(false);
    expect((await cli(['backup', '--out', out], { PATHWAY_BACKUP_PASSPHRASE: 'long enough passphrase' })).code).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 40).toString('utf8')).toContain('pathway-backup-encrypted');
    const wrong = await cli(['restore', '--in', out, '--force'], { PATHWAY_BACKUP_PASSPHRASE: 'another long passphrase' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the passphrase or key file is wrong');
  });
});
