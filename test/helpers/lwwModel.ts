/**
 * Reference model of last-writer-wins records, for oracles in randomized
 * tests: the ops replayed one after another in HLC order, the way a single
 * replica that saw every write in stamp order would apply them. It does not
 * use `mergeRecord`; a replica whose merge disagrees with sequential replay
 * (e.g. one keeping the oldest tombstone) differs from it.
 *
 * Semantics, per record, in stamp order:
 *  - put: sets its fields, removes its `unset` fields; the record is visible
 *    again if it was deleted (holding only what was written after the delete);
 *  - delete: the record disappears with all its fields.
 */
export interface ModelOp {
  opId: string;
  kind: string;
  hlc?: string;
  space?: string;
  table?: string;
  id?: string;
  fields?: Record<string, unknown>;
  unset?: string[];
}

interface Row {
  live: boolean;
  fields: Map<string, unknown>;
}

export class LwwModel {
  private readonly ops = new Map<string, ModelOp>();

  /** Adds ops (any order, duplicates by op id ignored); only record ops (put/delete) count. */
  add(ops: Iterable<ModelOp>): this {
    for (const op of ops) if ((op.kind === 'put' || op.kind === 'delete') && !this.ops.has(op.opId)) this.ops.set(op.opId, op);
    return this;
  }

  get size(): number {
    return this.ops.size;
  }

  /** Visible records of one table (and space, if given) by id, replayed in HLC order. */
  records(table: string, space?: string): Map<string, Record<string, unknown>> {
    const ordered = [...this.ops.values()]
      .filter((op) => op.table === table && (space === undefined || op.space === space))
      .sort((a, b) => (a.hlc! < b.hlc! ? -1 : a.hlc! > b.hlc! ? 1 : 0));
    const rows = new Map<string, Row>();
    for (const op of ordered) {
      let row = rows.get(op.id!);
      if (!row) rows.set(op.id!, (row = { live: false, fields: new Map() }));
      if (op.kind === 'delete') {
        row.live = false;
        row.fields.clear();
        continue;
      }
      const names = [...Object.keys(op.fields ?? {}), ...(op.unset ?? [])];
      if (names.length > 0) row.live = true;
      for (const [name, v] of Object.entries(op.fields ?? {})) row.fields.set(name, v);
      for (const name of op.unset ?? []) row.fields.delete(name);
    }
    const out = new Map<string, Record<string, unknown>>();
    for (const [id, row] of [...rows].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (row.live) out.set(id, Object.fromEntries([...row.fields].sort(([a], [b]) => (a < b ? -1 : 1))));
    return out;
  }
}
