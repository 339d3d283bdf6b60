/** The value of the Prometheus sample `name` whose labels include `labels` (any order, other labels allowed). */
export function metric(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  throw new Error(`no sample ${name} ${JSON.stringify(labels)} in metrics`);
}
