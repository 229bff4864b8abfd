import { afterEach, describe, expect, it, vi } from 'vitest';
import { followJob, type JobEvent } from './job-events';
import { tokenStore } from './client';

afterEach(() => vi.unstubAllGlobals());

function sseResponse(chunks: string[], { fail = false } = {}): Response {
  const left = [...chunks];
  // One chunk per read, then the end: a failing stream errors only after its chunks were read.
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const chunk = left.shift();
      if (chunk !== undefined) c.enqueue(new TextEncoder().encode(chunk));
      else if (fail) c.error(new TypeError('network error'));
      else c.close();
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

  it('parses CRLF and lone CR line ends, multi-line data and lines cut anywhere by chunk boundaries', async () => {
    tokenStore.set('tok-1');
    const fetchMock = vi.fn(async () =>
      sseResponse([
        // CRLF, with the CR and the LF in different chunks, and a comment.
        'retry: 1\r\n\r\n: keep-alive\r\n\r\nevent: job\r\ndata: {"jobId":"j","seq":1,"status":"running","progress":0.25}\r',
        '\nid: 1\r\n\r\n',
        // Lone CR line ends. (A CR that ends the whole stream is ambiguous until more comes; the server ends lines with LF.)
        'event: job\rdata: {"jobId":"j","seq":2,"status":"running","progress":0.5}\rid: 2\r\r',
        // Multi-line data (joined by a line feed) with chunk boundaries inside a field name and inside the JSON.
        'event: job\nda', 'ta: {"jobId":"j","seq":3,\ndata: "status":"completed",\ndata: "progress"', ':1}\nid: 3\n\n',
      ]),
    );
    vi.stubGlobal('fetch', fetchMock);
    const seen: JobEvent[] = [];
    await followJob('j', (e) => seen.push(e), new AbortController().signal);
    expect(seen.map((e) => [e.seq, e.status, e.progress])).toEqual([[1, 'running', 0.25], [2, 'running', 0.5], [3, 'completed', 1]]);
    expect(fetchMock).toHaveBeenCalledTimes(1); // the last event ended the job: no reconnect
  });

  it('rejects a first stream whose data is not JSON, so the caller falls back to polling', async () => {
    tokenStore.set('tok-1');
    vi.stubGlobal('fetch', vi.fn(async () => sseResponse(['event: job\ndata: <html>\nid: 1\n\n'])));
    await expect(followJob('j', () => {}, new AbortController().signal)).rejects.toThrow(SyntaxError);
  });

  it('gives up a stream that buffers more than a megacharacter without ending an event', async () => {
    tokenStore.set('tok-1');
    vi.stubGlobal('fetch', vi.fn(async () => sseResponse(['event: job\ndata: ', 'x'.repeat(1 << 20), 'x'])));
    await expect(followJob('j', () => {}, new AbortController().signal)).rejects.toThrow('max buffer size');
  });

  it('rejects when the stream cannot be opened, so the caller falls back to polling', async () => {
    tokenStore.set('tok-1');
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 502 })));
    await expect(followJob('j', () => {}, new AbortController().signal)).rejects.toThrow('502');
  });

  const event = (id: number, status: string, progress: number) =>
    `event: job\ndata: {"jobId":"j","seq":${id},"status":"${status}","progress":${progress}}\nid: ${id}\n\n`;
  const lastEventIds = (fetchMock: ReturnType<typeof vi.fn>) =>
    fetchMock.mock.calls.map((call) => ((call as unknown as [string, RequestInit])[1].headers as Record<string, string>)['last-event-id']);

  it('reconnects a stream that ended before the job did, naming the last event id, after the server\'s retry time', async () => {
    tokenStore.set('tok-1');
    const fetchMock = vi.fn()
      .mockResolvedValueOnce(sseResponse(['retry: 1\n\n', event(5, 'running', 0.2), ': keep-alive\n\n']))
      .mockResolvedValueOnce(sseResponse([event(7, 'running', 0.6)], { fail: true }))
      .mockResolvedValueOnce(sseResponse(['retry: 1\r\n\r\n', event(9, 'completed', 1)]));
    vi.stubGlobal('fetch', fetchMock);
    const seen: JobEvent[] = [];
    await followJob('j', (e) => seen.push(e), new AbortController().signal);
    expect(seen.map((e) => [e.seq, e.status])).toEqual([[5, 'running'], [7, 'running'], [9, 'completed']]);
    expect(lastEventIds(fetchMock)).toEqual([undefined, '5', '7']);
  });

  it('stops when a reconnect answers 204 (the job ended and nothing more will come)', async () => {
    tokenStore.set('tok-1');
    const fetchMock = vi.fn()
      .mockResolvedValueOnce(sseResponse(['retry: 1\n\n', event(3, 'running', 0.5)]))
      .mockResolvedValueOnce(new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    await followJob('j', () => {}, new AbortController().signal);
    expect(lastEventIds(fetchMock)).toEqual([undefined, '3']);
  });

  it('gives up after the reconnects it allows fail in a row, so the caller polls', async () => {
    tokenStore.set('tok-1');
    const fetchMock = vi.fn()
      .mockResolvedValueOnce(sseResponse(['retry: 1\n\n', event(3, 'running', 0.5)]))
      .mockRejectedValue(new TypeError('network error'));
    vi.stubGlobal('fetch', fetchMock);
    await expect(followJob('j', () => {}, new AbortController().signal, { maxReconnects: 2 })).rejects.toThrow('stream lost');
    expect(lastEventIds(fetchMock)).toEqual([undefined, '3', '3']);
  });
});
