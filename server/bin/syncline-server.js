#!/usr/bin/env node
// Runs the built CLI when present (npm package), else the TypeScript source
// (inside the monorepo, no build step needed). Both run in THIS process: the
// pid users see is the server, so SIGKILL ends it and SIGTERM drains it (an
// earlier version spawned a child for the source, which a SIGKILL orphaned).
// The source needs tsx's loader and the `@syncline/source` export condition;
// both are registered here as module hooks instead of command-line flags.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (existsSync(built)) {
  await import(built);
} else {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered last, so it runs first: it adds the condition, then tsx resolves.
  register('./sourceHooks.mjs', import.meta.url);
  await import(fileURLToPath(new URL('../src/cli.ts', import.meta.url)));
}
