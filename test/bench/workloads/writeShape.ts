/** Sizes shared by the write-path workload and its raw SQLite baseline, so both move the same records. */
export const WRITE_SHAPE = {
  // The shape (14): batches of 100, 1/16/64 writers.
  batch: 100,
  bodyBytes: 200,
  writers: [1, 16, 64] as const,
  /** Total records per measurement: a whole number of batches for 64 writers (full: 102,400 ≈ the 100k). */
  total: (quick: boolean) => 64 * 100 * (quick ? 1 : 16),
};

/** Offline catch-up: writes queued while offline (the 10,000; quick: 2,000), pushed in the protocol's max batch. */
export const CATCHUP_SHAPE = { total: (quick: boolean) => (quick ? 2_000 : 10_000), batch: 500, bodyBytes: 200 };
