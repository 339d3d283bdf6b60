/** Sizes shared by the write-path workload and its raw SQLite baseline, so both move the same records. */
export const WRITE_SHAPE = {
  batch: 50,
  bodyBytes: 200,
  writers: [1, 16, 128] as const,
  /** Total records per measurement: a whole number of batches for 128 writers. */
  total: (quick: boolean) => 128 * 50 * (quick ? 1 : 4),
};

/** Offline catch-up: writes queued while offline (the 10,000; quick: 2,000), pushed in the protocol's max batch. */
export const CATCHUP_SHAPE = { total: (quick: boolean) => (quick ? 2_000 : 10_000), batch: 500, bodyBytes: 200 };
