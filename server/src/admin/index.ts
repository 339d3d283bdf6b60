/**
 * @syncline/server/admin — a typed Node client for an app's backend over the
 * HTTP records API and change feed (docs/backend.md).
 *
 * ```ts
 * import { SynclineAdmin } from '@syncline/server/admin';
 * const admin = new SynclineAdmin({ urls: ['http://127.0.0.1:4001'], token: serviceToken });
 * await admin.patch('team-1', 'cards', 'c1', { title: 'Renamed' }, { key: 'rename-c1-1' });
 * ```
 */
export {
  SynclineAdmin,
  AdminError,
  type AdminOptions,
  type WriteOptions,
  type WriteAnswer,
  type RecordItem,
  type RecordPage,
  type FeedItem,
  type FeedPage,
} from './SynclineAdmin.js';
