import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './parseCli.js';
import { helpText } from './helpText.js';

describe('parseCli', () => {
  it('defaults to three SQLite nodes in the data dir, semi-sync, loopback:4000', () => {
    const cfg = parseCli([], {});
    expect(cfg).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      ack: 'semi-sync',
      semiSyncReplicas: 1,
      fallback: 'reject',
      pollPokeMs: 1000,
    });
    expect(cfg.nodes).toEqual(['sqlite:./.data/node1.db', 'sqlite:./.data/node2.db', 'sqlite:./.data/node3.db']);
  });

  it('takes env variables, and flags over env', () => {
    const env = { SYNCLINE_PORT: '5000', SYNCLINE_ACK: 'async', SYNCLINE_NODES: 'sqlite:a.db, sqlite:b.db', SYNCLINE_DATA_DIR: '/d' };
    expect(parseCli([], env)).toMatchObject({ port: 5000, ack: 'async', nodes: ['sqlite:a.db', 'sqlite:b.db'], dataDir: '/d' });
    expect(parseCli(['--port', '0', '--ack', 'sync', '--redis', 'redis://x:6379'], env)).toMatchObject({
      port: 0,
      ack: 'sync',
      redis: 'redis://x:6379',
    });
    expect(parseCli(['--data-dir', '/x'], {}).nodes[0]).toBe('sqlite:/x/node1.db');
    expect(parseCli([], {}).processes).toBe(1);
    expect(parseCli([], { SYNCLINE_PROCESSES: '3' }).processes).toBe(3);
    expect(parseCli(['--processes', '2'], { SYNCLINE_PROCESSES: '3' }).processes).toBe(2);
  });

  it.each([
    [['--ack', 'maybe'], /--ack must be one of/],
    [['--port=-1'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port', 'abc'], /--port/],
    [['--fallback', 'panic'], /--fallback/],
    [['--processes', '0'], /--processes must be an integer/],
    [['--port', '65535', '--processes', '2'], /past port 65535/],
    [['--bogus'], /bogus/],
    [['stray'], /stray|positional/i],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(UsageError);
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  it('documents every flag with its env variable', () => {
    const help = helpText();
    for (const flag of [
      '--port',
      '--host',
      '--nodes',
      '--ack',
      '--semi-sync-replicas',
      '--fallback',
      '--redis',
      '--data-dir',
      '--server-id',
      '--write-timeout-ms',
      '--max-clock-skew-ms',
      '--admin-token',
      '--processes',
      '--help',
    ]) {
      expect(help).toContain(flag);
    }
    for (const env of ['SYNCLINE_PORT', 'SYNCLINE_NODES', 'SYNCLINE_ACK', 'SYNCLINE_REDIS', 'SYNCLINE_ADMIN_TOKEN', 'SYNCLINE_PROCESSES'])
      expect(help).toContain(env);
  });
});
