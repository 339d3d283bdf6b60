/**
 * Live delivery (docs/PROTOCOL.md "Live delivery", DESIGN §4): the server
 * sends changes themselves to the rooms, instead of a poke that makes every
 * subscriber pull.
 *
 * - Yjs: an update that passed validation and authorization is relayed as
 *   `doc_update` to the document's room (other subscribers, every server)
 *   before it is written, so no later than the primary commit. The writer
 *   keeps it in its outbox until acked, so a relayed update cannot be lost
 *   for good; receivers persist documents through their per-document pull.
 * - Records: after the commit, the space's tail (RecordTail.ts) broadcasts
 *   the committed rows with node and seq as `changes`.
 *
 * Only sockets that joined a room receive its messages, and a socket joins
 * a space or document room only after `authorize(read)` for that space
 * (subscribeHandlers.ts, docSubscriptions.ts); roles are fixed for the life
 * of a connection (a new token means a new connection).
 */
import type { Server } from 'socket.io';
import * as Y from 'yjs';
import { Events, type Change, type DocChange, type DocUpdateMessage, type OpResult } from '@syncline/shared';
import type { ReplicatorApi } from '../replication/types.js';
import { RecordTails } from './RecordTail.js';
import { docRoom, roomOf } from './rooms.js';

export interface LiveDeliveryOptions {
  io: Server;
  replicator: Pick<ReplicatorApi, 'pull'>;
  /** Rows per `changes` message (the pull page limit). */
  pageSize: number;
  onError?(err: unknown): void;
}

export class LiveDelivery {
  readonly tails: RecordTails;

  constructor(private readonly opts: LiveDeliveryOptions) {
    this.tails = new RecordTails({
      replicator: opts.replicator,
      pageSize: opts.pageSize,
      emit: (space, event, payload) => opts.io.to(roomOf(space)).emit(event, payload),
      onError: opts.onError,
    });
  }

  /**
   * Relays validated, authorized Yjs updates to each document's other
   * subscribers. Several updates of one document in one write (a writer
   * that fell behind sends its backlog in one batch) go as one merged update.
   */
  relayDocs(senderSocketId: string | undefined, changes: readonly Change[]): void {
    const byDoc = new Map<string, DocChange[]>();
    for (const c of changes) {
      if (c.kind !== 'yjs') continue;
      const room = docRoom(c.space, c.doc);
      const list = byDoc.get(room);
      if (list) list.push(c);
      else byDoc.set(room, [c]);
    }
    for (const [room, list] of byDoc) {
      const { space, doc } = list[0]!;
      const update = list.length === 1 ? list[0]!.update : Y.mergeUpdates(list.map((c) => c.update));
      const msg: DocUpdateMessage = { space, doc, update };
      const target = senderSocketId ? this.opts.io.to(room).except(senderSocketId) : this.opts.io.to(room);
      target.emit(Events.docUpdate, msg);
    }
  }

  /** After a write: the spaces whose record ops were committed broadcast their new rows. */
  committed(changes: readonly Change[], results: readonly OpResult[]): void {
    const spaces = new Set<string>();
    changes.forEach((c, i) => {
      if (c.kind !== 'yjs' && results[i]?.status === 'ok') spaces.add(c.space);
    });
    for (const space of spaces) this.tails.committed(space);
  }
}
