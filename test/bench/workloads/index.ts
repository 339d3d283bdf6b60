/** Every workload, in the order the runner runs them (baselines first). */
import type { Workload } from '../lib/types.js';
import { rawSqlite } from './rawSqlite.js';
import { writePath } from './writePath.js';
import { yjsPeers } from './yjsPeers.js';
import { yjsSyncline } from './yjsSyncline.js';
import { browserBaselines } from './browserBaselines.js';
import { fanout } from './fanout.js';
import { connections } from './connections.js';
import { synclineBrowser } from './synclineBrowser.js';
import { liveDelivery } from './liveDelivery.js';
import { cardLatency } from './cardLatency.js';

export const WORKLOADS: Workload[] = [
  rawSqlite,
  writePath,
  yjsPeers,
  yjsSyncline,
  browserBaselines,
  synclineBrowser,
  fanout,
  connections,
  liveDelivery,
  cardLatency,
];
