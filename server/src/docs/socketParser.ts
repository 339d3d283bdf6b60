/**
 * The server's Socket.IO packet decoder, bounded before it buffers
 * (issue 13 F3). Socket.IO's default parser refuses packets with more than
 * 10 binary attachments, and every Yjs update in a push is one, so the
 * count must be higher (`maxAttachments` = the push batch limit + slack).
 * But each attachment is its own WebSocket frame of up to
 * `maxHttpBufferSize`, and the decoder keeps them all until the packet is
 * complete: ~2,000 attachments of 4 MiB let one read-only connection hold
 * 1.2 GB. So this decoder also counts the bytes of the packet being
 * reconstructed (header + attachments) and fails as soon as they pass
 * `maxPacketBytes`, and refuses any binary packet before its connection
 * passed the handshake (`markHandshakeDone`). A decoder error closes the
 * connection (socket.io `Client.ondata`). Clients use their own parser
 * settings (client/src/engine/socketParser.ts).
 */
import { Decoder, Encoder } from 'socket.io-parser';
import type { SynclineSocket as Socket } from '../socket/ioTypes.js';

export interface SocketParser {
  Encoder: typeof Encoder;
  Decoder: new () => Decoder;
}

export interface ParserLimits {
  maxAttachments: number;
  /** Header plus attachments of one packet. */
  maxPacketBytes: number;
}

const HANDSHAKE_DONE = Symbol('syncline.handshakeDone');
type Flagged = Decoder & { [HANDSHAKE_DONE]?: boolean };

export function synclineParser(limits: ParserLimits): SocketParser {
  class SynclineDecoder extends Decoder {
    private bytes = 0;

    constructor() {
      super({ maxAttachments: limits.maxAttachments });
    }

    override add(obj: unknown): void {
      if (typeof obj === 'string') {
        const type = obj.charAt(0);
        if ((type === '5' || type === '6') && !(this as Flagged)[HANDSHAKE_DONE]) throw new Error('binary packet before the handshake');
        this.bytes = obj.length;
      } else {
        this.bytes += byteLength(obj);
      }
      if (this.bytes > limits.maxPacketBytes) throw new Error(`packet over ${limits.maxPacketBytes} bytes`);
      super.add(obj);
    }
  }
  return { Encoder, Decoder: SynclineDecoder };
}

/** Called once a socket passed the handshake middleware: from now on its connection may send binary packets. */
export function markHandshakeDone(socket: Socket): void {
  const decoder = (socket.client as unknown as { decoder?: Flagged }).decoder;
  if (decoder) decoder[HANDSHAKE_DONE] = true;
}

function byteLength(obj: unknown): number {
  if (obj instanceof ArrayBuffer) return obj.byteLength;
  if (ArrayBuffer.isView(obj)) return obj.byteLength;
  return 0;
}
