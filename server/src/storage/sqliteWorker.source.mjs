// Worker entry when the server runs from TypeScript sources (tsx, vitest):
// Node 20 does not carry the parent's --import loader hooks into a worker,
// so the worker registers tsx itself before loading the TS entry.
import { register } from 'tsx/esm/api';

register();
await import('./sqliteWorker.ts');
