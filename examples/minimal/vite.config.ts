import { defineConfig } from 'vite';

export default defineConfig({
  // Dev server only: the sync Worker's modules are served unbundled, and these two
  // CommonJS-flavoured dependencies (through `debug`) must be pre-bundled for it.
  // `vite build` and webpack need nothing here.
  optimizeDeps: { include: ['@syncline/client > socket.io-client', '@syncline/client > socket.io-parser'] },
});
