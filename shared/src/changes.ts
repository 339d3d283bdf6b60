/**
 * What a client writes. Every change carries a globally unique op id
 * (`<clientId>:<counter>`); re-sending it has exactly one effect.
 */
import { dict, type Json } from './json.js';
import { emptyState, type FieldState, type RecordState } from './merge.js';

export const AckModes = ['sync', 'semi-sync', 'async'] as const;
export type AckMode = (typeof AckModes)[number];

interface ChangeBase {
  opId: string;
  space: string;
}

/** Sets the given fields (a patch: other fields keep their values); `unset` clears fields. */
export interface PutChange extends ChangeBase {
  kind: 'put';
  table: string;
  id: string;
  hlc: string;
  fields: Record<string, Json>;
  unset?: string[];
}

export interface DeleteChange extends ChangeBase {
  kind: 'delete';
  table: string;
  id: string;
  hlc: string;
}

/** A Yjs update to the document (space, doc). */
export interface DocChange extends ChangeBase {
  kind: 'yjs';
  doc: string;
  update: Uint8Array;
}

export type RecordChange = PutChange | DeleteChange;
export type Change = RecordChange | DocChange;

export function opIdOf(clientId: string, counter: number): string {
  return `${clientId}:${counter}`;
}

/** The record state a single record change stands for. */
export function changeToState(change: RecordChange): RecordState {
  if (change.kind === 'delete') return { fields: dict<FieldState>(), del: change.hlc };
  const state = emptyState();
  for (const [name, v] of Object.entries(change.fields)) state.fields[name] = { t: change.hlc, v };
  for (const name of change.unset ?? []) state.fields[name] = { t: change.hlc };
  return state;
}

/** A record as stored on a node and sent in pulls. */
export interface RecordRow {
  space: string;
  table: string;
  id: string;
  state: RecordState;
  seq: number;
}

/** A stored Yjs update as sent in pulls. */
export interface DocRow {
  space: string;
  doc: string;
  update: Uint8Array;
  seq: number;
}

export function recordKey(space: string, table: string, id: string): string {
  return JSON.stringify([space, table, id]);
}
