/**
 * Messages about documents between the open documents of every tab and the
 * engine (in a tab or in the Worker), over `BroadcastChannel('syncline-docs:<db>')`.
 * A BroadcastChannel reaches every other channel object of that name, also
 * in the same thread, so one mechanism covers engine-in-tab, engine-in-Worker
 * and other tabs. Update hints are hints only (documents also poll);
 * awareness messages are ephemeral by design.
 *
 * Channels of the same thread get a message in a microtask, not through the
 * BroadcastChannel (which clones it and delivers it in a task of its own,
 * behind everything the event loop has queued — a relayed update waited
 * there 8–50 ms in a busy burst); the copy the BroadcastChannel still
 * delivers to them is dropped by its sender tag. Other threads (the Worker,
 * other tabs) get it from the BroadcastChannel as before.
 */
export type DocMessage =
  /** New rows in `_docs` for this document. */
  | { type: 'docs'; space: string; doc: string }
  /** An awareness update from an open document, to send to the server. */
  | { type: 'awareness-out'; space: string; doc: string; update: Uint8Array }
  /** An awareness update the server relayed from another client. */
  | { type: 'awareness-in'; space: string; doc: string; update: Uint8Array }
  /** The engine connected (documents re-announce their presence) or lost the connection (peers go away). */
  | { type: 'link'; online: boolean }
  /** A document is open in some tab: the engine subscribes to it and pulls it (re-sent on every `link`). */
  | { type: 'open'; space: string; doc: string }
  /** A relayed update from another client (live delivery): open documents apply it at once; it is stored by the next pull. */
  | { type: 'update'; space: string; doc: string; update: Uint8Array }
  /**
   * An open document holds updates it cannot apply yet (Yjs pending structs: a relayed update whose
   * predecessor it never received, e.g. relayed before it subscribed): the engine pulls the document now.
   */
  | { type: 'gap'; space: string; doc: string };

/** Tags this thread's (this module instance's) messages on the BroadcastChannel. */
const THREAD_TAG = Math.random().toString(36).slice(2);
/** Open channels of this thread by name (they get each other's messages directly). */
const local = new Map<string, Set<DocChannel>>();

type Tagged = DocMessage & { from?: string };

export class DocChannel {
  private readonly bc: BroadcastChannel | null;
  private readonly listeners = new Set<(m: DocMessage) => void>();
  private readonly peers: Set<DocChannel>;

  constructor(private readonly dbName: string) {
    this.bc = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`syncline-docs:${dbName}`) : null;
    if (this.bc) {
      this.bc.onmessage = (e: MessageEvent<Tagged>) => {
        if (e.data?.from !== THREAD_TAG) this.deliver(e.data);
      };
    }
    // Node keeps a process alive while a channel is open.
    (this.bc as unknown as { unref?: () => void } | null)?.unref?.();
    let peers = local.get(dbName);
    if (!peers) local.set(dbName, (peers = new Set()));
    peers.add(this);
    this.peers = peers;
  }

  post(msg: DocMessage): void {
    if (this.peers.size > 1) {
      const to = [...this.peers].filter((c) => c !== this);
      queueMicrotask(() => to.forEach((c) => c.deliver(msg)));
    }
    try {
      this.bc?.postMessage({ ...msg, from: THREAD_TAG } satisfies Tagged);
    } catch {
      // a closed channel: nobody is listening any more
    }
  }

  on(listener: (m: DocMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.peers.delete(this);
    if (this.peers.size === 0) local.delete(this.dbName);
    this.bc?.close();
  }

  private deliver(m: DocMessage): void {
    this.listeners.forEach((l) => l(m));
  }
}

const shared = new Map<string, DocChannel>();

/** Posts on a per-database channel kept for the life of the thread (engine side). */
export function postDocMessage(dbName: string, msg: DocMessage): void {
  let ch = shared.get(dbName);
  if (!ch) shared.set(dbName, (ch = new DocChannel(dbName)));
  ch.post(msg);
}
