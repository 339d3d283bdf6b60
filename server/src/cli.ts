/**
 * `syncline-server` entry point: parse flags/env, build nodes and the
 * replicator, listen, print `syncline-server listening on http://HOST:PORT`
 * (tests and scripts wait for that line), drain on SIGTERM/SIGINT.
 */
import { pino } from 'pino';
import { createSynclineServer } from './SynclineServer.js';
import { parseCli, UsageError } from './cli/parseCli.js';
import { helpText } from './cli/helpText.js';
import { buildNodes, buildReplicator } from './cli/buildReplicator.js';
import { NodeSpecError } from './storage/createNode.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseCli(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`syncline-server: ${err.message}\n\n${helpText()}`);
    process.exit(2);
  }
  if (cfg.help) {
    process.stdout.write(helpText());
    return;
  }
  const logger = pino({ level: cfg.logLevel, base: { server: cfg.serverId } });
  let nodes;
  try {
    nodes = await buildNodes(cfg);
  } catch (err) {
    if (!(err instanceof NodeSpecError)) throw err;
    process.stderr.write(`syncline-server: --nodes: ${err.message}\n`);
    process.exit(2);
  }
  const replicator = buildReplicator(cfg, nodes);
  // Serve once the first health check and start-up repair are done (bounded: a dead node must not block start).
  await Promise.race([replicator.ready(), new Promise((r) => setTimeout(r, cfg.writeTimeoutMs).unref())]);
  const server = createSynclineServer({
    replicator,
    nodes,
    mode: cfg.ack,
    serverId: cfg.serverId,
    port: cfg.port,
    host: cfg.host,
    maxClockSkewMs: cfg.maxClockSkewMs,
    adapter: cfg.redis ? { redis: cfg.redis } : 'none',
    pollPokeMs: cfg.pollPokeMs,
    adminToken: cfg.adminToken,
    auth: cfg.auth,
    limits: cfg.limits,
    logger,
  });
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping');
    server.drain(`server stopping (${signal})`).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const { url } = await server.listen();
  logger.info({ url, nodes: cfg.nodes, ack: cfg.ack, adapter: cfg.redis ? 'redis' : 'none' }, 'listening');
  process.stdout.write(`syncline-server listening on ${url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`syncline-server: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
