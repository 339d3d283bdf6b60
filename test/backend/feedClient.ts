/** Reads the change feed in tests: JSON pages, and SSE parsed from a fetch stream. */
import type { FeedItem, FeedPage } from '@syncline/server/admin';

export async function feedPage(
  url: string,
  space: string,
  q: { cursor?: string; limit?: number; wait?: number } = {},
  token?: string,
): Promise<FeedPage> {
  const p = new URLSearchParams(
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const res = await fetch(`${url}/v1/spaces/${space}/changes?${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`feed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as FeedPage;
}

/**
 * Opens the SSE feed from `lastEventId` and calls `onItem` per event until
 * `until(items)` holds; then closes the stream.
 */
export async function readSse(
  url: string,
  space: string,
  lastEventId: string | undefined,
  until: (items: FeedItem[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ items: FeedItem[]; ids: string[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const res = await fetch(`${url}/v1/spaces/${space}/changes`, {
    headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: abort.signal,
  });
  if (!res.ok || !res.body) throw new Error(`sse: HTTP ${res.status}`);
  expectContentType(res);
  const items: FeedItem[] = [];
  const ids: string[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        const id = /^id: (.*)$/m.exec(event)?.[1];
        if (data && /^event: change$/m.test(event)) {
          items.push(JSON.parse(data) as FeedItem);
          ids.push(id!);
        }
      }
      if (until(items)) break;
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    throw new Error(`sse: timed out after ${items.length} items`, { cause: err });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { items, ids };
}

function expectContentType(res: Response): void {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) throw new Error(`sse: content-type ${type}`);
}
