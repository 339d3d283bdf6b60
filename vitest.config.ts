import { defineConfig } from 'vitest/config';

// Tests run against source: every package exports an "@syncline/source"
// condition that points at its TypeScript entry, so `npm test` needs no build
// step. The name is our own: third-party packages (@hocuspocus/*,
// @jridgewell/*) use plain "source" for TS sources we must not load.
//
// Two projects: `unit` (package sources: one unit each, fast) and
// `integration` (test/: real servers, browsers, databases). Run one with
// `npx vitest run --project unit`. test/globalSetup.ts starts PostgreSQL and
// Redis when none answer on the configured addresses.
export default defineConfig({
  resolve: { conditions: ['@syncline/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@syncline/source', 'module', 'node', 'development|production'] } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/globalSetup.ts'],
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
