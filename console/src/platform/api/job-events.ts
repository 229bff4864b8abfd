import { ensureToken } from './client';
import type { components } from './schema';

/** One event of a job's stream, typed from the server's OpenAPI document. */
export type JobEvent = components['schemas']['JobEvent'];

/** Statuses after which a job changes no more; the server closes its stream after sending one. */
export const ENDED_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'];

/**
 * Follows a job's Server-Sent Events until the job ends. EventSource cannot send a bearer token,
 * so this reads the stream with fetch and does what EventSource would: a stream that drops before
 * the job ended is opened again after the server's `retry:` time, naming the last event id in
 * `Last-Event-ID` so the server resumes after it (204: nothing more will come). Rejects when the
 * first open fails or `maxReconnects` reconnects in a row fail; the caller then falls back to polling.
 */
export async function followJob(
  jobId: string,
  onEvent: (e: JobEvent) => void,
  signal: AbortSignal,
  { maxReconnects = 5 }: { maxReconnects?: number } = {},
): Promise<void> {
  const state: StreamState = { lastEventId: undefined, retryMs: 2000, ended: false };
  let failures = 0;
  for (let first = true; ; first = false) {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${await ensureToken()}`, accept: 'text/event-stream' };
      if (state.lastEventId !== undefined) headers['last-event-id'] = state.lastEventId;
      const res = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, { headers, signal });
      if (res.status === 204) return;
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      const before = state.lastEventId;
      await readStream(res.body, state, onEvent);
      if (state.ended) return;
      if (state.lastEventId !== before) failures = 0;
    } catch (err) {
      if (first || signal.aborted) throw err;
    }
    if (++failures > maxReconnects) throw new Error('events: stream lost');
    await pause(state.retryMs, signal);
  }
}

interface StreamState {
  lastEventId: string | undefined;
  retryMs: number;
  ended: boolean;
}

/** Reads one response's events into `onEvent`, noting the last id, the retry time and whether the job ended. */
async function readStream(body: NonNullable<Response['body']>, state: StreamState, onEvent: (e: JobEvent) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue; // a comment (keep-alive) or a line without a field
        const field = line.slice(0, colon);
        const text = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(text);
        else if (field === 'id') state.lastEventId = text;
        else if (field === 'retry' && /^\d+$/.test(text)) state.retryMs = Number(text);
      }
      if (data.length === 0) continue;
      const event = JSON.parse(data.join('\n')) as JobEvent;
      if (ENDED_STATUSES.includes(event.status)) state.ended = true;
      onEvent(event);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
