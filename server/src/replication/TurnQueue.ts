/**
 * Group commits of in-thread nodes (StorageNode.inThread: better-sqlite3
 * commits on the server's thread) in rounds. Every writer with queued ops
 * joins the next round; when it starts (in a check phase of the event loop,
 * after the previous round's last group), all members take their groups at
 * once — so the nodes' groups hold the same writes, as many commits as
 * before — and then commit them one per turn of the event loop, so the loop
 * polls sockets and runs timers between two nodes' groups.
 *
 * Before (issue 14) every node's writer woke in the same check phase and the
 * three groups of up to 5000 ops ran back to back: with 64 writers, seconds
 * without a heartbeat answered. Plain one-turn-per-group without rounds let
 * the nodes' groups drift apart (each took what had arrived by its own
 * turn): more, smaller commits, ~10–15% less throughput at 16 writers.
 */
export interface RoundSeat {
  /** Resolves in a turn of the event loop of this member's own. */
  turn: Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TurnQueue {
  private joining: ((seat: RoundSeat) => void)[] | null = null;
  /** The previous round's last turn. */
  private last: Promise<void> = Promise.resolve();

  /** Joins the next round; resolves when it starts (take the group then), with this member's turn. */
  join(): Promise<RoundSeat> {
    return new Promise((resolve) => {
      if (this.joining) {
        this.joining.push(resolve);
        return;
      }
      this.joining = [resolve];
      void this.last.then(nextTurn).then(() => this.start());
    });
  }

  private start(): void {
    const members = this.joining ?? [];
    this.joining = null;
    // The first member commits in this check phase; each next one, in the next loop iteration.
    let turn: Promise<void> = Promise.resolve();
    members.forEach((resolve, i) => {
      if (i > 0) turn = turn.then(nextTurn);
      resolve({ turn });
    });
    this.last = turn;
  }
}
