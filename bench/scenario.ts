import type { LoadResult } from './load.ts';
import type { Db } from '../src/server/db/database.ts';

/** One HTTP request a scenario wants sent; `expect` is the status that counts as success (default: any 2xx). */
export type BenchRequest = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as it is instead of `body` as JSON (say a form-encoded webhook); give its content-type in `headers`. */
  rawBody?: string;
  expect?: number;
};

export type BenchUser = { id: string; email: string; password: string; agencyId: string };

/** A signed-in session, as a browser would hold it. */
export type BenchSession = { cookie: string; csrf: string };

/**
 * What every scenario gets: the server's address, direct database access for preparing data, an
 * administrator and an ordinary user (both with known passwords), a way to sign in, and `state` for
 * whatever `setup` prepares for `request`.
 */
export type BenchContext = {
  baseUrl: string;
  /** The database the server runs on (for a scenario that starts a server of its own beside it, say the bare ceiling). */
  databaseUrl: string;
  db: Db;
  admin: BenchUser;
  user: BenchUser;
  signIn: (user: BenchUser) => Promise<BenchSession>;
  /**
   * The hotline the server runs with: the agency its webhooks file contacts under
   * (`PATHWAY_HOTLINE_AGENCY_ID`), the Twilio auth token it checks signatures with, an operator
   * of that agency (who sees its queue and its live stream) and a supervisor (its dashboard).
   */
  hotline: { agencyId: string; twilioAuthToken: string; operator: BenchUser; supervisor: BenchUser };
  state: Record<string, unknown>;
};

/** `offset` is added to request numbers, so that the warm-up's requests never repeat the timed loop's. */
export type MeasureOptions = { connections: number; durationS: number; maxRequests?: number | undefined; offset: number };

/**
 * A benchmark scenario is one file in bench/scenarios/ whose default export is a Scenario: `setup`
 * runs once before timing starts, then `request` is called for every request of the timed loop
 * (`n` counts requests across all connections, from 0).
 */
export type Scenario = {
  name: string;
  description: string;
  /** The concurrency the scenario's target is stated at; `--connections` given on the command line wins. */
  connections?: number;
  setup?: (ctx: BenchContext) => Promise<void>;
  request: (ctx: BenchContext, n: number) => BenchRequest;
  /**
   * For a scenario whose latency is not one request's answer (say, from sending a webhook to the
   * event arriving on a live stream): runs the warm-up and timed loops itself and reports the same
   * figures. Without it, the harness times `request`'s answers.
   */
  measure?: (ctx: BenchContext, opts: MeasureOptions) => Promise<LoadResult>;
  /** Runs after the scenario (close streams and the like). */
  teardown?: (ctx: BenchContext) => Promise<void>;
};
