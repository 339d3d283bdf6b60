#!/usr/bin/env node
/**
 * `npm start`: runs the board example on a local two-server cluster.
 * The logic is TypeScript in examples/board/scripts/start.ts (shared with
 * the e2e tests); tsx loads it here, so nothing needs building first.
 */
import { register } from 'tsx/esm/api';

register();
await import('../examples/board/scripts/start.ts');
