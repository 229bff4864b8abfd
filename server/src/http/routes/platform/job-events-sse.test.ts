import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobChannel } from '../../../services/jobs/job-events';
import { submitJob } from '../../../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../../../testing/test-platform';
import { SSE_RETRY_MS } from './jobs-routes';

// Steps that hold until the test lets them go, keyed by the job input's `gate`.
const gates = new Map<string, { open: () => void; opened: Promise<void> }>();
function gate(name: string) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  gates.set(name, { open, opened });
  return open;
}

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({
    pipelines: (r) => {
      r.register({
        id: 't.gated', app: 'test', input: z.looseObject({}),
        steps: [
          { name: 'one', weight: 1, output: z.json(), run: async (ctx) => { await gates.get(String(ctx.job.input.gate))!.opened; return { output: 1 }; } },
          { name: 'two', weight: 1, output: z.json(), run: async () => ({ output: 2 }) },
        ],
      });
      r.register({ id: 't.wait', app: 'test', input: z.looseObject({}), steps: [{ name: 'w', weight: 1, output: z.json(), run: async () => ({ wait: { reason: 'review', timeoutMs: 60_000 } }) }] });
    },
  });
});
afterAll(async () => t?.dispose());

interface Frame { event?: string; id?: string; data?: string; retry?: string; comment?: string }

/** Reads an SSE response frame by frame. */
function sse(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const frames: Frame[] = [];
  let done = false;
  const parse = (block: string): Frame => {
    const f: Frame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) f.comment = line.slice(1).trim();
      const m = /^(event|id|data|retry): ?(.*)$/.exec(line);
      if (m) f[m[1] as 'event'] = m[2];
    }
    return f;
  };
  return {
    frames,
    /** Job events read so far, as [id, data]. */
    get events() {
      return frames.filter((f) => f.event === 'job').map((f) => ({ id: Number(f.id), ...(JSON.parse(f.data!) as { seq: number; status: string; progress: number }) }));
    },
    /** Reads until `until` holds or the stream ends; true when it ended. */
    async read(until: () => boolean = () => false): Promise<boolean> {
      while (!done && !until()) {
        const chunk = await reader.read();
        if (chunk.done) {
          done = true;
          break;
        }
        buffer += chunk.value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parse(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
      return done;
    },
    cancel: () => reader.cancel(),
  };
}

const open = (jobId: string, token: string, headers: Record<string, string> = {}, query = '') =>
  t.app.request(`/v1/jobs/${jobId}/events${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

async function waitingJob() {
  const me = await t.signUp();
  const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.wait', input: {} });
  const waiting = await t.waitForJob(job.id, ['waiting']);
  return { me, job: waiting };
}

describe('GET /v1/jobs/{id}/events (issue 7 §7)', () => {
  it('opens with retry:, no buffering, and ids that increase with every transition and equal the event seq', async () => {
    const me = await t.signUp();
    const open1 = gate('g1');
    const job = await submitJob(t.deps, { userId: me.userId, app: 'test', pipeline: 't.gated', input: { gate: 'g1' } });
    const res = await open(job.id, me.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const s = sse(res);
    await s.read(() => s.events.length >= 1);
    expect(s.frames[0]).toEqual({ retry: String(SSE_RETRY_MS) });
    open1();
    expect(await s.read()).toBe(true);
    const ids = s.events.map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
    for (const e of s.events) expect(e.id).toBe(e.seq);
    expect(s.events.at(-1)).toMatchObject({ status: 'completed', progress: 1 });
    // The last id is the job's own sequence as stored: a reconnect to any process can compare with it.
    expect((await t.waitForJob(job.id, ['completed'])).eventSeq).toBe(ids.at(-1));
  });

  it('a reconnect naming the current id gets no repeat, only what happens after it', async () => {
    const { me, job } = await waitingJob();
    const first = sse(await open(job.id, me.token));
    await first.read(() => first.events.length === 1);
    const [seen] = first.events;
    expect(seen).toMatchObject({ status: 'waiting', id: job.eventSeq });
    await first.cancel();

    const again = sse(await open(job.id, me.token, { 'last-event-id': String(seen!.id) }));
    // Nothing until something changes; the opening retry: still comes first.
    await again.read(() => again.frames.length >= 1);
    expect(again.frames).toEqual([{ retry: String(SSE_RETRY_MS) }]);
    expect((await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token })).status).toBe(200);
    expect(await again.read()).toBe(true);
    expect(again.events).toHaveLength(1);
    expect(again.events[0]).toMatchObject({ status: 'cancelled' });
    expect(again.events[0]!.id).toBeGreaterThan(seen!.id);
  });

  it('a reconnect naming an older id gets the current state with its id, not a replay from 1', async () => {
    const { me, job } = await waitingJob();
    expect(job.eventSeq).toBeGreaterThan(2);
    for (const lastEventId of ['1', String(job.eventSeq - 1)]) {
      const s = sse(await open(job.id, me.token, { 'Last-Event-ID': lastEventId }));
      await s.read(() => s.events.length === 1);
      expect(s.events).toEqual([expect.objectContaining({ id: job.eventSeq, status: 'waiting' })]);
      await s.cancel();
    }
  });

  it('drops an event older than what the client has (events from several processes can cross)', async () => {
    const { me, job } = await waitingJob();
    const s = sse(await open(job.id, me.token));
    await s.read(() => s.events.length === 1);
    await t.deps.events.publish(jobChannel(job.id), { jobId: job.id, seq: job.eventSeq - 1, status: 'running', progress: 0.1, at: new Date().toISOString() });
    await t.deps.events.publish(jobChannel(job.id), { jobId: job.id, seq: job.eventSeq, status: 'waiting', progress: 0, at: new Date().toISOString() });
    expect((await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token })).status).toBe(200);
    expect(await s.read()).toBe(true);
    expect(s.events.map((e) => e.status)).toEqual(['waiting', 'cancelled']);
  });

  it('an ended job: retry: and its last state under its own id, then 204 once the client has it', async () => {
    const { me, job } = await waitingJob();
    await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token });
    const ended = await t.waitForJob(job.id, ['cancelled']);
    const s = sse(await open(job.id, me.token));
    expect(await s.read()).toBe(true);
    expect(s.frames[0]).toEqual({ retry: String(SSE_RETRY_MS) });
    expect(s.events).toEqual([expect.objectContaining({ id: ended.eventSeq, seq: ended.eventSeq, status: 'cancelled' })]);
    expect(ended.eventSeq).toBeGreaterThan(1);

    expect((await open(job.id, me.token, { 'last-event-id': String(ended.eventSeq) })).status).toBe(204);
    expect((await open(job.id, me.token, {}, `?lastEventId=${ended.eventSeq}`)).status).toBe(204);
    // The header wins over the query.
    const older = sse(await open(job.id, me.token, { 'last-event-id': String(ended.eventSeq - 1) }, `?lastEventId=${ended.eventSeq}`));
    expect(await older.read()).toBe(true);
    expect(older.events.map((e) => e.id)).toEqual([ended.eventSeq]);
  });

  it.each(['abc', '-1', '1e3', '', '5.5', '99999999999999999999', String(Number.MAX_SAFE_INTEGER)])(
    'treats Last-Event-ID %j that the job cannot have sent as absent: the current state, not a 500',
    async (lastEventId) => {
      const { me, job } = await waitingJob();
      await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: me.token });
      for (const res of [await open(job.id, me.token, { 'last-event-id': lastEventId }), await open(job.id, me.token, {}, `?lastEventId=${encodeURIComponent(lastEventId)}`)]) {
        expect(res.status).toBe(200);
        const s = sse(res);
        expect(await s.read()).toBe(true);
        expect(s.events).toEqual([expect.objectContaining({ status: 'cancelled' })]);
      }
    },
  );
});
