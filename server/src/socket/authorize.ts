/** Runs the extensions' `onAuthorize` hooks for one space. */
import { SyncError } from '@syncline/shared';
import { runHook, type ConnectionContext, type SpaceAction } from '../Extension.js';
import type { ServerContext } from './ServerContext.js';

export async function authorize(ctx: ServerContext, conn: ConnectionContext, space: string, action: SpaceAction): Promise<void> {
  try {
    await runHook(ctx.extensions, 'onAuthorize', (ext) => ext.onAuthorize!({ ctx: conn, space, action }));
  } catch (err) {
    if (err instanceof SyncError) throw err;
    // A hook that fails without a code denies access rather than erroring out.
    throw new SyncError('FORBIDDEN', `not allowed to ${action} space ${space}`);
  }
}
