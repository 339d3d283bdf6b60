import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from './parseCli.js';
import { helpText } from './helpText.js';

const SECRET = 'x'.repeat(32);

describe('auth and limit flags', () => {
  it('runs open without auth flags, takes a secret or a JWKS with issuer/audience', () => {
    expect(parseCli([], {}).auth).toBeUndefined();
    expect(parseCli([], { SYNCLINE_AUTH_SECRET: SECRET, SYNCLINE_AUTH_ISSUER: 'a, b' }).auth).toEqual({
      secret: SECRET,
      issuer: ['a', 'b'],
      audience: undefined,
      clockToleranceSec: 30,
      maxTokenLifetimeSec: 86_400,
    });
    expect(parseCli(['--auth-jwks', 'https://id/jwks', '--auth-audience', 'app', '--auth-clock-tolerance-s', '5'], {}).auth).toEqual({
      jwks: 'https://id/jwks',
      issuer: undefined,
      audience: ['app'],
      clockToleranceSec: 5,
      maxTokenLifetimeSec: 86_400,
    });
  });

  it.each([
    [['--auth-secret', SECRET, '--auth-jwks', 'x.json'], /not both/],
    [['--auth-secret', 'short'], /32 bytes/],
    [['--auth-issuer', 'i'], /need --auth-secret/],
    [['--rate-limit', '-1'], /--rate-limit/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(UsageError);
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  it('maps limit flags and env variables, with defaults', () => {
    const cfg = parseCli(['--max-batch', '7', '--rate-limit', '0'], { SYNCLINE_MAX_SUBSCRIPTIONS: '3' });
    expect(cfg.limits).toMatchObject({
      maxBatch: 7,
      messagesPerSec: 0,
      maxSubscriptions: 3,
      maxRecordBytes: 65536,
      messageBurst: 1000,
      maxJsonDepth: 64,
    });
  });

  it('documents the flags and env variables', () => {
    const help = helpText();
    for (const s of [
      '--auth-secret',
      '--auth-jwks',
      '--auth-issuer',
      '--auth-audience',
      'SYNCLINE_AUTH_SECRET',
      'SYNCLINE_AUTH_JWKS',
      '--rate-limit',
      'SYNCLINE_RATE_LIMIT',
      '--max-json-depth',
      'OPEN',
    ]) {
      expect(help).toContain(s);
    }
  });
});
