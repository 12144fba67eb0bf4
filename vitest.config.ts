import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.api.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: { name: 'api', include: ['src/**/*.api.test.ts', 'test/api/**/*.test.ts'], environment: 'node', pool: 'forks' },
      },
      {
        extends: true,
        test: {
          name: 'multiprocess',
          // Real Pathway processes on one database behind a proxy made by the test (issue 16).
          include: ['test/multiprocess/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Added to the root globalSetup (the database): finds or installs Chromium once per run.
          globalSetup: ['./test/helpers/browser-setup.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
