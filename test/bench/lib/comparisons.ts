/**
 * Which measurement is compared to which baseline, and the targets.
 * A row whose keys were not measured in this run is printed as such — never filled in.
 */
import { WRITE_SHAPE } from '../workloads/writeShape.js';

export type Better = 'higher' | 'lower';

export interface Target {
  text: string;
  met(ours: number, base: number | undefined): boolean;
}

export interface Comparison {
  section: string;
  label: string;
  ours: string;
  base?: string;
  unit: string;
  better: Better;
  target?: Target;
}

const ratioAtLeast = (k: number, text: string): Target => ({ text, met: (o, b) => b !== undefined && o / b >= k });
const atMost = (limit: number, text: string): Target => ({ text, met: (o) => o <= limit });

function storageRows(): Comparison[] {
  const section =
    "1b. Storage: one node file ÷ the records' JSON (all records of the mode's write-path run) vs the raw SQLite file ÷ the same JSON";
  return (['sync', 'semi-sync', 'async'] as const).map((mode) => ({
    section,
    label: `${mode}`,
    ours: `storage.${mode}.ratio`,
    base: 'raw.storage.ratio',
    unit: '× JSON',
    better: 'lower' as const,
    target: atMost(2, '≤ 2 × JSON'),
  }));
}

function writeRows(): Comparison[] {
  const rows: Comparison[] = [];
  for (const mode of ['sync', 'semi-sync', 'async'] as const) {
    for (const w of WRITE_SHAPE.writers) {
      const k = `write.${mode}.w${w}`;
      const section = '1. Write path (3 SQLite nodes) vs raw 3-file SQLite';
      rows.push({
        section,
        label: `${mode}, ${w} writer(s): throughput`,
        ours: `${k}.rps`,
        base: 'raw.rps',
        unit: 'records/s',
        better: 'higher',
        // Issue 14's targets, for every mode.
        target: w === 1 ? ratioAtLeast(0.6, '≥ 0.6 × raw') : w === 16 ? ratioAtLeast(1, '≥ 1.0 × raw') : undefined,
      });
      rows.push({
        section,
        label: `${mode}, ${w} writer(s): ack p50 per batch`,
        ours: `${k}.p50`,
        base: 'raw.batch.p50',
        unit: 'ms',
        better: 'lower',
      });
      if (w === 16)
        rows.push({
          section,
          label: `${mode}, 16 writers: ack p50 vs 1 writer's`,
          ours: `${k}.p50`,
          base: `write.${mode}.w1.p50`,
          unit: 'ms',
          better: 'lower',
          target: { text: '≤ 4 × 1 writer', met: (o, b) => b !== undefined && o / b <= 4 },
        });
      rows.push({
        section,
        label: `${mode}, ${w} writer(s): ack p99 per batch`,
        ours: `${k}.p99`,
        base: 'raw.batch.p99',
        unit: 'ms',
        better: 'lower',
      });
    }
  }
  return rows;
}

function fanoutRows(): Comparison[] {
  const section = '2. Fan-out: write via server A, seen on server B (Redis adapter) vs plain Socket.IO + Redis adapter relay';
  return ['r10x10', 'r1x100'].flatMap((shape) => {
    const label = shape === 'r10x10' ? '10 rooms × 10 clients' : '1 room × 100 clients';
    return [
      {
        section,
        label: `${label}: p50`,
        ours: `fanout.${shape}.p50`,
        base: `fanoutbase.${shape}.p50`,
        unit: 'ms',
        better: 'lower' as const,
      },
      {
        section,
        label: `${label}: p99`,
        ours: `fanout.${shape}.p99`,
        base: `fanoutbase.${shape}.p99`,
        unit: 'ms',
        better: 'lower' as const,
        target: atMost(20, 'p99 < 20 ms'),
      },
    ];
  });
}

function yjsRows(): Comparison[] {
  const section = '3. Yjs collaboration: N clients × M edits on one document';
  const rows: Comparison[] = [];
  for (const peer of ['hocuspocus', 'ywebsocket'] as const) {
    const name = peer === 'hocuspocus' ? 'Hocuspocus' : '@y/websocket-server';
    rows.push(
      {
        section,
        label: `Syncline vs ${name}: time to converge`,
        ours: 'yjs.syncline.converge',
        base: `yjs.${peer}.converge`,
        unit: 'ms',
        better: 'lower',
        target: peer === 'hocuspocus' ? { text: '≤ Hocuspocus', met: (o, b) => b !== undefined && o <= b } : undefined,
      },
      {
        section,
        label: `Syncline vs ${name}: update latency p50`,
        ours: 'yjs.syncline.p50',
        base: `yjs.${peer}.p50`,
        unit: 'ms',
        better: 'lower',
      },
      {
        section,
        label: `Syncline vs ${name}: update latency p99`,
        ours: 'yjs.syncline.p99',
        base: `yjs.${peer}.p99`,
        unit: 'ms',
        better: 'lower',
      },
      {
        section,
        label: `Syncline vs ${name}: server RSS growth`,
        ours: 'yjs.syncline.mem',
        base: `yjs.${peer}.mem`,
        unit: 'MiB',
        better: 'lower',
      },
    );
  }
  rows.push({
    section,
    label: 'peer vs peer: @y/websocket-server vs Hocuspocus, time to converge',
    ours: 'yjs.ywebsocket.converge',
    base: 'yjs.hocuspocus.converge',
    unit: 'ms',
    better: 'lower',
  });
  return rows;
}

function browserRows(): Comparison[] {
  const section = '4. Initial sync into headless Chromium (IndexedDB)';
  return [
    {
      section,
      label: 'Syncline client vs Dexie bulkPut',
      ours: 'sync.syncline.rps',
      base: 'sync.dexie.rps',
      unit: 'records/s',
      better: 'higher',
      target: ratioAtLeast(0.5, '≥ 0.5 × Dexie bulkPut'),
    },
    {
      section,
      label: 'Syncline client vs PouchDB replication',
      ours: 'sync.syncline.rps',
      base: 'sync.pouch.rps',
      unit: 'records/s',
      better: 'higher',
      target: ratioAtLeast(1.0000001, 'faster than PouchDB'),
    },
    {
      section,
      label: 'peer: PouchDB replication vs Dexie bulkPut',
      ours: 'sync.pouch.rps',
      base: 'sync.dexie.rps',
      unit: 'records/s',
      better: 'higher',
    },
  ];
}

function catchupRows(): Comparison[] {
  const section = '5. Offline catch-up: queued writes until all acked (10,000; quick run: 2,000) vs raw 3-file SQLite writing them';
  return (['sync', 'semi-sync', 'async'] as const).map((mode) => ({
    section,
    label: `${mode}`,
    ours: `catchup.${mode}.ms`,
    base: 'raw.catchup.ms',
    unit: 'ms',
    better: 'lower' as const,
  }));
}

function connRows(): Comparison[] {
  const section = '6. Server memory per idle connection (RSS delta / n) vs a bare Socket.IO server';
  return [1000, 5000].map((n) => ({
    section,
    label: `${n} connections`,
    ours: `conn.syncline.n${n}`,
    base: `conn.socketio.n${n}`,
    unit: 'KiB',
    better: 'lower' as const,
    target: atMost((50 * 1000) / 1024, '< 50 KB'),
  }));
}

function clusterRows(): Comparison[] {
  const section = '2b. Fan-out with the cluster adapter (`--processes 2`: worker 1 → worker 2) vs the same Socket.IO + Redis relay';
  return ['r10x10', 'r1x100'].flatMap((shape) => {
    const label = shape === 'r10x10' ? '10 rooms × 10 clients' : '1 room × 100 clients';
    return [
      {
        section,
        label: `${label}: p50`,
        ours: `fanoutcl.${shape}.p50`,
        base: `fanoutbase.${shape}.p50`,
        unit: 'ms',
        better: 'lower' as const,
      },
      {
        section,
        label: `${label}: p99`,
        ours: `fanoutcl.${shape}.p99`,
        base: `fanoutbase.${shape}.p99`,
        unit: 'ms',
        better: 'lower' as const,
        target: atMost(20, 'p99 < 20 ms'),
      },
    ];
  });
}

function liveRows(): Comparison[] {
  const section = '7. Live delivery (issue 11): Yjs update latency and convergence vs Hocuspocus / @y/websocket-server; records A → B';
  const rows: Comparison[] = [];
  for (const [shape, label] of [
    ['typing', 'typing pace (2 clients, 1 doc, every 30 ms)'],
    ['burst', '10 clients × 1,000 edits, 1 doc'],
    ['many', '100 clients, 10 docs × 200 edits'],
  ] as const) {
    for (const [peer, name] of [
      ['hocuspocus', 'Hocuspocus'],
      ['ywebsocket', '@y/websocket-server'],
    ] as const) {
      const hp = peer === 'hocuspocus';
      rows.push({
        section,
        label: `${label}: p50 vs ${name}`,
        ours: `live.${shape}.syncline.p50`,
        base: `live.${shape}.${peer}.p50`,
        unit: 'ms',
        better: 'lower',
        target: hp ? { text: '≤ 2 × Hocuspocus + 5 ms', met: (o, b) => b !== undefined && o <= 2 * b + 5 } : undefined,
      });
      rows.push({
        section,
        label: `${label}: p99 vs ${name}`,
        ours: `live.${shape}.syncline.p99`,
        base: `live.${shape}.${peer}.p99`,
        unit: 'ms',
        better: 'lower',
        target: hp ? { text: '≤ 2 × Hocuspocus', met: (o, b) => b !== undefined && o <= 2 * b } : undefined,
      });
      rows.push({
        section,
        label: `${label}: convergence vs ${name}`,
        ours: `live.${shape}.syncline.converge`,
        base: `live.${shape}.${peer}.converge`,
        unit: 'ms',
        better: 'lower',
        target: hp ? { text: '≤ Hocuspocus', met: (o, b) => b !== undefined && o <= b } : undefined,
      });
      rows.push({
        section,
        label: `${label}: server CPU per edit vs ${name}`,
        ours: `live.${shape}.syncline.cpuPerEdit`,
        base: `live.${shape}.${peer}.cpuPerEdit`,
        unit: 'ms',
        better: 'lower',
        target: hp ? { text: '≤ Hocuspocus', met: (o, b) => b !== undefined && o <= b } : undefined,
      });
    }
  }
  for (const shape of ['typing', 'burst']) {
    rows.push({
      section,
      label: `${shape}: p50, the default (eager pushes on) vs eager pushes off (maxEagerPushes 0)`,
      ours: `live.${shape}.syncline.p50`,
      base: `live.${shape}.synclineNoEager.p50`,
      unit: 'ms',
      better: 'lower',
    });
    rows.push({
      section,
      label: `${shape}: p99, the default (eager pushes on) vs eager pushes off`,
      ours: `live.${shape}.syncline.p99`,
      base: `live.${shape}.synclineNoEager.p99`,
      unit: 'ms',
      better: 'lower',
    });
  }
  rows.push({
    section,
    label: 'records: write on server A → row in a client on server B, p50',
    ours: 'live.records.p50',
    unit: 'ms',
    better: 'lower',
    target: atMost(5, '≤ 5 ms'),
  });
  rows.push({
    section,
    label: 'records: write on server A → row in a client on server B, p99',
    ours: 'live.records.p99',
    unit: 'ms',
    better: 'lower',
    target: atMost(20, '≤ 20 ms'),
  });
  return rows;
}

export const COMPARISONS: Comparison[] = [
  ...writeRows(),
  ...storageRows(),
  ...fanoutRows(),
  ...clusterRows(),
  ...yjsRows(),
  ...browserRows(),
  ...catchupRows(),
  ...connRows(),
  ...liveRows(),
];
