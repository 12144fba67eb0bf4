import type { AuditActor } from '../server/audit/audit.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/connect.ts';
import type { Db } from '../server/db/database.ts';

/** Who the audit log names for changes made at the command line: the operator on the host, no user. */
export const CLI_ACTOR: AuditActor = { userId: null, agencyId: null, via: 'cli' };

/** Exit codes: 0 done, 1 the command failed, 2 the command was given bad input. */
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** A refusal the CLI explains in one message and turns into an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const badInput = (message: string) => new CliError(message, EXIT_BAD_INPUT);

export type Output = { line: (text: string) => void };
export const stdout: Output = { line: (text) => process.stdout.write(`${text}\n`) };

/**
 * Opens the database the server would use (DATABASE_URL, or the embedded one in PATHWAY_DATA_DIR),
 * runs `work` and closes it, embedded server included. `prepare: false` leaves the schema as it is.
 */
export async function withDatabase<T>(options: { prepare?: boolean }, work: (db: Db, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config, undefined, options);
  try {
    return await work(database.db, database.url);
  } finally {
    await database.close();
  }
}
