import { afterEach, describe, expect, it, vi } from 'vitest';
import { followJob, type JobEvent } from './job-events';
import { tokenStore } from './client';

afterEach(() => vi.unstubAllGlobals());

function sseResponse(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('followJob', () => {
  it('sends the bearer token and parses events split across chunks', async () => {
    tokenStore.set('tok-1');
    const fetchMock = vi.fn(async () =>
      sseResponse([
        'event: job\ndata: {"jobId":"j","status":"running","progress":0.2}\nid: 1\n\n: keep-alive\n\nevent: job\nda',
        'ta: {"jobId":"j","status":"completed","progress":1}\nid: 2\n\n',
      ]),
    );
    vi.stubGlobal('fetch', fetchMock);
    const seen: JobEvent[] = [];
    await followJob('j', (e) => seen.push(e), new AbortController().signal);
    expect(seen.map((e) => [e.status, e.progress])).toEqual([['running', 0.2], ['completed', 1]]);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/v1/jobs/j/events');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok-1');
  });

  it('rejects when the stream cannot be opened, so the caller falls back to polling', async () => {
    tokenStore.set('tok-1');
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 502 })));
    await expect(followJob('j', () => {}, new AbortController().signal)).rejects.toThrow('502');
  });
});
