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
  await api.start(config, getToken ? proxy(async () => getToken()) : undefined);
  return {
    async stop() {
      await api.stop();
      api[releaseProxy]();
      endpoint.terminate?.();
    },
    kick: () => void api.kick(),
    addSpaces: (s) => api.addSpaces(s),
    onStatus: (listener) => void api.onStatus(proxy(listener)),
  };
}
