/**
 * The sync status bar: connection state, the server in use, pending writes
 * (with the age of the oldest), whether this tab is the one syncing, and the
 * last error. Every field has a data-testid the e2e tests read.
 */
import { isTransportCode, type SyncStatus, type Syncline } from '@syncline/client';
import { h, setText } from './dom.js';

export function mountStatusBar(container: HTMLElement, sync: Syncline): () => void {
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  const state = h('span', { 'data-testid': 'sync-state' });
  const server = h('span', { class: 'server', 'data-testid': 'sync-server' });
  const pending = h('span', { 'data-testid': 'sync-pending' });
  const moved = h('span', { class: 'moved', 'data-testid': 'sync-moved', hidden: true });
  const role = h('span', { class: 'role', 'data-testid': 'sync-role' });
  const conn = h('span', { class: 'conn', 'data-testid': 'sync-connection', hidden: true });
  const error = h('span', { class: 'error', 'data-testid': 'sync-error', role: 'status' });
  const bar = h('div', { class: 'statusbar', 'data-testid': 'status-bar' }, dot, state, server, moved, pending, role, conn, error);
  container.append(bar);

  // Failover is worth a visible note: which server we left, for a while after the move.
  let lastServer: string | null = null;
  let movedUntil = 0;
  const render = (s: SyncStatus) => {
    if (s.state === 'online' && s.server) {
      if (lastServer && lastServer !== s.server) {
        setText(moved, `moved from ${hostOf(lastServer)}`);
        movedUntil = Date.now() + 15_000;
      }
      lastServer = s.server;
    }
    moved.hidden = Date.now() > movedUntil;
    // The browser knows first that the network is gone; a socket can look open for a while after.
    const netOffline = navigator.onLine === false;
    const shown = netOffline ? 'offline' : s.state;
    bar.dataset.state = shown;
    bar.dataset.engineState = s.state;
    bar.dataset.lastPullAt = s.lastPullAt === null ? '' : String(s.lastPullAt);
    setText(state, shown === 'online' ? 'Online' : shown === 'connecting' ? 'Connecting…' : 'Offline');
    const where = s.server ? `${hostOf(s.server)}${s.serverId ? ` (${s.serverId})` : ''}` : '—';
    setText(server, netOffline ? `no network · last ${where}` : where);
    server.dataset.url = s.server ?? '';
    pending.dataset.count = String(s.pendingCount);
    setText(pending, pendingText(s));
    setText(role, s.leader ? 'this tab syncs' : 'synced by another tab');
    // Not reaching a server is a connection state (the dot and the state say it), not a red error.
    const transport = s.lastError && isTransportCode(s.lastError.code) ? s.lastError : null;
    const fault = s.lastError && !transport ? s.lastError : null;
    setText(conn, transport && s.state !== 'online' ? connectionText(transport.code) : '');
    conn.hidden = !transport || s.state === 'online';
    setText(error, fault ? `${fault.code}: ${fault.message}` : '');
    error.hidden = !fault;
  };
  const unsubscribe = sync.subscribe(render);
  // The age of the oldest pending write grows while nothing changes: refresh it.
  const timer = setInterval(() => render(sync.getStatus()), 1000);
  const onNet = () => render(sync.getStatus());
  addEventListener('online', onNet);
  addEventListener('offline', onNet);
  return () => {
    unsubscribe();
    clearInterval(timer);
    removeEventListener('online', onNet);
    removeEventListener('offline', onNet);
    bar.remove();
  };
}

function connectionText(code: string): string {
  if (code === 'DISCONNECTED') return 'connection lost, reconnecting';
  if (code === 'SERVER_DRAINING') return 'server restarting, moving';
  return 'no server reachable, retrying';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function pendingText(s: SyncStatus): string {
  // Acks weaker than asked (server --fallback degrade / --max-ack) are worth knowing, never silent.
  const weaker = [
    s.degradedAckCount > 0 ? `${s.degradedAckCount} degraded` : '',
    s.cappedAckCount > 0 ? `${s.cappedAckCount} capped` : '',
  ].filter(Boolean);
  const extra = weaker.length ? ` · ${weaker.join(', ')}` : '';
  if (s.pendingCount === 0) return (s.rejectedCount > 0 ? `all synced · ${s.rejectedCount} refused` : 'all synced') + extra;
  const age = s.oldestPendingAgeMs === null ? '' : `, oldest ${formatAge(s.oldestPendingAgeMs)}`;
  return `${s.pendingCount} pending${age}${extra}`;
}

function formatAge(ms: number): string {
  if (ms < 1000) return 'now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
