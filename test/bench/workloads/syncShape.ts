/** Initial-sync size shared by our client and its browser baselines: ~1 KB records. */
export const SYNC_SHAPE = (quick: boolean) => ({ records: quick ? 10_000 : 100_000, bodyBytes: 900, chunk: 1000 });
