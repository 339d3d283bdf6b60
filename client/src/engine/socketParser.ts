/**
 * Socket.IO's default parser refuses packets with more than 10 binary
 * attachments ("too many attachments"), and every Yjs update in a push or a
 * pull reply is one attachment. Packets stay bounded by the server's
 * `maxMessageBytes` and the batch/pull limits, so allow as many attachments
 * as a batch or a page can hold. The server uses the same parser settings.
 */
import { Decoder, Encoder } from 'socket.io-parser';

export const MAX_ATTACHMENTS = 10_000;

class SynclineDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: MAX_ATTACHMENTS });
  }
}

export const socketParser = { Encoder, Decoder: SynclineDecoder };
