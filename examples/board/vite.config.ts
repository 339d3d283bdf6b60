/**
 * Vite build of the board PWA.
 * - `@syncline/source` condition first: the @syncline packages are bundled from
 *   their TypeScript sources, so the app builds on a fresh clone with no
 *   library build step.
 * - Workers are ES modules (the sync worker loads chunks lazily).
 * - vite-plugin-pwa (Workbox generateSW) writes the manifest and a service
 *   worker that precaches every built file, and answers every navigation
 *   (`/?board=x`) with the cached index.html: load and reload work offline.
 *   Chosen over a hand-written worker because it installs from npm with no
 *   binary downloads, supports Vite 7, and versions the precache per build.
 */
import { defineConfig, defaultClientConditions } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  resolve: { conditions: ['@syncline/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg', 'icon-192.png'],
      manifest: {
        name: 'Syncline board',
        short_name: 'Board',
        description: 'A collaborative board that works offline, synced by Syncline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f4f5f7',
        theme_color: '#1f3a5f',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        // config.json is runtime data, never part of the shell (the app keeps its own last good copy).
        navigateFallbackDenylist: [/^\/config\.json$/],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        sourcemap: false,
      },
    }),
  ],
});
