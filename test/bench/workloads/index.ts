/** Every workload, in the order the runner runs them (baselines first). */
import type { Workload } from '../lib/types.js';
import { rawSqlite } from './rawSqlite.js';

export const WORKLOADS: Workload[] = [rawSqlite];
