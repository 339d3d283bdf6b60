/**
 * Fan-out latency, transport-agnostic: `rooms × perRoom` receivers on server
 * B, one writer on server A; each round writes once to every room in turn and
 * waits until every receiver of that room saw the poke. Latency = poke
 * received − write sent (one process, one clock).
 */
import type { Socket } from 'socket.io-client';
import { percentile, waitFor } from './stats.js';

export interface FanoutSide {
  receiver(i: number): Promise<Socket>;
  subscribe(s: Socket, room: string): Promise<void>;
  writer(): Promise<Socket>;
  /** Resolves when the write is acknowledged; the poke may arrive before or after. */
  write(s: Socket, room: string, seq: number): Promise<void>;
}

export async function runFanout(side: FanoutSide, rooms: string[], perRoom: number, rounds: number) {
  const receivers: { s: Socket; room: string; got: number }[] = [];
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  for (const [r, room] of rooms.entries()) {
    for (let k = 0; k < perRoom; k++) {
      const s = await side.receiver(r * perRoom + k);
      await side.subscribe(s, room);
      const rec = { s, room, got: 0 };
      s.on('poke', (msg: { space: string }) => {
        const t = sentAt.get(msg.space);
        if (msg.space !== room || t === undefined) return;
        rec.got++;
        lat.push(performance.now() - t);
      });
      receivers.push(rec);
    }
  }
  const writer = await side.writer();
  for (let round = 1; round <= rounds; round++) {
    for (const room of rooms) {
      const inRoom = receivers.filter((x) => x.room === room);
      sentAt.set(room, performance.now());
      await side.write(writer, room, round);
      await waitFor(() => inRoom.every((x) => x.got >= round), 10_000, `pokes in ${room} round ${round}`, 1);
    }
  }
  writer.close();
  for (const x of receivers) x.s.close();
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
}
