/** Runs the app's own `vite` dev server (CLI, in its folder) on a free loopback port. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../helpers/ports.js';

export async function startViteDev(appDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [join(appDir, 'node_modules/vite/bin/vite.js'), '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: appDir,
      // Colour codes would split the printed address (vitest sets FORCE_COLOR for its children).
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL'); // never leave a dev server behind a failed start
      reject(new Error(`vite dev did not start:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
      out += d.toString().replace(/\x1b\[[0-9;]*m/g, '');
      if (out.includes(`127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`vite dev exited:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
