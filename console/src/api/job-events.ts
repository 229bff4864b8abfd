import { ensureToken } from './client';
import type { components } from './schema';

/** One event of a job's stream, typed from the server's OpenAPI document. */
export type JobEvent = components['schemas']['JobEvent'];

/**
 * Follows a job's Server-Sent Events. EventSource cannot send a bearer token, so this reads the
 * stream with fetch; when the stream fails, the caller falls back to polling.
 */
export async function followJob(jobId: string, onEvent: (e: JobEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
    headers: { authorization: `Bearer ${await ensureToken()}`, accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (data) onEvent(JSON.parse(data) as JobEvent);
    }
  }
}
