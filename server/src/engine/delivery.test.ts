import { z } from 'zod';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJob } from '../services/jobs/cancel-job';
import { submitJob } from '../services/jobs/submit-job';
import { createTestPlatform, type TestPlatform } from '../testing/test-platform';
import type { PipelineDef } from './pipeline';

/** The engine's generic rule (core/jobs/delivery): per-item work is kept and charged, the rest refunded, withheld and deleted. */
const gates = new Map<string, () => void>();
const outcomes = new Map<string, (what: string) => void>();
const gate = (key: string) => new Promise<void>((resolve) => gates.set(key, resolve));
const outcome = (key: string) => new Promise<string>((resolve) => outcomes.set(key, resolve));

const pipelines: PipelineDef[] = [
  {
    // A job-level output, then one output per item; item 2 stops before it is settled.
    id: 't.items', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'make', weight: 1, output: z.json(),
      run: async (ctx) => {
        await ctx.saveAsset({ slot: 'summary', kind: 'document', body: Buffer.from('summary'), mime: 'text/plain', ext: 'txt' });
        for (const item of await ctx.items()) {
          await ctx.saveAsset({ slot: `item_${item.idx}`, item: item.idx, kind: 'image', body: Buffer.from(`item ${item.idx}`), mime: 'image/png', ext: 'png' });
          if (item.idx === 2) await gate(`${ctx.job.id}:items`);
          await ctx.settleItem(item.idx, { output: { n: item.idx } });
        }
        return { output: null };
      },
    }],
  },
  {
    // Completes with item 1 failed after its output was stored.
    id: 't.mixed', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'make', weight: 1, output: z.json(),
      run: async (ctx) => {
        await ctx.saveAsset({ slot: 'summary', kind: 'document', body: Buffer.from('summary'), mime: 'text/plain', ext: 'txt' });
        for (const item of await ctx.items()) {
          await ctx.saveAsset({ slot: `item_${item.idx}`, item: item.idx, kind: 'image', body: Buffer.from(`item ${item.idx}`), mime: 'image/png', ext: 'png' });
          await ctx.settleItem(item.idx, item.idx === 1 ? { error: { code: 'BLOCKED', message: 'content guard' } } : { output: { n: item.idx } });
        }
        return { output: null };
      },
    }],
  },
  {
    // A step still in flight when its job is cancelled: it tries to save its output afterwards.
    id: 't.late', app: 'test', input: z.looseObject({}),
    steps: [{
      name: 'late', weight: 1, output: z.json(),
      run: async (ctx) => {
        await gate(`${ctx.job.id}:late`);
        try {
          await ctx.saveAsset({ slot: 'late', kind: 'image', body: Buffer.from('late'), mime: 'image/png', ext: 'png' });
          outcomes.get(ctx.job.id)?.('saved');
        } catch (err) {
          outcomes.get(ctx.job.id)?.((err as Error).name);
          throw err;
        }
        return { output: null };
      },
    }],
  },
];

let t: TestPlatform;
let user: { token: string; userId: string };
beforeAll(async () => {
  t = await createTestPlatform({ pipelines: (r) => pipelines.forEach((p) => r.register(p)) });
  user = await t.signUp();
}, 120_000);
afterAll(async () => {
  for (const open of gates.values()) open();
  await t?.dispose();
});

const balance = () => t.deps.store.read(async (r) => (await r.users.get(user.userId))!.credits);
const waitGate = async (key: string) => {
  for (let i = 0; i < 500 && !gates.has(key); i++) await new Promise((r) => setTimeout(r, 10));
  expect(gates.has(key), `gate ${key} reached`).toBe(true);
};
const objectsOf = (jobId: string) => {
  const dir = path.join(t.dataDir, 'objects', 'jobs', jobId);
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.meta.json')) : [];
};
const download = async (url: string) => (await t.app.request(url)).status;

describe('per-item delivery', () => {
  it('keeps and charges finished items on cancel, refunds the rest, and withholds and deletes what was refunded', async () => {
    const before = await balance();
    const job = await submitJob(t.deps, {
      userId: user.userId, app: 'test', pipeline: 't.items', input: {},
      items: [0, 1, 2, 3].map(() => ({ input: {}, cost: 1 })), daily: { key: 'itemsPerDay', units: 1 },
    });
    await waitGate(`${job.id}:items`);

    // Running: the done items are delivered; the job's own output and the unsettled item are not.
    const running = await t.call('GET', `/v1/jobs/${job.id}`, { token: user.token });
    expect(running.body.assets.map((a: { slot: string }) => a.slot).sort()).toEqual(['item_0', 'item_1']);
    for (const a of running.body.assets) expect(await download(a.url)).toBe(200);
    const all = await t.deps.store.read((r) => r.assets.listForJob(job.id));
    const withheld = all.filter((a) => a.slot === 'summary' || a.slot === 'item_2');
    expect(withheld).toHaveLength(2);
    const withheldUrls = await Promise.all(withheld.map((a) => t.deps.storage.signedGetUrl(a.storageKey, 60)));

    const cancel = await t.call('POST', `/v1/jobs/${job.id}/cancel`, { token: user.token });
    expect(cancel.body).toMatchObject({ refunded: 2, job: { status: 'cancelled' } });
    expect(await balance()).toBe(before - 2);

    const after = await t.call('GET', `/v1/jobs/${job.id}`, { token: user.token });
    expect(after.body.assets.map((a: { slot: string }) => a.slot).sort()).toEqual(['item_0', 'item_1']);
    for (const a of after.body.assets) expect(await download(a.url)).toBe(200);
    for (const url of withheldUrls) expect(await download(url)).toBe(404);
    expect((await t.deps.store.read((r) => r.assets.listForJob(job.id))).map((a) => a.slot).sort()).toEqual(['item_0', 'item_1']);

    // Something was delivered, so the day's unit stays spent.
    await expect(submitJob(t.deps, { userId: user.userId, app: 'test', pipeline: 't.items', input: {}, daily: { key: 'itemsPerDay', units: 1 } }))
      .rejects.toMatchObject({ code: 'DAILY_LIMIT' });
    gates.get(`${job.id}:items`)!();
  });

  it("a completed job delivers its own outputs and its done items', and deletes a failed item's", async () => {
    const before = await balance();
    const job = await submitJob(t.deps, { userId: user.userId, app: 'test', pipeline: 't.mixed', input: {}, items: [0, 1, 2].map(() => ({ input: {}, cost: 1 })) });
    expect((await t.waitForJob(job.id, ['completed', 'failed'])).status).toBe('completed');
    expect(await balance()).toBe(before - 2);
    const view = await t.call('GET', `/v1/jobs/${job.id}`, { token: user.token });
    expect(view.body.assets.map((a: { slot: string }) => a.slot).sort()).toEqual(['item_0', 'item_2', 'summary']);
    for (const a of view.body.assets) expect(await download(a.url)).toBe(200);
    for (let i = 0; i < 200 && objectsOf(job.id).length > 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(objectsOf(job.id)).toHaveLength(3);
    expect((await t.deps.store.read((r) => r.assets.listForJob(job.id))).map((a) => a.slot).sort()).toEqual(['item_0', 'item_2', 'summary']);
  });

  it('gives the daily unit back when a job is cancelled before it delivered anything', async () => {
    const job = await submitJob(t.deps, {
      userId: user.userId, app: 'test', pipeline: 't.late', input: {}, cost: 1, daily: { key: 'latePerDay', units: 1 },
    });
    await waitGate(`${job.id}:late`);
    await cancelJob(t.deps, { userId: user.userId, isAdmin: false }, job.id);
    const again = await submitJob(t.deps, { userId: user.userId, app: 'test', pipeline: 't.late', input: {}, daily: { key: 'latePerDay', units: 1 } });
    await waitGate(`${again.id}:late`);
    await cancelJob(t.deps, { userId: user.userId, isAdmin: false }, again.id);
    gates.get(`${job.id}:late`)!();
    gates.get(`${again.id}:late`)!();
  });
});

describe('a step cancelled mid-flight', () => {
  it('writes no object once its job is no longer its worker\'s', async () => {
    const job = await submitJob(t.deps, { userId: user.userId, app: 'test', pipeline: 't.late', input: {}, cost: 1 });
    await waitGate(`${job.id}:late`);
    const result = outcome(job.id);
    await cancelJob(t.deps, { userId: user.userId, isAdmin: false }, job.id);
    gates.get(`${job.id}:late`)!();
    expect(await result).toBe('LeaseLostError');
    expect(objectsOf(job.id)).toEqual([]);
    expect(await t.deps.store.read((r) => r.assets.listForJob(job.id))).toEqual([]);
  });

  it('deletes its object when the job is cancelled between the object and its row', async () => {
    const job = await submitJob(t.deps, { userId: user.userId, app: 'test', pipeline: 't.late', input: {}, cost: 1 });
    await waitGate(`${job.id}:late`);
    const storage = t.deps.storage as { put: (key: string, body: Buffer, mime: string) => Promise<void> };
    const put = storage.put.bind(storage);
    let written: string | null = null;
    storage.put = async (key, body, mime) => {
      await put(key, body, mime);
      if (key.startsWith(`jobs/${job.id}/`)) {
        written = key;
        await cancelJob(t.deps, { userId: user.userId, isAdmin: false }, job.id);
      }
    };
    try {
      const result = outcome(job.id);
      gates.get(`${job.id}:late`)!();
      expect(await result).toBe('LeaseLostError');
    } finally {
      storage.put = put;
    }
    expect(written).not.toBeNull();
    expect(await t.deps.storage.head(written!)).toBeNull();
    expect(objectsOf(job.id)).toEqual([]);
    expect(await t.deps.store.read((r) => r.assets.listForJob(job.id))).toEqual([]);
  });
});
