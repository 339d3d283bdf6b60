/** The Yjs workload's size, the same for Syncline and its peers. */
export const YJS_SHAPE = (quick: boolean) => ({ clients: quick ? 10 : 20, edits: quick ? 50 : 200, everyMs: 5 });
