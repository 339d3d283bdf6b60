/**
 * Messages about documents between the open documents of every tab and the
 * engine (in a tab or in the Worker), over `BroadcastChannel('syncline-docs:<db>')`.
 * A BroadcastChannel reaches every other channel object of that name, also
 * in the same thread, so one mechanism covers engine-in-tab, engine-in-Worker
 * and other tabs. Update hints are hints only (documents also poll);
 * awareness messages are ephemeral by design.
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

export class DocChannel {
  private readonly bc: BroadcastChannel | null;
  private readonly listeners = new Set<(m: DocMessage) => void>();

  constructor(dbName: string) {
    this.bc = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`syncline-docs:${dbName}`) : null;
    if (this.bc) this.bc.onmessage = (e: MessageEvent<DocMessage>) => this.listeners.forEach((l) => l(e.data));
    // Node keeps a process alive while a channel is open.
    (this.bc as unknown as { unref?: () => void } | null)?.unref?.();
  }

  post(msg: DocMessage): void {
    try {
      this.bc?.postMessage(msg);
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
    this.bc?.close();
  }
}

const shared = new Map<string, DocChannel>();

/** Posts on a per-database channel kept for the life of the thread (engine side). */
export function postDocMessage(dbName: string, msg: DocMessage): void {
  let ch = shared.get(dbName);
  if (!ch) shared.set(dbName, (ch = new DocChannel(dbName)));
  ch.post(msg);
}
