/** The chaos run's seeded PRNG: a run is reproduced from its seed. */
export { seededRandom as rng, type SeededRandom as Rng } from '@syncline/shared';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
