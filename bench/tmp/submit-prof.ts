import { z } from 'zod';
import { createTestPlatform } from '../../server/src/testing/test-platform';
import { submitJobTx, submitJob } from '../../server/src/services/jobs/submit-job';
const t = await createTestPlatform({ startWorker: false, settings: { planLimits: { free: { bench: { runningJobs: 1_000_000 } }, pro: { bench: { runningJobs: 1_000_000 } } } } as any,
  pipelines: (r) => r.register({ id: 'bench.noop', app: 'bench', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), local: true, run: async () => ({ output: null }) }] }) });
const { userId } = await t.signUp();
const time = async (label: string, fn: () => Promise<unknown>) => { for (let i = 0; i < 100; i++) await fn(); const n = 400; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); console.log(label, ((performance.now() - t0) / n).toFixed(3), 'ms'); };
await time('tx only (empty)', () => t.deps.store.tx(async () => null));
await time('tx lock', () => t.deps.store.tx((r) => r.users.getForUpdate(userId)));
await time('tx lock+count', () => t.deps.store.tx(async (r) => { await r.users.getForUpdate(userId); return r.jobs.countActive({ userId, app: 'bench' }); }));
await time('submitJobTx', () => t.deps.store.tx((r) => submitJobTx(r, t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} }, new Date())));
await time('submitJob (tx + enqueue)', () => submitJob(t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} }));
await time('enqueue only', () => t.deps.queue.enqueue({ jobId: `x${Math.random()}`, run: 1 }));
await t.dispose();
