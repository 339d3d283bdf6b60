/**
 * The one extension point of the server (after hocuspocus): an `Extension`
 * has optional async hooks, run in ascending `priority` order (default 100).
 * A hook rejects by throwing — preferably a `SyncError` (UNAUTHORIZED,
 * FORBIDDEN, ...); anything else is reported as INTERNAL. With no
 * extensions everything is allowed.
 *
 * ```ts
 * const auth: Extension = {
 *   async onAuthenticate({ handshake }) {
 *     const user = await verify(handshake.token);          // throw SyncError('UNAUTHORIZED', ...)
 *     return { user };                                     // merged into ctx.data
 *   },
 *   async onAuthorize({ ctx, space, action }) {
 *     if (!ctx.data.user.roles[space]) throw new SyncError('FORBIDDEN', `no role in ${space}`);
 *   },
 * };
 * createSynclineServer({ replicator, mode: 'semi-sync', extensions: [auth] });
 * ```
 */
import type { Change, Handshake } from '@syncline/shared';

/** `service`: writes over the HTTP records API (docs/backend.md); a `service` role also allows read and write. */
export type SpaceAction = 'read' | 'write' | 'service';

/** Per-connection context handed to every hook. */
export interface ConnectionContext {
  socketId: string;
  clientId: string;
  handshake: Handshake;
  /** What `onAuthenticate` hooks returned, merged; free for extensions to use. */
  data: Record<string, unknown>;
  /**
   * Set by an `onAuthenticate` hook (the auth extension: the token's `exp`,
   * ms since epoch): the server disconnects the socket with UNAUTHORIZED then.
   */
  expiresAt?: number;
}

export interface Extension {
  name?: string;
  priority?: number;
  /** Runs once per connection, before `welcome`. Return values are merged into `ctx.data`. */
  onAuthenticate?(args: {
    handshake: Handshake;
    ctx: ConnectionContext;
  }): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  /** Runs before any read (pull, subscribe, awareness) or write (push) to a space. */
  onAuthorize?(args: { ctx: ConnectionContext; space: string; action: SpaceAction }): Promise<void> | void;
  /** Runs before a validated batch is written; throw to reject the whole push. */
  beforeWrite?(args: { ctx: ConnectionContext; changes: Change[] }): Promise<void> | void;
  /**
   * Runs per change of every write (socket push and HTTP API) after
   * authorization, before anything is written (docs/backend.md). Throw to
   * reject this one change: a `SyncError` keeps its code (use
   * `VALIDATION_FAILED`, with the app's own reason in `details`); any other
   * error becomes VALIDATION_FAILED with its message. The op is then
   * answered `rejected` and nothing of it is stored. Return a change to
   * store that one instead (e.g. with a server-stamped field added); it
   * must keep the op id, kind, space and table/id or doc.
   */
  validateChange?(args: { ctx: ConnectionContext; change: Change }): Promise<Change | void> | Change | void;
  /**
   * The record tables this extension knows. When any extension lists
   * tables, the HTTP API answers NOT_FOUND for every other table.
   */
  tables?: readonly string[];
}

/** Runs one hook of every extension that has it, in priority order. */
export async function runHook<K extends keyof Extension>(
  extensions: readonly Extension[],
  hook: K,
  call: (ext: Extension) => unknown,
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const ext of extensions) {
    if (ext[hook] === undefined) continue;
    results.push(await call(ext));
  }
  return results;
}

export function sortExtensions(extensions: readonly Extension[]): Extension[] {
  return [...extensions].sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100));
}
