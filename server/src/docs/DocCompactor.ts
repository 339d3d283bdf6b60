/**
 * Runs `compactDocs` over every storage node of a server now and then. Each
 * node compacts on its own: rows and seqs are node-local, and compaction
 * never changes what the digest covers, so nodes stay digest-equal. A node
 * that is down is skipped this round (repair does not depend on doc rows:
 * it replays the op log, which keeps every update).
 */
import type { Logger } from 'pino';
import type { StorageNode } from '../storage/StorageNode.js';
import { compactDocs, type CompactOptions } from './compactDocs.js';

export interface DocCompactorOptions extends CompactOptions {
  /** Time between rounds (default 30 s); 0 turns periodic compaction off. */
  intervalMs?: number;
}

export class DocCompactor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly nodes: readonly StorageNode[],
    private readonly opts: DocCompactorOptions = {},
    private readonly logger?: Logger,
  ) {}

  start(): void {
    const every = this.opts.intervalMs ?? 30_000;
    if (this.timer || every <= 0 || this.nodes.length === 0) return;
    this.timer = setInterval(() => void this.runOnce(), every);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round over every node (rounds never overlap). */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      for (const node of this.nodes) {
        try {
          const r = await compactDocs(node, this.opts);
          if (r.docs > 0) this.logger?.debug({ node: node.id, ...r }, 'compacted documents');
        } catch (err) {
          this.logger?.debug({ err, node: node.id }, 'document compaction skipped');
        }
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
