/**
 * The browser's connectivity hints (window or worker scope). When the device
 * goes offline an open WebSocket can look alive until a request times out,
 * so the session is ended at once; when it comes back the engine reconnects
 * at once instead of waiting out its backoff. Where there are no such
 * events (Node), this does nothing: failures are still found by timeouts.
 */
type Scope = {
  addEventListener?: (type: string, fn: () => void) => void;
  removeEventListener?: (type: string, fn: () => void) => void;
};

export function watchNetwork(handlers: { offline: () => void; online: () => void }): () => void {
  const scope = globalThis as Scope;
  if (typeof scope.addEventListener !== 'function' || typeof scope.removeEventListener !== 'function') return () => {};
  const { offline, online } = handlers;
  scope.addEventListener('offline', offline);
  scope.addEventListener('online', online);
  return () => {
    scope.removeEventListener?.('offline', offline);
    scope.removeEventListener?.('online', online);
  };
}
