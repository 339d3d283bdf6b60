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
 * - Records: as soon as the primary committed a write (the replicator's
 *   `onPrimaryCommit`, before the mode's ack), the space's tail
 *   (RecordTail.ts) broadcasts the committed rows with node and seq as
 *   `changes`. A replicator without that hook starts it after the reply.
 *
 * Only sockets that joined a room receive its messages; a socket joins a
 * space or document room only after `authorize(read)` for that space
 * (subscribeHandlers.ts, docSubscriptions.ts), and rows and updates are
 * delivered to each member only after `authorize(read)` again at delivery
 * time (deliverChecked.ts), so an app rule that revokes access stops data at
 * once. Pokes carry no data and go to the room as they are.
 */
import { emitMessage, type SynclineIo as Server, type SynclineSocket as Socket } from '../socket/ioTypes.js';
import type { ConnectionContext } from '../Extension.js';
import { CheckedDelivery } from './deliverChecked.js';
import * as Y from 'yjs';
import { Events, type Change, type DocChange, type DocUpdateMessage, type OpResult } from '@syncline/shared';
import type { ReplicatorApi } from '../replication/types.js';
import { RecordTails } from './RecordTail.js';
import { docRoom, parseDocRoom, roomOf } from './rooms.js';

export interface LiveDeliveryOptions {
  io: Server;
  replicator: Pick<ReplicatorApi, 'pull' | 'onPrimaryCommit'>;
  /** Rows per `changes` message (the pull page limit). */
  pageSize: number;
  /** Whether an adapter links this server to others (deliveries are sent to them too). */
  crossServer: boolean;
  /** The read check made for every receiving connection before data is delivered. */
  mayRead(conn: ConnectionContext, space: string): Promise<void>;
  onError?(err: unknown): void;
}

export class LiveDelivery {
  readonly tails: RecordTails;
  readonly delivery: CheckedDelivery;
  /** Whether record deliveries start at the primary commit (else after the reply: `committed`). */
  private readonly atPrimaryCommit: boolean;

  constructor(private readonly opts: LiveDeliveryOptions) {
    this.delivery = new CheckedDelivery({
      io: opts.io,
      crossServer: opts.crossServer,
      mayRead: opts.mayRead,
      onRefused: (socket, space) => void leaveSpace(socket, space),
      onError: opts.onError,
    });
    this.tails = new RecordTails({
      replicator: opts.replicator,
      pageSize: opts.pageSize,
      // Without an adapter every listener is in this server's rooms; with one, other servers' are unknown here.
      ...(opts.crossServer ? {} : { hasListeners: (space: string) => (opts.io.of('/').adapter.rooms.get(roomOf(space))?.size ?? 0) > 0 }),
      emit: (space, event, payload) => {
        if (event === Events.changes) this.delivery.send({ room: roomOf(space), space, event, payload });
        else emitMessage(opts.io.to(roomOf(space)), event, payload);
      },
      onError: opts.onError,
    });
    const off = opts.replicator.onPrimaryCommit?.((ops) => {
      for (const space of new Set(ops.filter((o) => o.kind !== 'yjs').map((o) => o.space))) this.tails.committed(space);
    });
    this.atPrimaryCommit = off !== undefined;
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
      this.delivery.send({ room, space, event: Events.docUpdate, payload: msg, ...(senderSocketId ? { except: senderSocketId } : {}) });
    }
  }

  /** After a write: the spaces whose record ops were committed broadcast their new rows. */
  committed(changes: readonly Change[], results: readonly OpResult[]): void {
    if (this.atPrimaryCommit) return; // started at the primary commit already
    const spaces = new Set<string>();
    changes.forEach((c, i) => {
      if (c.kind !== 'yjs' && results[i]?.status === 'ok') spaces.add(c.space);
    });
    for (const space of spaces) this.tails.committed(space);
  }
}

/** A connection refused the read role at delivery: it leaves the space's room and its documents' rooms. */
async function leaveSpace(socket: Socket, space: string): Promise<void> {
  const rooms = [...socket.rooms].filter((r) => r === roomOf(space) || parseDocRoom(r)?.space === space);
  for (const r of rooms) await socket.leave(r);
}
