/**
 * The one seed variable of randomized tests: SYNCLINE_SEED reproduces a run;
 * otherwise a fresh seed is drawn. The seed is printed with a label either way.
 */
export { testSeed } from '../../shared/src/testSeed.js';
