/** What a reply to each event may look like: its success shape or a typed error. */
import { ErrorCodes } from '@syncline/shared';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const CODES = new Set<string>(Object.values(ErrorCodes));
const STATUS = new Set(['ok', 'rejected', 'indeterminate']);

export function isWireError(e: unknown): boolean {
  return isObj(e) && typeof e.code === 'string' && CODES.has(e.code) && typeof e.message === 'string' && typeof e.retryable === 'boolean';
}

/** Undefined when the reply is acceptable, else why not. */
export function replyProblem(event: string, reply: unknown): string | undefined {
  if (!isObj(reply)) return 'reply is not an object';
  if ('error' in reply) {
    if (!isWireError(reply.error)) return 'error is not a WireError';
    if ((reply.error as { code: string }).code === 'INTERNAL') return 'INTERNAL error (a server bug on client input)';
    return undefined;
  }
  switch (event) {
    case 'push': {
      const results = reply.results;
      if (!Array.isArray(results) || !['sync', 'semi-sync', 'async'].includes(reply.ack as string)) return 'bad push reply';
      for (const r of results) {
        if (!isObj(r) || typeof r.opId !== 'string' || !STATUS.has(r.status as string)) return 'bad op result';
        if (r.status !== 'ok' && !isWireError(r.error)) return 'non-ok op result without a WireError';
        if (r.status !== 'ok' && (r.error as { code: string }).code === 'INTERNAL') return 'INTERNAL op result';
      }
      return undefined;
    }
    case 'pull':
      return typeof reply.space === 'string' &&
        Array.isArray(reply.records) &&
        Array.isArray(reply.docs) &&
        typeof reply.cursor === 'string' &&
        typeof reply.hasMore === 'boolean'
        ? undefined
        : 'bad pull reply';
    case 'subscribe':
    case 'unsubscribe':
      return Array.isArray(reply.spaces) && reply.spaces.every((s) => typeof s === 'string') ? undefined : 'bad subscribe reply';
    case 'awareness':
      return reply.ok === true ? undefined : 'bad awareness reply';
    default:
      return 'an unknown event got a non-error reply';
  }
}
