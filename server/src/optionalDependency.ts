/**
 * Packages only some setups need (PostgreSQL nodes: `pg`; the Redis
 * adapter: `ioredis`, `@socket.io/redis-adapter`) are optional peer
 * dependencies, loaded when that feature is configured. A missing one is a
 * MissingDependencyError naming the package to install.
 */
import { createRequire } from 'node:module';

export class MissingDependencyError extends Error {
  readonly code = 'MISSING_DEPENDENCY';
  constructor(
    readonly packageName: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(`${feature} needs the package '${packageName}', which is not installed: npm install ${packageName}`, options);
    this.name = 'MissingDependencyError';
  }
}

const requireHere = createRequire(import.meta.url);

function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  return (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && (e.message ?? '').includes(name);
}

/** `require`s a CommonJS optional dependency (synchronous: for code paths that cannot wait). */
export function requireOptional<T>(name: string, feature: string): T {
  try {
    return requireHere(name) as T;
  } catch (err) {
    if (isMissing(err, name)) throw new MissingDependencyError(name, feature, { cause: err });
    throw err;
  }
}

/** Imports an optional dependency. */
export async function importOptional<T>(name: string, feature: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (err) {
    if (isMissing(err, name)) throw new MissingDependencyError(name, feature, { cause: err });
    throw err;
  }
}
