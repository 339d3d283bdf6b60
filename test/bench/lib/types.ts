/** What every workload file exports. */
export interface BenchContext {
  quick: boolean;
  /** Fresh scratch folder for this run of the workload. */
  dir: string;
  log(msg: string): void;
}

/** Named measurements of one run; the runner takes the median per key over runs. */
export type Metrics = Record<string, number>;

export interface Workload {
  name: string;
  /** One line on what it measures (printed in BENCHMARKS.md). */
  describe(quick: boolean): string;
  run(ctx: BenchContext): Promise<Metrics>;
  /** Runs per figure; default from the runner (quick 3, full 5). */
  reps?: number;
}
