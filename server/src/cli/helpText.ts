/** `syncline-server --help`, generated from the flag table so it never drifts. */
import { FLAGS } from './parseCli.js';

export function helpText(): string {
  const rows = FLAGS.map((f) => {
    const flag = `--${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    const extra = [f.env && `env ${f.env}`, f.def && `default ${f.def}`].filter(Boolean).join(', ');
    return `  ${flag.padEnd(28)} ${f.help}${extra ? `\n  ${''.padEnd(28)} (${extra})` : ''}`;
  });
  return [
    'syncline-server — Syncline sync server (Socket.IO + HTTP) over replicated storage nodes',
    '',
    'Usage: syncline-server [flags]',
    '',
    'Flags (a flag wins over its env variable):',
    ...rows,
    '',
    'HTTP: GET /healthz, /readyz, /metrics, /status[?digests=1];',
    '      POST|DELETE /admin/nodes/:id/maintenance, POST /admin/repair (see docs/PROTOCOL.md).',
    'Auth: without --auth-secret/--auth-jwks the server is OPEN (dev only; a warning is logged).',
    '      With it, clients send a JWT (handshake auth.token) with `exp` and a `spaces` claim',
    '      ({"team-1":"write","*":"read"}); /status?digests=1 and /admin/* need a Bearer JWT with',
    '      "admin": true (or --admin-token); /healthz, /readyz, /metrics stay open (see docs/security.md).',
    'Signals: SIGTERM/SIGINT drain (finish in-flight writes, tell clients to move) and exit 0.',
    'Processes: --processes N makes this process a node:cluster primary that serves nothing itself; worker i',
    '      serves --port + i and prints its own "listening on URL (worker i, pid P)" line. Pokes and awareness',
    '      cross workers through @socket.io/cluster-adapter (or Redis with --redis). A worker that dies is',
    '      restarted on its port after ~1 s (backing off while it keeps dying); SIGTERM to one worker drains',
    '      and restarts it (a rolling restart); SIGTERM/SIGINT to the primary drains every worker, exits 0.',
    '',
  ].join('\n');
}
