import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import { startReminderWorker } from './jobs/reminders.ts';
import { mailSettings } from './mail/outbox.ts';
import { ConfigError, loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { openDatabase } from './db/connect.ts';
import { DataDirInUseError } from './db/embedded.ts';
import { ensureFirstAdministrator, type FirstRun } from './modules/auth/first-run.ts';
import type { FastifyInstance } from 'fastify';
import { assertDemoDatabase, DemoRefused, seedDemo, DEMO_PASSWORD } from './demo/seed.ts';
import { DEMO_FOLLOW_UP_CODE } from './demo/hotline-seed.ts';
import { VERSION } from './version.ts';
import { serveMetrics } from './metrics/metrics.ts';

/** A refusal explained in one line, without a stack trace. */
class StartRefused extends Error {}

/** The disk store's folder exists (created with mode 700) and files can be written in it. */
async function checkDocumentFolder(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.access(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (e) {
    throw new StartRefused(`PATHWAY_DOCUMENT_DIR: the folder ${dir} cannot be created or written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix its permissions or choose another folder.`);
  }
}

/** config -> database (embedded or external) -> migrate -> listen; Ctrl-C closes all in order. */
async function main(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(config.databaseUrl ? 'Pathway: using the PostgreSQL at DATABASE_URL' : `Pathway: starting the embedded PostgreSQL in ${config.dataDir}`);
  let app: FastifyInstance | undefined;
  // The embedded PostgreSQL's own log only at debug; its supervisor's lines (stopped, running again) always.
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const database = await openDatabase(config, (line) => (verbose || line.startsWith('The embedded PostgreSQL') ? say(line) : undefined), {
    pool: { connectTimeoutMs: config.dbConnectTimeoutSeconds * 1000, statementTimeoutMs: config.dbStatementTimeoutSeconds * 1000, onError: (e) => app?.log.warn({ db: { message: e.message } }, 'a database connection was lost') },
    readReplica: {
      onStateChange: (up, why) =>
        up ? app?.log.info('the read replica answers again: lag-tolerant reads go to it') : app?.log.warn({ db: { reason: why } }, 'the read replica is unavailable: its reads go to the primary'),
    },
  });
  if (config.databaseReadUrl) say('Pathway: lag-tolerant reads (statistics, dashboards, public pages) go to the standby at DATABASE_READ_URL');
  // From here on a failure must not leave the embedded PostgreSQL running or the data folder locked.
  let first: FirstRun;
  try {
    app = await buildApp({ config, db: database.db, reads: database.reads, databaseKind: database.kind, version: VERSION, databaseUrl: database.url, embeddedState: database.embedded?.state });
    const running = app;
    let closing = false;
    let closeMetrics: (() => Promise<void>) | undefined;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      say(`Pathway: ${signal} received, stopping`);
      await closeMetrics?.().catch(() => undefined);
      await running.close().catch(() => undefined);
      await database.close().catch(() => undefined);
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));

    if (config.demo) {
      // Demo users share one published password: never add them beside real accounts.
      await assertDemoDatabase(database.db).catch((e: unknown) => {
        throw e instanceof DemoRefused ? new StartRefused(e.message) : e;
      });
      await seedDemo(database.db);
      say(`Pathway DEMO: demo data loaded. Every demo user's password is: ${DEMO_PASSWORD}`);
      say('  demo users: <role>@demo.pathway.local, e.g. administrator@demo.pathway.local, case_worker@demo.pathway.local;');
      say(`  also ngo-supervisor@, shelter-worker@ and legal-aid@demo.pathway.local. Public report follow-up code: ${DEMO_FOLLOW_UP_CODE}`);
    }
    const store = config.documentStore;
    if (store.kind === 'disk') {
      // A folder that cannot be written would only show as failed uploads: refuse to start instead.
      await checkDocumentFolder(store.dir);
      say(`Pathway: case documents are stored encrypted in ${store.dir}`);
    } else if (store.kind === 's3') {
      say(`Pathway: case documents are stored encrypted in the S3 bucket ${store.s3!.bucket}${store.s3!.endpoint ? ` at ${store.s3!.endpoint}` : ''}`);
    }
    first = await ensureFirstAdministrator(database.db, config);
    await app.listen({ host: config.host, port: config.port });
    if (app.metrics && config.metrics.port !== undefined) {
      const { host, port, token } = config.metrics;
      closeMetrics = await serveMetrics(app.metrics, host, port, token).catch((e: unknown) => {
        throw new StartRefused(`PATHWAY_METRICS_PORT: cannot listen on ${host}:${port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      });
      say(`Pathway: metrics at http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`);
    }
    // Deadline reminders (tasks, referral answers, reasonable-grounds targets): a sweep a minute (PATHWAY_REMINDER_SWEEP_SECONDS),
    // e-mailed when SMTP is set; with them, sign-in state and rate-limit counters past their window are deleted
    // (jobs/housekeeping.ts). Every process sweeps: each reminder is written, and its e-mail queued, once.
    startReminderWorker(database.db, (e) => app?.log.error({ err: { message: (e as Error).message } }, 'reminder sweep or housekeeping failed'), mailSettings(config), config.reminderSweepSeconds * 1000, config);
  } catch (e) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new StartRefused(`Port ${config.port} on ${config.host} is in use: stop what uses it, or set PORT to another port.`);
    throw e;
  }
  const base = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  say(`Pathway ${VERSION} is running at ${base} (database: ${database.kind})`);
  if (first.kind === 'admin_created') say(`Pathway: administrator ${first.email} created from PATHWAY_ADMIN_EMAIL`);
  if (first.kind === 'setup_link') {
    say('Pathway: no users yet. Open this one-time link (valid 24 hours) to set the administrator\'s password:');
    say(`  ${base}/setup#token=${first.token}`);
  }
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof DataDirInUseError || e instanceof StartRefused) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`Pathway failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exit(1);
});
