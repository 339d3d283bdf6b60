/**
 * Loaded by test servers with `--extension`: an app rule that can revoke
 * read access while a connection lives. Client ids listed (one per line) in
 * the file named by SYNCLINE_TEST_REVOKED may not read any space.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SyncError } from '@syncline/shared';
import type { Extension } from '../../../server/src/Extension.js';

const revocableRead: Extension = {
  name: 'revocable-read',
  onAuthorize({ ctx, space, action }) {
    const file = process.env.SYNCLINE_TEST_REVOKED;
    if (action !== 'read' || !file || !existsSync(file)) return;
    const revoked = readFileSync(file, 'utf8').split('\n');
    if (revoked.includes(ctx.clientId)) throw new SyncError('FORBIDDEN', `read of ${space} revoked`);
  },
};
export default revocableRead;
