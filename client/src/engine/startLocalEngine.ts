import type { Dexie } from 'dexie';
import type { EngineApi } from './EngineApi.js';
import type { EngineOptions } from './EngineOptions.js';
import { SyncEngine } from './SyncEngine.js';

/** Runs the engine in this thread (Node, tests, or `worker: false`). */
export function startLocalEngine(db: Dexie, opts: Omit<EngineOptions, 'db'>): EngineApi {
  const engine = new SyncEngine({ ...opts, db });
  engine.start();
  return {
    stop: () => engine.stop(),
    kick: () => engine.kick(),
    pushNow: (change, ack) => engine.pushNow(change, ack),
    addSpaces: (spaces) => engine.addSpaces(spaces),
    onStatus: (listener) => void engine.status.subscribe(listener),
  };
}
