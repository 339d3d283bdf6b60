/**
 * A real SocketIoTransport that records what the engine sends (to prove
 * "each op pushed once", "pull started from the saved cursor") and can
 * pretend to be an older client by rewriting the handshake's protocol.
 */
import { SocketIoTransport, type Transport, type TransportFactory } from '@syncline/client';
import type { Handshake, PullRequest, PushRequest } from '@syncline/shared';

export interface Recording {
  connects: number;
  pushedOpIds: string[];
  pulls: PullRequest[];
}

export function recordingTransport(opts: { protocol?: number } = {}): { factory: TransportFactory; rec: Recording } {
  const rec: Recording = { connects: 0, pushedOpIds: [], pulls: [] };
  const factory = (): Transport => {
    const t = new SocketIoTransport();
    return {
      connect(url: string, auth: Handshake, timeoutMs: number) {
        rec.connects += 1;
        return t.connect(url, opts.protocol === undefined ? auth : { ...auth, protocol: opts.protocol }, timeoutMs);
      },
      async request(event, payload, timeoutMs) {
        if (event === 'pull') rec.pulls.push(payload as PullRequest);
        const reply = await t.request(event, payload, timeoutMs);
        // Counted once the server answered, so a push lost in flight is not "sent".
        if (event === 'push') rec.pushedOpIds.push(...(payload as PushRequest).changes.map((c) => c.opId));
        return reply;
      },
      on: (event, handler) => t.on(event, handler),
      onClose: (handler) => t.onClose(handler),
      close: () => t.close(),
    };
  };
  return { factory, rec };
}
