/**
 * Seed for randomized tests: SYNCLINE_SEED reproduces a failing run;
 * otherwise a fresh seed is drawn and printed.
 */
export function testSeed(label: string): number {
  const fromEnv = process.env.SYNCLINE_SEED;
  const seed = fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[seed] ${label}: SYNCLINE_SEED=${seed}`);
  return seed;
}
