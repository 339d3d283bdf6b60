/**
 * Pull and op-log pages with states and ops still as stored text. A node on
 * a worker thread sends these across (strings clone cheaply, and parsing on
 * the receiving thread yields the prototype-free objects parseState makes —
 * structured clone would give them Object.prototype back).
 */
import type { DocRow } from '@syncline/shared';
import type { OpLogPage, PullPage } from './StorageNode.js';
import { decodeOp } from './opCodec.js';
import { parseState } from './stateCodec.js';

export interface PullPageText {
  records: { space: string; table: string; id: string; state: string; seq: number }[];
  docs: DocRow[];
  lastSeq: number;
  hasMore: boolean;
}

export interface OpLogPageText {
  ops: { logSeq: number; op: string }[];
  lastLogSeq: number;
  hasMore: boolean;
}

export function pullPageOf(space: string, page: PullPageText): PullPage {
  return {
    records: page.records.map((r) => ({ space, table: r.table, id: r.id, state: parseState(r.state), seq: r.seq })),
    docs: page.docs,
    lastSeq: page.lastSeq,
    hasMore: page.hasMore,
  };
}

export function opLogPageOf(page: OpLogPageText): OpLogPage {
  return { ops: page.ops.map((o) => ({ logSeq: o.logSeq, op: decodeOp(o.op) })), lastLogSeq: page.lastLogSeq, hasMore: page.hasMore };
}
