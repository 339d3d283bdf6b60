/**
 * The storage behind in-memory fake servers: records merged with the shared
 * merge, a sequence log for cursors, and op-id dedupe (G1). Several
 * FakeServers can share one store, like real servers sharing nodes.
 */
import {
  changeToState,
  emptyState,
  mergeRecord,
  recordKey,
  type OpResult,
  type PullReply,
  type RecordChange,
  type RecordRow,
} from '@syncline/shared';

export class FakeStore {
  readonly records = new Map<string, RecordRow>();
  readonly results = new Map<string, OpResult>();
  /** How many times each op id was applied (must stay at 1). */
  readonly applied = new Map<string, number>();
  private seq = 0;

  constructor(readonly id = 'store') {}

  /** Applies one change once; a repeated op id returns the first outcome. */
  apply(change: RecordChange): OpResult {
    const seen = this.results.get(change.opId);
    if (seen) return seen;
    const key = recordKey(change.space, change.table, change.id);
    const prev = this.records.get(key);
    this.seq += 1;
    this.records.set(key, {
      space: change.space,
      table: change.table,
      id: change.id,
      state: mergeRecord(prev?.state ?? emptyState(), changeToState(change)),
      seq: this.seq,
    });
    this.applied.set(change.opId, (this.applied.get(change.opId) ?? 0) + 1);
    const result: OpResult = { opId: change.opId, status: 'ok' };
    this.results.set(change.opId, result);
    return result;
  }

  pull(space: string, cursor: string | null | undefined, limit: number): PullReply {
    const after = cursor && cursor.startsWith(`${this.id}:`) ? Number(cursor.slice(this.id.length + 1)) : 0;
    const rows = [...this.records.values()].filter((r) => r.space === space && r.seq > after).sort((a, b) => a.seq - b.seq);
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.seq ?? after;
    return { space, records: structuredClone(page), docs: [], cursor: `${this.id}:${last}`, hasMore: rows.length > limit };
  }
}
