import { defineConfig } from 'vitest/config';

// Tests run against source: every package exports an "@syncline/source"
// condition that points at its TypeScript entry, so `npm test` needs no build
// step. The name is our own: third-party packages (@hocuspocus/*,
// @jridgewell/*) use plain "source" for TS sources we must not load.
export default defineConfig({
  resolve: { conditions: ['@syncline/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@syncline/source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
