import { createParser } from 'eventsource-parser';
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

/** A job event is small (a status, a progress, a step's message): a stream that buffers 1 Mi characters without ending one is broken. */
const MAX_BUFFER_CHARS = 1 << 20;

/**
 * Reads one response's events into `onEvent`, noting the last id, the retry time and whether the
 * job ended. eventsource-parser does the SSE framing (CR, LF or CRLF line ends, multi-line `data:`,
 * comments, `retry:`); `data` that is not JSON, or an overlong buffer, rejects as a dropped stream does.
 */
async function readStream(body: NonNullable<Response['body']>, state: StreamState, onEvent: (e: JobEvent) => void): Promise<void> {
  let failure: Error | undefined;
  const parser = createParser({
    maxBufferSize: MAX_BUFFER_CHARS,
    onEvent(message) {
      if (message.id !== undefined) state.lastEventId = message.id;
      const event = JSON.parse(message.data) as JobEvent;
      if (ENDED_STATUSES.includes(event.status)) state.ended = true;
      onEvent(event);
    },
    onRetry(ms) {
      state.retryMs = ms;
    },
    onError(err) {
      // Unknown fields are to be ignored (the SSE spec); an overlong buffer ends the stream.
      if (err.type === 'max-buffer-size-exceeded') failure = err;
    },
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
      if (failure) throw failure;
    }
  } catch (err) {
    // Close the connection of a stream given up on; a reconnect opens a new one.
    void reader.cancel(err).catch(() => {});
    throw err;
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
