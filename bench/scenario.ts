import type { Db } from '../src/server/db/database.ts';

/** One HTTP request a scenario wants sent; `expect` is the status that counts as success (default: any 2xx). */
export type BenchRequest = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
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
  db: Db;
  admin: BenchUser;
  user: BenchUser;
  signIn: (user: BenchUser) => Promise<BenchSession>;
  state: Record<string, unknown>;
};

/**
 * A benchmark scenario is one file in bench/scenarios/ whose default export is a Scenario: `setup`
 * runs once before timing starts, then `request` is called for every request of the timed loop
 * (`n` counts requests across all connections, from 0).
 */
export type Scenario = {
  name: string;
  description: string;
  setup?: (ctx: BenchContext) => Promise<void>;
  request: (ctx: BenchContext, n: number) => BenchRequest;
};
