/** Loaded by test servers with `--extension`: declares the tables `cards` and `notes` with zod schemas. */
import { z } from 'zod';
import { tableSchemas } from '../../../server/src/write/tableSchemas.js';

export default tableSchemas({
  cards: z.object({ title: z.string().min(1).max(200), n: z.number().optional() }),
  notes: z.object({ text: z.string() }),
});
