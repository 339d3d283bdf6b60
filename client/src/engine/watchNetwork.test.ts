import { afterEach, describe, expect, it } from 'vitest';
import { watchNetwork } from './watchNetwork.js';

describe('watchNetwork', () => {
  const scope = globalThis as unknown as { addEventListener?: unknown; removeEventListener?: unknown; dispatchEvent?: unknown };
  afterEach(() => {
    delete scope.addEventListener;
    delete scope.removeEventListener;
    delete scope.dispatchEvent;
  });

  it('does nothing where the scope has no events (Node)', () => {
    expect(() => watchNetwork({ offline: () => {}, online: () => {} })()).not.toThrow();
  });

  it('calls back on offline and online until unwatched', () => {
    const target = new EventTarget();
    scope.addEventListener = target.addEventListener.bind(target);
    scope.removeEventListener = target.removeEventListener.bind(target);
    const seen: string[] = [];
    const stop = watchNetwork({ offline: () => seen.push('offline'), online: () => seen.push('online') });
    target.dispatchEvent(new Event('offline'));
    target.dispatchEvent(new Event('online'));
    stop();
    target.dispatchEvent(new Event('offline'));
    expect(seen).toEqual(['offline', 'online']);
  });
});
