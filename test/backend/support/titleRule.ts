/** Loaded by test servers with `--extension`: an `items` record's title must be a non-empty string. */
import { SyncError } from '@syncline/shared';
import type { Extension } from '@syncline/server';

const titleRule: Extension = {
  name: 'title-rule',
  validateChange({ change }) {
    if (change.kind !== 'put' || !('title' in change.fields)) return;
    const title = change.fields.title;
    if (typeof title !== 'string' || title.trim() === '')
      throw new SyncError('VALIDATION_FAILED', 'title must not be empty', { field: 'title', reason: 'TITLE_EMPTY' });
  },
};
export default titleRule;
