import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig } from '../server/config.ts';
import { deriveKeys, resolveSecretKey } from '../server/crypto/keys.ts';
import { DataDirInUseError } from '../server/db/embedded.ts';
import { VERSION } from '../server/version.ts';
import { auditVerifyCommand, describeChainReport } from './commands/audit.ts';
import { VerifyQuery } from '../shared/schemas/audit.ts';
import { backupCommand } from './commands/backup.ts';
import type { BackupSecret } from './backup-file.ts';
import { migrateCommand } from './commands/migrate.ts';
import { restoreCommand } from './commands/restore.ts';
import { userCreateCommand, userResetPasswordCommand } from './commands/user.ts';
import { badInput, CliError, EXIT_BAD_INPUT, EXIT_FAILED, stdout as out, withDatabase } from './context.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw badInput('--password-stdin reads the password from standard input: pipe it in, e.g. `pathway user create ... --password-stdin < file`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how a shell delivers a line; it is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function buildProgram(): Command {
  const program = new Command('pathway')
    .description('Pathway at the command line. Uses DATABASE_URL, or the embedded PostgreSQL in PATHWAY_DATA_DIR (a running server\'s database is used; restore needs the server stopped).')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  program
    .command('migrate')
    .description('Bring the database schema to the version this Pathway needs')
    .action(async () => {
      const r = await withDatabase({ prepare: false }, (db) => migrateCommand(db, () => deriveKeys(resolveSecretKey(loadConfig()))));
      if (r.applied.length === 0) out.line(`The schema is up to date (${r.schemaVersion}); no migration ran.`);
      else for (const name of r.applied) out.line(`Applied ${name}`);
    });

  const user = program.command('user').description('Create users and reset passwords');
  user
    .command('create')
    .description('Create a user; prints a temporary password (to be changed at first sign-in) unless --password-stdin is given')
    .requiredOption('--email <email>', 'sign-in e-mail')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--agency <agency>', 'the agency, by name or id')
    .requiredOption('--role <role>', 'a role; repeat for several (e.g. --role administrator)', collect, [])
    .option('--language <language>', 'az, ru or en', 'az')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (o: { email: string; name: string; agency: string; role: string[]; language: string; passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await readStdin() : undefined;
      const r = await withDatabase({}, (db) =>
        userCreateCommand(db, { email: o.email, name: o.name, agency: o.agency, roles: o.role, language: o.language, password }),
      );
      out.line(`Created ${r.user.email} (${r.user.id}) in ${r.user.agency.name} with roles ${r.user.roles.join(', ')}`);
      if (r.temporaryPassword) out.line(`Temporary password (shown once; must be changed at first sign-in): ${r.temporaryPassword}`);
    });
  user
    .command('reset-password')
    .description('Give a user a new temporary password (printed once), end their sessions and clear a lockout')
    .requiredOption('--email <email>', 'the user\'s e-mail')
    .option('--reset-totp', 'also remove their second factor (a lost phone)')
    .action(async (o: { email: string; resetTotp?: boolean }) => {
      const r = await withDatabase({}, (db) => userResetPasswordCommand(db, { email: o.email, resetTotp: o.resetTotp ?? false }));
      out.line(`New temporary password for ${r.email} (shown once; must be changed at first sign-in): ${r.temporaryPassword}`);
    });

  program
    .command('audit')
    .description('Audit log tools')
    .command('verify')
    .description('Anchor every chain\'s head, then check the audit log\'s hash chains and anchors; exits 1 naming the first broken entry')
    .option('--anchor <a<id>:hash>', 'the anchor printed by an earlier check (or an entry\'s seq:hash from before), which must still be there unchanged')
    .action(async (o: { anchor?: string }) => {
      const anchor = VerifyQuery.safeParse({ anchor: o.anchor });
      if (!anchor.success) throw badInput(`--anchor: ${anchor.error.issues[0]?.message ?? 'invalid'}`);
      const report = await withDatabase({ prepare: false }, (db) => auditVerifyCommand(db, anchor.data.anchor));
      out.line(describeChainReport(report));
      if (!report.ok) process.exitCode = EXIT_FAILED;
    });

  program
    .command('backup')
    .description('Write one consistent snapshot of all data to a file (gzip\'d JSON lines with a checksum), encrypted with a passphrase (PATHWAY_BACKUP_PASSPHRASE) or a key file')
    .requiredOption('--out <file>', 'the backup file to write, e.g. pathway-2025-01-31.backup.enc')
    .addOption(new Option('--key-file <file>', 'encrypt with the key in this file (at least 32 bytes, e.g. from openssl rand -base64 32) instead of PATHWAY_BACKUP_PASSPHRASE'))
    .action(async (o: { out: string; keyFile?: string }) => {
      const secret = backupSecret(o.keyFile);
      if (!secret) throw badInput('A backup is written encrypted: set PATHWAY_BACKUP_PASSPHRASE (at least 12 characters) or give --key-file <file>');
      const r = await withDatabase({ prepare: false }, (db) => backupCommand(db, o.out, secret));
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      out.line(`Backup written to ${r.file}: schema ${r.schemaVersion}, ${r.tables.length} tables, ${rows} rows, ${r.bytes} bytes, sha256 ${r.sha256}`);
      const { disk, s3 } = r.outsideDocuments;
      if (disk > 0 || s3 > 0) {
        out.line(
          `Not in this file: the encrypted content of ${[disk > 0 ? `${disk} case documents in the disk folder (PATHWAY_DOCUMENT_DIR)` : '', s3 > 0 ? `${s3} in the S3 bucket (PATHWAY_S3_BUCKET)` : ''].filter(Boolean).join(' and ')}. Back those up too (see docs/operations.md).`,
        );
      }
    });

  program
    .command('restore')
    .description('Replace the database\'s content with a backup, in one transaction; the audit chain must verify')
    .requiredOption('--in <file>', 'the backup file to read')
    .addOption(new Option('--force', 'replace a database that already holds data'))
    .addOption(new Option('--key-file <file>', 'the key file the backup was encrypted with (else PATHWAY_BACKUP_PASSPHRASE)'))
    .action(async (o: { in: string; force?: boolean; keyFile?: string }) => {
      const secret = backupSecret(o.keyFile);
      const r = await withDatabase({ prepare: false, attach: false }, (db) => restoreCommand(db, o.in, { force: o.force ?? false, ...(secret ? { secret } : {}) }));
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      out.line(`Restored ${rows} rows in ${r.tables.length} tables from ${r.file} (schema ${r.schemaVersion}, now ${r.migratedTo}).`);
      out.line(`Audit log verified: ${r.auditEntries} ${r.auditEntries === 1 ? 'entry' : 'entries'}, the restore itself included.`);
    });

  return program;
}

/** The backup's secret: the key file's bytes, or PATHWAY_BACKUP_PASSPHRASE; undefined when neither is given. */
function backupSecret(keyFile: string | undefined): BackupSecret | undefined {
  if (keyFile !== undefined) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(keyFile);
    } catch (e) {
      throw badInput(`--key-file: cannot read ${keyFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (bytes.length < 32) throw badInput(`--key-file: ${keyFile} holds ${bytes.length} bytes; a key file needs at least 32 (e.g. openssl rand -base64 32 > backup.key)`);
    return { keyFile: bytes };
  }
  const passphrase = process.env.PATHWAY_BACKUP_PASSPHRASE;
  if (passphrase === undefined || passphrase === '') return undefined;
  if ([...passphrase].length < 12) throw badInput('PATHWAY_BACKUP_PASSPHRASE: at least 12 characters');
  return { passphrase };
}

/** Runs the CLI and returns the exit code instead of exiting, so callers decide. */
export async function runCli(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    if (e instanceof CliError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof DataDirInUseError) {
      process.stderr.write(`${e.message}\nStop the server first: restore always needs that, and the other commands can use a running server's database only once it has started. (With an external PostgreSQL, give the CLI the server's DATABASE_URL instead.)\n`);
      return EXIT_FAILED;
    }
    process.stderr.write(`pathway failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_FAILED;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runCli(process.argv.slice(2));
  process.exit(code);
}
