/**
 * The Web Worker that runs the Syncline engine (socket, outbox pushes,
 * pulls) off the main thread. A local file so Vite bundles it as a worker
 * chunk; all the code is the client library's worker entry.
 */
import '@syncline/client/worker';
