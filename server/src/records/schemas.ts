/** zod schemas of the HTTP API's paths, queries, headers and bodies (docs/backend.md). */
import { z } from 'zod';
import { AckModeSchema } from '@syncline/shared';

const name = z.string().min(1).max(256);
export const SpaceParams = z.object({ space: name });
export const TableParams = z.object({ space: name, table: name });
export const RecordParams = z.object({ space: name, table: name, id: name });

/** What an Idempotency-Key may hold: no whitespace, and no `#` (reserved for the ops one request expands to). */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._~:@+=/-]{1,255}$/, 'Idempotency-Key must be 1-255 characters of A-Z a-z 0-9 . _ ~ : @ + = / -');

export const WriteQuery = z.object({ ack: AckModeSchema.optional() });

const cursor = z.string().min(1).max(512);
const limit = z.coerce.number().int().min(1).max(100_000);
export const ListQuery = z.object({ cursor: cursor.optional(), limit: limit.optional() });
export const FeedQuery = z.object({
  cursor: cursor.optional(),
  limit: limit.optional(),
  /** Long-poll: wait up to this many seconds for a change when there is none. */
  wait: z.coerce.number().min(0).max(60).optional(),
});

const fieldName = z.string().min(1).max(256);
/** PUT: the whole record. */
export const RecordBody = z.record(fieldName, z.json()).refine((r) => Object.keys(r).length <= 1000, 'at most 1000 fields');
/** PATCH: fields to set; `null` removes a field (JSON merge patch, top level only). */
export const PatchBody = RecordBody.refine((r) => Object.keys(r).length > 0, 'a patch needs at least one field');
