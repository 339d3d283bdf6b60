/**
 * What a session pulls next: the spaces it subscribed (records, pulled per
 * space) and the documents open in some tab (pulled per document), each with
 * a queue of pulls due. `onQueued` wakes the session's scheduler.
 */
export interface DocRef {
  space: string;
  doc: string;
}

const docKey = (space: string, doc: string) => JSON.stringify([space, doc]);

export class PullQueues {
  readonly subscribed = new Set<string>();
  /** Documents open in some tab, subscribed on this connection. */
  private readonly docs = new Map<string, DocRef>();
  private readonly spaceQueue = new Set<string>();
  private readonly docQueue = new Map<string, DocRef>();
  /** Documents to pull before pushes: just opened, or missing an update (a gap). */
  private readonly urgentDocs = new Map<string, DocRef>();

  /** When the space queue last went from empty to non-empty (Date.now()). */
  private spacesQueuedAt = 0;

  constructor(private readonly onQueued: () => void) {}

  /** Queues the spaces' records, and (unless `withDocs` is false) their open documents. */
  request(spaces: Iterable<string>, withDocs = true): void {
    const set = new Set(spaces);
    if (this.spaceQueue.size === 0) this.spacesQueuedAt = Date.now();
    for (const s of set) if (this.subscribed.has(s)) this.spaceQueue.add(s);
    if (withDocs) for (const [k, d] of this.docs) if (set.has(d.space)) this.docQueue.set(k, d);
    this.onQueued();
  }

  /** Queues one open document (`urgent`: before pushes). */
  requestDoc(space: string, doc: string, urgent = false): void {
    const k = docKey(space, doc);
    const d = this.docs.get(k);
    if (!d) return;
    (urgent ? this.urgentDocs : this.docQueue).set(k, d);
    this.onQueued();
  }

  /** Queues every subscribed space and every open document (the periodic re-pull). */
  requestAll(): void {
    this.request(this.subscribed);
    for (const [k, d] of this.docs) this.docQueue.set(k, d);
  }

  hasDoc(space: string, doc: string): boolean {
    return this.docs.has(docKey(space, doc));
  }

  /** Adds an open document (not yet queued); undefined if it was already there. */
  addDoc(space: string, doc: string): DocRef | undefined {
    const k = docKey(space, doc);
    if (this.docs.has(k)) return undefined;
    const ref = { space, doc };
    this.docs.set(k, ref);
    return ref;
  }

  /** Queues a document added with addDoc (even if dropped since: its pull reports why). */
  queueDoc(ref: DocRef, urgent = false): void {
    (urgent ? this.urgentDocs : this.docQueue).set(docKey(ref.space, ref.doc), ref);
    this.onQueued();
  }

  /** Drops an open document (e.g. reading it was refused). */
  dropDoc(space: string, doc: string): void {
    this.docs.delete(docKey(space, doc));
  }

  get spacesQueued(): number {
    return this.spaceQueue.size;
  }

  /** How long the oldest queued space pull has waited (0 when none is queued). */
  spacesWaitedMs(now = Date.now()): number {
    return this.spaceQueue.size === 0 ? 0 : now - this.spacesQueuedAt;
  }

  /** Takes the next queued space, if any. */
  takeSpace(): string | undefined {
    const space = this.spaceQueue.values().next().value;
    if (space !== undefined) this.spaceQueue.delete(space);
    return space;
  }

  /** Takes the next queued document (only an urgent one if `urgent`), if any; one pull serves both queues. */
  takeDoc(urgent = false): DocRef | undefined {
    const entry = this.urgentDocs.entries().next().value ?? (urgent ? undefined : this.docQueue.entries().next().value);
    if (entry === undefined) return undefined;
    this.urgentDocs.delete(entry[0]);
    this.docQueue.delete(entry[0]);
    return entry[1];
  }
}
