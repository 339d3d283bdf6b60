/**
 * The Socket.IO events of the protocol, typed end to end (docs/PROTOCOL.md).
 * The client's transport emits `ClientToServerEvents` and listens to
 * `ServerToClientEvents`; the server emits `ServerToClientEvents` and receives
 * `ClientToServerWire` — the same events, but with `unknown` payloads,
 * because nothing a client sends is trusted before its schema has parsed it.
 */
import type { WireError } from './errors.js';
import type { Events } from './protocol.js';
import type {
  AwarenessMessage,
  ChangesMessage,
  DocUpdateMessage,
  DrainMessage,
  ErrorReply,
  PokeMessage,
  PullReply,
  PullRequest,
  PushReply,
  PushRequest,
  ReplicatedMessage,
  SubscribeDocsReply,
  SubscribeDocsRequest,
  SubscribeReply,
  SubscribeRequest,
  Welcome,
} from './protocol.js';

/** Requests a client sends; each is answered through the Socket.IO ack with its reply or `{ error }`. */
export interface RequestMap {
  push: { request: PushRequest; reply: PushReply };
  pull: { request: PullRequest; reply: PullReply };
  subscribe: { request: SubscribeRequest; reply: SubscribeReply };
  unsubscribe: { request: SubscribeRequest; reply: SubscribeReply };
  subscribe_docs: { request: SubscribeDocsRequest; reply: SubscribeDocsReply };
  unsubscribe_docs: { request: SubscribeDocsRequest; reply: SubscribeDocsReply };
  /** Fire-and-forget from the client (the ack is optional). */
  awareness: { request: AwarenessMessage; reply: { ok: true } };
}
export type RequestEvent = keyof RequestMap;

/** Messages the server sends, by event name. */
export interface ServerMessages {
  welcome: Welcome;
  poke: PokeMessage;
  replicated: ReplicatedMessage;
  drain: DrainMessage;
  sync_error: WireError;
  changes: ChangesMessage;
  doc_update: DocUpdateMessage;
  awareness: AwarenessMessage;
}
export type ServerEvent = keyof ServerMessages;

/** Socket.IO event map: what the server emits and the client listens to. */
export type ServerToClientEvents = { [E in ServerEvent]: (msg: ServerMessages[E]) => void };

/** Socket.IO event map, client side: typed requests and their acks. */
export type ClientToServerEvents = {
  [E in RequestEvent]: (request: RequestMap[E]['request'], ack: (reply: RequestMap[E]['reply'] | ErrorReply) => void) => void;
};

/** The same events as the server receives them: untrusted until parsed. */
export type ClientToServerWire = { [E in RequestEvent]: (payload: unknown, ack?: (reply: unknown) => void) => void };

/** Compile-time check: `Events` (protocol.ts) names exactly the events typed here. */
type EventName = (typeof Events)[keyof typeof Events];
export type EventsAreTyped = [EventName] extends [RequestEvent | ServerEvent]
  ? [RequestEvent | ServerEvent] extends [EventName]
    ? true
    : never
  : never;
const eventsAreTyped: EventsAreTyped = true;
void eventsAreTyped;
