import { metricsApp } from './metrics-routes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Registry } from 'prom-client';
import { parseEnv } from '../../config/env';
import { submitJob } from '../../services/jobs/submit-job';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../testing/test-platform';
import type { PipelineRegistry } from '../../engine/pipeline';

/**
 * GET /metrics after real jobs on the stubs: the exposition parses, and the series of jobs, steps,
 * provider calls, HTTP requests, queue and credits carry the right labels and the values that moved.
 * GET /v1/admin/jobs/stats: the chart's buckets. METRICS_TOKEN: 401 without it, 200 with it.
 */

const pipelines = (r: PipelineRegistry) => {
  r.register({
    id: 't.metrics', app: 'test', input: z.looseObject({}),
    steps: [
      { name: 'write', weight: 1, output: z.json(), run: async (ctx) => ({ output: await ctx.predict('line', 'text', { prompt: 'one line', seed: 1 }) }) },
      { name: 'finish', weight: 1, after: ['write'], output: z.json(), run: async () => ({ output: 1 }) },
    ],
  });
  r.register({ id: 't.hold', app: 'test', input: z.looseObject({}), steps: [{ name: 'hold', weight: 1, output: z.json(), run: async () => ({ wait: { reason: 'review', timeoutMs: 600_000 } }) }] });
};

interface Sample { name: string; labels: Record<string, string>; value: number }

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): `# HELP` and `# TYPE` lines,
 * then samples `name{label="value",...} number`. Throws on any other line.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleLine = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)$`);
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = line.match(new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`));
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (new RegExp(`^# HELP ${name} `).test(line)) continue;
    const m = line.match(sampleLine);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      label.lastIndex = 0;
      while (label.lastIndex < m[2].length) {
        const l = label.exec(m[2]);
        if (!l) throw new Error(`bad labels in: ${line}`);
        labels[l[1]!] = l[2]!;
      }
    }
    // Values are Go floats: NaN and Inf in any case (prom-client writes `Nan` for an idle lag).
    const raw = m[3]!;
    const value = /^[+-]?inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(raw) ? NaN : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples };
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ pipelines });
}, 120_000);
afterAll(async () => t?.dispose());

async function scrape(platform = t, headers: Record<string, string> = {}) {
  const res = await platform.app.request('/metrics', { headers });
  return { res, text: await res.text() };
}

describe('GET /metrics', () => {
  let done: { id: string; token: string };
  let held: string;
  let cancelled: string;

  beforeAll(async () => {
    const [a, b, c] = [await t.signUp(), await t.signUp(), await t.signUp()];
    const job = await submitJob(t.deps, { userId: a.userId, app: 'test', pipeline: 't.metrics', input: {}, cost: 2 });
    done = { id: job.id, token: a.token };
    held = (await submitJob(t.deps, { userId: b.userId, app: 'test', pipeline: 't.hold', input: {}, cost: 3 })).id;
    cancelled = (await submitJob(t.deps, { userId: c.userId, app: 'test', pipeline: 't.hold', input: {}, cost: 3 })).id;
    await t.waitForJob(done.id, ['completed']);
    await t.waitForJob(held, ['waiting']);
    await t.waitForJob(cancelled, ['waiting']);
    expect((await t.call('POST', `/v1/jobs/${cancelled}/cancel`, { token: c.token })).status).toBe(200);
    expect((await t.call('GET', `/v1/jobs/${done.id}`, { token: a.token })).status).toBe(200);
    expect((await t.call('GET', '/v1/jobs/job_nosuchjob', { token: a.token })).status).toBe(404);
    expect((await t.call('GET', `/v1/no/such/route/${done.id}`)).status).toBe(404);
    // Past the body checks of POST /v1/*, still no route; and a route of its own that answers 404.
    expect((await t.call('POST', '/v1/no/such/route', { body: {} })).status).toBe(404);
    expect((await t.call('GET', '/files/')).status).toBe(404);
  }, 60_000);

  it('answers the Prometheus text format with prom-client\'s content type, and every line parses', async () => {
    const { res, text } = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(new Registry().contentType);
    const { types } = parseExposition(text);
    expect(types.get('mediaforge_http_request_duration_seconds')).toBe('histogram');
    expect(types.get('mediaforge_step_duration_seconds')).toBe('histogram');
    expect(types.get('mediaforge_provider_call_duration_seconds')).toBe('histogram');
    expect(types.get('mediaforge_provider_call_errors_total')).toBe('counter');
    expect(types.get('mediaforge_jobs')).toBe('gauge');
    expect(types.get('mediaforge_credits_charged_total')).toBe('counter');
    // The process's own metrics, from this platform's registry.
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('counts jobs by app and status, waiting jobs, the queue, and credits from the ledger', async () => {
    const { samples } = parseExposition((await scrape()).text);
    expect(valueOf(samples, 'mediaforge_jobs', { app: 'test', status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_jobs', { app: 'test', status: 'waiting' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_jobs', { app: 'test', status: 'cancelled' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_jobs', { app: 'test', status: 'failed' })).toBe(0);
    expect(valueOf(samples, 'mediaforge_jobs_waiting')).toBe(1);
    for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) expect(valueOf(samples, 'mediaforge_queue_jobs', { state })).toBeTypeOf('number');
    expect(valueOf(samples, 'mediaforge_queue_depth')).toBe(0);
    expect(valueOf(samples, 'mediaforge_credits_charged_total', { app: 'test' })).toBe(8);
    expect(valueOf(samples, 'mediaforge_credits_refunded_total', { app: 'test' })).toBe(3);
    expect(valueOf(samples, 'mediaforge_scrape_source_up')).toBe(1);
  });

  it('times each step run by pipeline, step and outcome, and the provider call by provider and capability', async () => {
    const { samples } = parseExposition((await scrape()).text);
    expect(valueOf(samples, 'mediaforge_step_duration_seconds_count', { pipeline: 't.metrics', step: 'write', outcome: 'done' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_step_duration_seconds_count', { pipeline: 't.metrics', step: 'finish', outcome: 'done' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_step_duration_seconds_count', { pipeline: 't.hold', step: 'hold', outcome: 'waiting' })).toBe(2);
    expect(valueOf(samples, 'mediaforge_step_duration_seconds_bucket', { pipeline: 't.metrics', step: 'write', outcome: 'done', le: '+Inf' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_step_duration_seconds_sum', { pipeline: 't.metrics', step: 'write', outcome: 'done' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'mediaforge_provider_call_duration_seconds_count', { provider: 'stub-text', capability: 'text', outcome: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'mediaforge_provider_call_errors_total', { provider: 'stub-text' })).toBeUndefined();
  });

  it('times requests by method, route pattern and status: never a raw path or an id', async () => {
    const first = parseExposition((await scrape()).text).samples;
    const http = 'mediaforge_http_request_duration_seconds_count';
    expect(valueOf(first, http, { method: 'GET', route: '/v1/jobs/:id', status: '200' })).toBe(1);
    expect(valueOf(first, http, { method: 'GET', route: '/v1/jobs/:id', status: '404' })).toBe(1);
    expect(valueOf(first, http, { method: 'POST', route: '/v1/jobs/:id/cancel', status: '200' })).toBe(1);
    expect(valueOf(first, http, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(first, http, { method: 'POST', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(first, http, { method: 'GET', route: '/files/*', status: '404' })).toBe(1);
    const labelValues = first.filter((s) => s.name.startsWith('mediaforge_http_')).flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => v.includes('job_'))).toEqual([]);
    // The series move: the scrapes before this one were requests too.
    const scrapes = valueOf(first, http, { method: 'GET', route: '/metrics', status: '200' })!;
    expect(scrapes).toBeGreaterThanOrEqual(3);
    const second = parseExposition((await scrape()).text).samples;
    expect(valueOf(second, http, { method: 'GET', route: '/metrics', status: '200' })).toBe(scrapes + 1);
  });

  it('is not in the OpenAPI document (an operations endpoint)', async () => {
    const doc = await t.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).not.toContain('/metrics');
    expect(Object.keys(doc.body.paths)).toContain('/v1/admin/jobs/stats');
  });

  describe('GET /v1/admin/jobs/stats', () => {
    it('counts the jobs that entered each status per bucket, in aligned buckets over the window', async () => {
      const res = await t.call('GET', '/v1/admin/jobs/stats', { token: TEST_ADMIN_KEY });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ windowMinutes: 60, bucketMinutes: 5 });
      expect(res.body.buckets).toHaveLength(12);
      const starts = res.body.buckets.map((b: { start: string }) => Date.parse(b.start));
      for (const [i, s] of starts.entries()) {
        expect(s % (5 * 60_000)).toBe(0);
        if (i > 0) expect(s - starts[i - 1]).toBe(5 * 60_000);
      }
      expect(starts.at(-1)).toBeLessThanOrEqual(Date.now());
      expect(starts.at(-1) + 5 * 60_000).toBeGreaterThan(Date.now());
      const total: Record<string, number> = {};
      for (const b of res.body.buckets) {
        expect(Object.keys(b.counts).sort()).toEqual(['cancelled', 'completed', 'failed', 'queued', 'running', 'waiting']);
        for (const [k, v] of Object.entries(b.counts as Record<string, number>)) total[k] = (total[k] ?? 0) + v;
      }
      // Three jobs queued and claimed; two waited (one then cancelled); one completed.
      expect(total).toEqual({ queued: 3, running: 3, waiting: 2, completed: 1, cancelled: 1, failed: 0 });
    });

    it('takes its window and bucket from the query, and refuses a window that is not whole buckets', async () => {
      const one = await t.call('GET', '/v1/admin/jobs/stats?windowMinutes=10&bucketMinutes=10', { token: TEST_ADMIN_KEY });
      expect(one.status).toBe(200);
      expect(one.body.buckets).toHaveLength(1);
      expect(one.body.buckets[0].counts.completed).toBe(1);
      expect((await t.call('GET', '/v1/admin/jobs/stats?windowMinutes=7&bucketMinutes=5', { token: TEST_ADMIN_KEY })).body.error.code).toBe('INVALID_WINDOW');
      expect((await t.call('GET', '/v1/admin/jobs/stats?windowMinutes=0', { token: TEST_ADMIN_KEY })).status).toBe(400);
      expect((await t.call('GET', '/v1/admin/jobs/stats?bucketMinutes=abc', { token: TEST_ADMIN_KEY })).status).toBe(400);
    });

    it('is for admins only', async () => {
      expect((await t.call('GET', '/v1/admin/jobs/stats')).status).toBe(401);
      expect((await t.call('GET', '/v1/admin/jobs/stats', { token: done.token })).status).toBe(403);
    });
  });
});

describe('METRICS_TOKEN', () => {
  let guarded: TestPlatform;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    guarded = await createTestPlatform({ env: { METRICS_TOKEN: token }, startWorker: false });
  }, 120_000);
  afterAll(async () => guarded?.dispose());

  it('answers 401 without the token or with another, and the metrics with it', async () => {
    const none = await scrape(guarded);
    expect(none.res.status).toBe(401);
    expect(JSON.parse(none.text).error.code).toBe('AUTH_REQUIRED');
    expect(none.text).not.toContain('mediaforge_');
    expect((await scrape(guarded, { authorization: `Bearer ${token}x` })).res.status).toBe(401);
    expect((await scrape(guarded, { authorization: `Bearer ${TEST_ADMIN_KEY}` })).res.status).toBe(401);
    expect((await scrape(guarded, { authorization: token })).res.status).toBe(401);
    const ok = await scrape(guarded, { authorization: `Bearer ${token}` });
    expect(ok.res.status).toBe(200);
    expect(ok.text).toContain('# TYPE mediaforge_jobs gauge');
  });

  it('is asked the same by the metrics-only app a worker serves on METRICS_PORT', async () => {
    const alone = metricsApp(guarded.platform);
    const refused = await alone.request('/metrics');
    expect([refused.status, (await refused.json()).error.code]).toEqual([401, 'AUTH_REQUIRED']);
    const ok = await alone.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE mediaforge_jobs gauge');
    expect((await alone.request('/v1/me')).status).toBe(404);
  });

  it('is required by the configuration to be at least 16 characters', async () => {
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
