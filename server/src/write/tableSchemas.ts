/**
 * A validation extension from zod object schemas, one per record table:
 * a put's fields are checked one by one against the table's schema (a put
 * is a patch, so absent fields are fine), an unknown table or field is
 * refused, and the HTTP API answers NOT_FOUND for tables not listed.
 *
 * ```ts
 * const schemas = tableSchemas({ cards: z.object({ title: z.string().min(1).max(200), listId: z.string() }) });
 * createSynclineServer({ replicator, mode: 'sync', extensions: [schemas] });
 * ```
 */
import { SyncError } from '@syncline/shared';
import type { z } from 'zod';
import type { Extension } from '../Extension.js';

export function tableSchemas(tables: Record<string, z.ZodObject>, opts: { name?: string; priority?: number } = {}): Extension {
  return {
    name: opts.name ?? 'table-schemas',
    priority: opts.priority ?? 50,
    tables: Object.keys(tables),
    validateChange({ change }) {
      if (change.kind === 'yjs') return;
      const schema = Object.hasOwn(tables, change.table) ? tables[change.table] : undefined;
      if (!schema)
        throw new SyncError('VALIDATION_FAILED', `unknown table ${change.table}`, { table: change.table, reason: 'UNKNOWN_TABLE' });
      if (change.kind === 'delete') return;
      const shape = schema.shape as Record<string, z.ZodType>;
      for (const [field, value] of Object.entries(change.fields)) {
        const fieldSchema = Object.hasOwn(shape, field) ? shape[field] : undefined;
        if (!fieldSchema)
          throw new SyncError('VALIDATION_FAILED', `unknown field ${change.table}.${field}`, {
            table: change.table,
            field,
            reason: 'UNKNOWN_FIELD',
          });
        const ok = fieldSchema.safeParse(value);
        if (!ok.success) {
          const message = ok.error.issues[0]?.message ?? 'invalid';
          throw new SyncError('VALIDATION_FAILED', `${change.table}.${field}: ${message}`, {
            table: change.table,
            field,
            reason: 'INVALID_FIELD',
          });
        }
      }
      for (const field of change.unset ?? []) {
        if (!Object.hasOwn(shape, field))
          throw new SyncError('VALIDATION_FAILED', `unknown field ${change.table}.${field}`, {
            table: change.table,
            field,
            reason: 'UNKNOWN_FIELD',
          });
      }
    },
  };
}
