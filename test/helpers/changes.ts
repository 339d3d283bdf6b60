/** Builders of valid wire changes for tests. */
import { Hlc, type PutChange, type DeleteChange } from '@syncline/shared';

export class ChangeMaker {
  private n = 0;
  readonly clock: Hlc;

  constructor(readonly clientId: string) {
    this.clock = new Hlc(clientId);
  }

  nextOpId(): string {
    return `${this.clientId}:${++this.n}`;
  }

  put(space: string, id: string, fields: PutChange['fields'], table = 'items'): PutChange {
    return { kind: 'put', opId: this.nextOpId(), space, table, id, hlc: this.clock.now(), fields };
  }

  del(space: string, id: string, table = 'items'): DeleteChange {
    return { kind: 'delete', opId: this.nextOpId(), space, table, id, hlc: this.clock.now() };
  }
}
