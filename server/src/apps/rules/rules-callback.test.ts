import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuTask, GpuTaskQueue } from '../../core/ports/gpu-work';
import { signStandardWebhook, standardWebhookKey } from '../../core/webhooks/standard-webhooks';
import { makeImage } from '../../testing/fixtures';
import { s3User, uploadedBatch } from '../../testing/rules-flow';
import { createTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../../testing/test-platform';

/** The GPU task queue with no worker: the test is the GPU worker, and sends the callbacks itself. */
class HeldTasks implements GpuTaskQueue {
  readonly kind = 'memory' as const;
  readonly name = 'held by the test';
  readonly tasks: GpuTask[] = [];
  async ping() {}
  async push(task: GpuTask) {
    if (!this.tasks.some((t) => t.task_id === task.task_id)) this.tasks.push(task);
  }
  async pending(taskId: string) {
    return this.tasks.some((t) => t.task_id === taskId);
  }
  async consume() {
    return { close: async () => {} };
  }
  async counts() {
    return { waiting: this.tasks.length, active: 0 };
  }
  async close() {}
}

let t: TestPlatform;
const held = new HeldTasks();
beforeAll(async () => {
  t = await createTestPlatform({ env: { GPU_WORKER_CONCURRENCY: '0' }, overrides: { gpuQueue: held } });
});
afterAll(async () => t?.dispose());

async function tasksOf(jobId: string, count: number): Promise<GpuTask[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mine = held.tasks.filter((task) => task.job_id === jobId).sort((a, b) => a.item - b.item);
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`only ${mine.length} of ${count} tasks of ${jobId} were sent`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Delivery { id?: string; ts?: number; secret?: string; raw?: Buffer; headers?: Record<string, string> }
/** Sends a report as a GPU worker would: Standard Webhooks over the raw body with the task's secret. */
async function callback(task: GpuTask, body: unknown, d: Delivery = {}) {
  const raw = d.raw ?? Buffer.from(JSON.stringify(body));
  const id = d.id ?? `msg_${randomBytes(6).toString('hex')}`;
  const ts = d.ts ?? Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook(standardWebhookKey(d.secret ?? task.callback.secret), id, ts, raw);
  const headers = d.headers ?? { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
  return t.call('POST', new URL(task.callback.url).pathname, { body: raw.toString('utf8'), headers: { 'content-type': 'application/json', ...headers } });
}

/** Stores a result for the task as the worker would (PUT to its presigned URL), and the report of it. */
async function done(task: GpuTask) {
  const body = await makeImage('image/jpeg', task.item + 7, 200);
  const put = await t.app.request(task.output.url, { method: 'PUT', headers: { 'content-type': task.output.mime, 'content-length': String(body.length) }, body: new Uint8Array(body) });
  expect([200, 409]).toContain(put.status);
  return { item: task.item, status: 'done', output: { key: task.output.key, mime: 'image/jpeg', size: body.length, width: 200, height: 200, sha256: createHash('sha256').update(body).digest('hex') } };
}
const failed = (task: GpuTask) => ({ item: task.item, status: 'failed', error: { code: 'PROCESSING_FAILED', message: 'could not decode' } });

async function ledgerOf(jobId: string) {
  return t.deps.store.read((r) => r.ledger.listForJob(jobId));
}

async function executed(count: number) {
  const { token } = await s3User(t);
  const jobId = await uploadedBatch(t, token, { count });
  const run = await t.call('POST', `/s3/jobs/${jobId}/execute`, { token });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  return { token, jobId, tasks: await tasksOf(jobId, count) };
}

describe('seed 003 GPU callbacks: signed, timestamped, replay-checked, one settlement per item', () => {
  it('refuses unsigned, forged, tampered, stale, future and other jobs\' callbacks, and replays', async () => {
    const { token, jobId, tasks } = await executed(2);
    const task = tasks[0]!;
    const report = await done(task);
    const other = (await executed(1)).tasks[0]!;

    const unsigned = await callback(task, report, { headers: {} });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toMatchObject({ success: false, data: null, error: { code: 'AUTH_REQUIRED' } });
    const forged = await callback(task, report, { secret: `whsec_${randomBytes(32).toString('base64')}` });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('AUTH_INVALID');
    expect((await callback(task, report, { secret: other.callback.secret })).body.error.code).toBe('AUTH_INVALID');
    const now = Math.floor(Date.now() / 1000);
    const stale = await callback(task, report, { ts: now - 600 });
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatchObject({ code: 'AUTH_INVALID', reason: 'WEBHOOK_TIMESTAMP_STALE' });
    expect((await callback(task, report, { ts: now + 600 })).body.error).toMatchObject({ code: 'AUTH_INVALID', reason: 'WEBHOOK_TIMESTAMP_FUTURE' });
    // Signed for one body, sent with another: the signature no longer matches.
    const signedRaw = Buffer.from(JSON.stringify(report));
    const id = 'msg_tampered';
    const sig = signStandardWebhook(standardWebhookKey(task.callback.secret), id, now, signedRaw);
    const tampered = await callback(task, null, { raw: Buffer.from(JSON.stringify({ ...report, item: 1 })), headers: { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sig } });
    expect(tampered.body.error.code).toBe('AUTH_INVALID');
    expect((await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data.progress).toEqual({ done: 0, failed: 0, total: 2 });

    const first = await callback(task, report, { id: 'msg_once' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ item: 0, status: 'done', ended: 1, total: 2 });
    const replay = await callback(task, report, { id: 'msg_once' });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('JOB_WRONG_STATE');
    // A new delivery for a settled item changes nothing: it was done, it stays done and charged once.
    const again = await callback(task, failed(task));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already done/);
    const ledger = await ledgerOf(jobId);
    expect(ledger.filter((e) => e.kind === 'charge')).toHaveLength(2);
    expect(ledger.filter((e) => e.kind === 'refund')).toHaveLength(0);

    expect((await callback(task, { item: 9, status: 'failed', error: { code: 'X', message: 'y' } })).body.error.code).toBe('INVALID_REQUEST');
    expect((await callback(task, { item: 1, status: 'done' })).body.error.code).toBe('INVALID_REQUEST');
    // Unsigned, a caller learns nothing, not even whether the job exists.
    expect((await t.call('POST', '/s3/jobs/job_nope/callback', { body: {} })).body.error.code).toBe('AUTH_REQUIRED');
  });

  it('a failed item is refunded; the last report completes the job; a batch with nothing done fails, all refunded', async () => {
    const { token, jobId, tasks } = await executed(3);
    expect((await callback(tasks[0]!, await done(tasks[0]!))).status).toBe(200);
    expect((await callback(tasks[1]!, failed(tasks[1]!))).status).toBe(200);
    expect((await callback(tasks[2]!, await done(tasks[2]!))).status).toBe(200);
    await t.waitForJob(jobId, ['completed']);
    const view = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
    expect(view).toMatchObject({ status: 'completed', progress: { done: 2, failed: 1, total: 3 }, credits: { charged: 3, refunded: 1 } });
    expect(view.items[1]).toMatchObject({ status: 'failed', output_url: null, error: { code: 'PROCESSING_FAILED' } });
    expect((await t.call('GET', '/s3/me', { token })).body.data.credits).toBe(8);
    // An ended job takes no more reports, and cannot be cancelled.
    expect((await callback(tasks[1]!, await done(tasks[1]!))).body.error.code).toBe('JOB_WRONG_STATE');
    const late = await t.call('POST', `/s3/jobs/${jobId}/cancel`, { token });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('JOB_WRONG_STATE');

    const all = await executed(2);
    for (const task of all.tasks) expect((await callback(task, failed(task))).status).toBe(200);
    await t.waitForJob(all.jobId, ['failed']);
    const lost = (await t.call('GET', `/s3/jobs/${all.jobId}`, { token: all.token })).body.data;
    expect(lost).toMatchObject({ status: 'failed', credits: { charged: 2, refunded: 2 }, error: { code: 'ALL_FAILED' } });
  });

  it('cancel racing the callbacks: each item is charged once and refunded only if it was not done', async () => {
    for (let round = 0; round < 3; round++) {
      const { token, jobId, tasks } = await executed(6);
      const reports = await Promise.all(tasks.map((task) => (task.item % 3 === 2 ? failed(task) : done(task))));
      const answers = await Promise.all([
        ...tasks.map((task, i) => callback(task, reports[i])),
        t.call('POST', `/s3/jobs/${jobId}/cancel`, { token }),
      ]);
      for (const a of answers) expect([200, 409], JSON.stringify(a.body)).toContain(a.status);
      const final = await t.waitForJob(jobId, ['cancelled', 'completed']);
      const items = await t.deps.store.read((r) => r.items.list(jobId));
      const ledger = await ledgerOf(jobId);
      for (const item of items) {
        const charges = ledger.filter((e) => e.kind === 'charge' && e.itemIndex === item.idx);
        const refunds = ledger.filter((e) => e.kind === 'refund' && e.itemIndex === item.idx);
        expect(charges, `item ${item.idx}`).toHaveLength(1);
        expect(refunds, `item ${item.idx} is ${item.status}`).toHaveLength(item.status === 'done' ? 0 : 1);
      }
      const view = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
      expect(view.status).toBe(final.status);
      expect(view.credits.charged - view.credits.refunded).toBe(items.filter((i) => i.status === 'done').length);
      // A repeated cancel of a cancelled job answers the same.
      if (final.status === 'cancelled') {
        const again = await t.call('POST', `/s3/jobs/${jobId}/cancel`, { token });
        expect(again.status).toBe(200);
        expect(again.body.data.credits).toEqual(view.credits);
      }
    }
  });
});

describe('seed 003 lost GPU tasks', () => {
  it('tasks lost with a restarted process are sent again by the job\'s poll, with fresh URLs', async () => {
    const { token, jobId, tasks } = await executed(2);
    // The queue forgets them, as the in-process queue does when its process restarts.
    held.tasks.splice(0, held.tasks.length, ...held.tasks.filter((task) => task.job_id !== jobId));
    const again = await tasksOf(jobId, 2);
    expect(again.map((task) => task.task_id)).toEqual(tasks.map((task) => task.task_id));
    for (const task of again) expect((await callback(task, await done(task))).status).toBe(200);
    await t.waitForJob(jobId, ['completed']);
    expect((await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data.progress).toEqual({ done: 2, failed: 0, total: 2 });
  });
});

describe('seed 003 batch limits and errors', () => {
  it('two executes at once on the free plan: one runs, the other is CONCURRENCY_LIMIT; the same job twice: JOB_WRONG_STATE', async () => {
    const { token } = await s3User(t);
    const [a, b] = [await uploadedBatch(t, token, { count: 1 }), await uploadedBatch(t, token, { count: 1 })];
    const answers = await Promise.all([t.call('POST', `/s3/jobs/${a}/execute`, { token }), t.call('POST', `/s3/jobs/${b}/execute`, { token })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.body.error.code).toBe('CONCURRENCY_LIMIT');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await t.call('GET', '/s3/me', { token })).body.data).toMatchObject({ credits: 9, running_jobs: { count: 1, limit: 1 } });

    const other = await s3User(t);
    const c = await uploadedBatch(t, other.token, { count: 2 });
    const twice = await Promise.all([t.call('POST', `/s3/jobs/${c}/execute`, { token: other.token }), t.call('POST', `/s3/jobs/${c}/execute`, { token: other.token })]);
    expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await ledgerOf(c)).filter((e) => e.kind === 'charge')).toHaveLength(2);
  });

  it('INSUFFICIENT_CREDITS charges nothing; the plan caps images per job; only the owner sees a job', async () => {
    const { token, userId } = await s3User(t);
    await t.call('POST', '/v1/admin/credits', { token: TEST_ADMIN_KEY, body: { userId, amount: -8, reason: 'test' } });
    const jobId = await uploadedBatch(t, token, { count: 3 });
    const poor = await t.call('POST', `/s3/jobs/${jobId}/execute`, { token });
    expect(poor.status).toBe(402);
    expect(poor.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', needed: 3, balance: 2 });
    expect((await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data.status).toBe('uploaded');
    expect(await ledgerOf(jobId)).toEqual([]);

    const many = await t.call('POST', '/s3/jobs', { token, body: { preset_id: 'food', image_count: 11 } });
    expect(many.status).toBe(400);
    expect(many.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/at most 10 on the free plan/) });
    await t.call('PATCH', `/v1/admin/users/${userId}`, { token: TEST_ADMIN_KEY, body: { plan: 'pro' } });
    expect((await t.call('POST', '/s3/jobs', { token, body: { preset_id: 'food', image_count: 11 } })).status).toBe(201);
    for (const body of [{ preset_id: 'food', rule_id: 'x', image_count: 1 }, { image_count: 1 }, { preset_id: 'food', image_count: 0 }, { preset_id: 'food', image_count: 2, mimes: ['image/jpeg'] }, { preset_id: 'food', image_count: 1, mimes: ['image/gif'] }]) {
      const res = await t.call('POST', '/s3/jobs', { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
    expect((await t.call('POST', '/s3/jobs', { token, body: { preset_id: 'nope', image_count: 1 } })).body.error.code).toBe('NOT_FOUND');
    expect((await t.call('POST', '/s3/jobs', { token, body: { rule_id: 'rec_nope', image_count: 1 } })).body.error.code).toBe('NOT_FOUND');

    const stranger = await s3User(t);
    for (const [method, path] of [['GET', ''], ['POST', '/confirm-upload'], ['POST', '/execute'], ['POST', '/cancel']] as const) {
      const res = await t.call(method, `/s3/jobs/${jobId}${path}`, { token: stranger.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('JOB_NOT_FOUND');
    }
    // An id that cannot exist is not found in the same words as one that does not.
    for (const id of ['job_nope', '%00%00', 'a'.repeat(5000), '%F0%9F%98%80']) {
      for (const [method, path] of [['GET', ''], ['POST', '/cancel']] as const) {
        const res = await t.call(method, `/s3/jobs/${id}${path}`, { token: stranger.token });
        expect(res.status, `${id.slice(0, 20)}${path}`).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'JOB_NOT_FOUND', message: 'No such job of yours' });
      }
    }
    expect((await t.call('GET', `/s3/jobs/${jobId}`)).body.error.code).toBe('AUTH_REQUIRED');
  });

  it('a rule edited after the job was made does not change the job: its operations are a snapshot', async () => {
    const { token } = await s3User(t);
    const rule = await t.call('POST', '/s3/rules', { token, body: { name: 'r', operations: [{ op: 'resize', width: 100 }] } });
    const jobId = await uploadedBatch(t, token, { count: 1, ruleId: rule.body.data.id });
    await t.call('PUT', `/s3/rules/${rule.body.data.id}`, { token, body: { operations: [{ op: 'output', format: 'png' }] } });
    const view = (await t.call('GET', `/s3/jobs/${jobId}`, { token })).body.data;
    expect(view).toMatchObject({ rule: { source: 'rule', name: 'r' }, operations: [{ op: 'resize', width: 100 }], output_format: 'image/jpeg' });
  });
});
