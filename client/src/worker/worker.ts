/**
 * Worker entry (`@syncline/client/worker`). Start it from the app as
 *
 *   worker: () => new Worker(new URL('@syncline/client/worker', import.meta.url), { type: 'module' })
 */
import { expose } from 'comlink';
import { createWorkerApi } from './createWorkerApi.js';

expose(createWorkerApi());
