/** Main-thread side: drives the engine in a Worker through Comlink. */
import { proxy, wrap, releaseProxy, type Endpoint } from 'comlink';
import type { EngineApi } from '../engine/EngineApi.js';
import type { SynclineOptions, WorkerEndpoint } from '../SynclineOptions.js';
import type { WorkerApi, WorkerConfig } from './WorkerApi.js';

export async function startWorkerEngine(
  endpoint: WorkerEndpoint,
  dbName: string,
  options: SynclineOptions,
  spaces: string[],
): Promise<EngineApi> {
  const api = wrap<WorkerApi>(endpoint as Endpoint);
  const config: WorkerConfig = { dbName, tables: options.tables, servers: options.servers, spaces };
  if (options.clientId) config.clientId = options.clientId;
  if (options.engine) config.engine = options.engine;
  const getToken = options.getToken;
  // A Worker whose script cannot load (no module Workers in this browser, a
  // bundler that did not emit it) only fires `error`: without this race the
  // start would wait forever and the status would never say why.
  const failed = workerFailure(endpoint);
  try {
    await Promise.race([api.start(config, getToken ? proxy(async () => getToken()) : undefined), failed.promise]);
  } catch (err) {
    api[releaseProxy]();
    endpoint.terminate?.();
    throw err;
  } finally {
    failed.dispose();
  }
  return {
    async stop() {
      await api.stop();
      api[releaseProxy]();
      endpoint.terminate?.();
    },
    kick: () => void api.kick(),
    pushNow: (change, ack) => api.pushNow(change, ack),
    addSpaces: (s) => api.addSpaces(s),
    onStatus: (listener) => void api.onStatus(proxy(listener)),
  };
}

function workerFailure(endpoint: WorkerEndpoint): { promise: Promise<never>; dispose(): void } {
  const target = endpoint as unknown as Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;
  let onError: (ev: Event) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onError = (ev) => reject(new Error(`sync Worker failed to start: ${(ev as ErrorEvent).message || 'script error'}`));
  });
  promise.catch(() => undefined);
  target.addEventListener?.('error', onError);
  return { promise, dispose: () => target.removeEventListener?.('error', onError) };
}
