/**
 * Socket.IO's default parser refuses packets with more than 10 binary
 * attachments, and every Yjs update in a push (or a pull reply) is one. The
 * packet size stays bounded by `maxHttpBufferSize` (= maxMessageBytes) and
 * the batch/pull limits, so the attachment count may be as large as those
 * allow. Clients use the same setting (client/src/engine/socketParser.ts).
 */
import { Decoder, Encoder } from 'socket.io-parser';

export interface SocketParser {
  Encoder: typeof Encoder;
  Decoder: new () => Decoder;
}

export function synclineParser(maxAttachments: number): SocketParser {
  class SynclineDecoder extends Decoder {
    constructor() {
      super({ maxAttachments });
    }
  }
  return { Encoder, Decoder: SynclineDecoder };
}
