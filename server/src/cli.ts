/**
 * `syncline-server` entry point: parse flags/env, build nodes and the
 * replicator, listen, print `syncline-server listening on http://HOST:PORT`
 * (tests and scripts wait for that line), drain on SIGTERM/SIGINT.
 * With `--processes N` this process becomes a node:cluster primary
 * (cluster/runPrimary.ts) and each forked worker runs the code below on
 * its own port with the cluster adapter.
 */
import cluster from 'node:cluster';
import { pino } from 'pino';
import { createSynclineServer } from './SynclineServer.js';
import { parseCli, UsageError } from './cli/parseCli.js';
import { helpText } from './cli/helpText.js';
import { buildNodes, buildReplicator } from './cli/buildReplicator.js';
import { NodeSpecError } from './storage/createNode.js';
import { runPrimary } from './cluster/runPrimary.js';
import { ExtensionLoadError, loadExtensions } from './cli/loadExtensions.js';
import { reportListening, workerSlot } from './cluster/workerEnv.js';
import { MissingDependencyError } from './optionalDependency.js';

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
  if (cfg.processes > 1 && cluster.isPrimary) {
    runPrimary(cfg);
    return;
  }
  const slot = workerSlot();
  const serverId = slot?.serverId ?? cfg.serverId;
  const adapter = cfg.redis ? { redis: cfg.redis } : slot ? ('cluster' as const) : ('none' as const);
  const logger = pino({ level: cfg.logLevel, base: { server: serverId } });
  let nodes;
  try {
    nodes = await buildNodes(cfg);
  } catch (err) {
    if (!(err instanceof NodeSpecError) && !(err instanceof MissingDependencyError)) throw err;
    process.stderr.write(`syncline-server: --nodes: ${err.message}\n`);
    process.exit(2);
  }
  let extensions;
  try {
    extensions = await loadExtensions(cfg.extensions);
  } catch (err) {
    if (!(err instanceof ExtensionLoadError)) throw err;
    process.stderr.write(`syncline-server: --extension ${err.message}\n`);
    process.exit(2);
  }
  const replicator = buildReplicator(cfg, nodes, logger);
  // Serve once the first health check and start-up repair are done (bounded: a dead node must not block start).
  await Promise.race([replicator.ready(), new Promise((r) => setTimeout(r, cfg.writeTimeoutMs).unref())]);
  const server = createSynclineServer({
    replicator,
    nodes,
    mode: cfg.ack,
    maxAck: cfg.maxAck,
    serverId,
    port: slot?.port ?? cfg.port,
    host: cfg.host,
    maxClockSkewMs: cfg.maxClockSkewMs,
    adapter,
    pollPokeMs: cfg.pollPokeMs,
    adminToken: cfg.adminToken,
    allowedOrigins: cfg.allowedOrigins,
    auth: cfg.auth,
    limits: cfg.limits,
    extensions,
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
  logger.info({ url, nodes: cfg.nodes, ack: cfg.ack, adapter: typeof adapter === 'string' ? adapter : 'redis' }, 'listening');
  process.stdout.write(`syncline-server listening on ${url}${slot ? ` (worker ${slot.index + 1}, pid ${process.pid})` : ''}\n`);
  if (slot) reportListening(Number(new URL(url).port), url);
}

main().catch((err: unknown) => {
  process.stderr.write(`syncline-server: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
