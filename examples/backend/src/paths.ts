/** Where the example backend's server extension lives (for `--extension`). */
import { fileURLToPath } from 'node:url';

export const EXTENSION_PATH = fileURLToPath(new URL('./extension.ts', import.meta.url));
