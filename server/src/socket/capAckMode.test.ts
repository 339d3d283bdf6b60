import { describe, expect, it } from 'vitest';
import { capAckMode } from './capAckMode.js';

describe('capAckMode', () => {
  it('grants what was asked when there is no cap or it is within the cap', () => {
    expect(capAckMode('sync', undefined)).toBe('sync');
    expect(capAckMode('async', 'semi-sync')).toBe('async');
    expect(capAckMode('semi-sync', 'semi-sync')).toBe('semi-sync');
  });
  it('lowers a stronger request to the cap', () => {
    expect(capAckMode('sync', 'semi-sync')).toBe('semi-sync');
    expect(capAckMode('sync', 'async')).toBe('async');
  });
});
