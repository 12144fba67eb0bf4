import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CamelCasePlugin, Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/server/db/types.ts';
import type { Db } from '../src/server/db/database.ts';
import type { CeilingSpec } from './ceiling-server.ts';

type Statement = { sql: string; parameters: unknown[] };

/**
 * Runs `work` on a database handle that records every statement it sends (the same pool settings
 * and plugins as Pathway's), in a transaction rolled back at the end, so that capturing a write
 * leaves nothing behind. Answers the statements, in order.
 */
export async function captureStatements(url: string, work: (db: Db) => Promise<unknown>): Promise<Statement[]> {
  const out: Statement[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: (e: LogEvent) => {
      if (e.level === 'query') out.push({ sql: e.query.sql, parameters: [...e.query.parameters] });
    },
  });
  try {
    await db
      .transaction()
      .execute(async (tx) => {
        await work(tx as unknown as Db);
        throw new RollBack();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RollBack)) throw e;
      });
  } finally {
    await db.destroy();
  }
  return out;
}
class RollBack extends Error {}

export type Ceiling = { baseUrl: string; stop: () => Promise<void> };

/** Starts the bare ceiling server (bench/ceiling-server.ts) on the same database with the captured statements. */
export async function startCeiling(databaseUrl: string, spec: CeilingSpec, log: (line: string) => void): Promise<Ceiling> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pathway-ceiling-')), 'spec.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const nodeArgs = (process.env.BENCH_CEILING_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/ceiling-server.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, CEILING_SPEC: file, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^listening (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the ceiling server exited (${code}) before listening`)));
  });
  log(`bench: bare ceiling pid ${child.pid} at ${baseUrl}`);
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(path.dirname(file), { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The statements of a read, without the transaction the capture ran in and without the audit entry's. */
export const readStatements = (all: Statement[]) => all.filter((s) => /^[\s(]*(select|with)\b/i.test(s.sql) && !/audit_(log|entries|chain)|pg_advisory/i.test(s.sql));
