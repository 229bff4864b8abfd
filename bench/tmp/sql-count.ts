import { z } from 'zod';
import pg from 'pg';
import { createTestPlatform } from '../../server/src/testing/test-platform';
import { submitJob } from '../../server/src/services/jobs/submit-job';

const log: string[] = [];
let on = false;
const orig = pg.Client.prototype.query as any;
(pg.Client.prototype as any).query = function (...args: any[]) {
  if (on) { const q = args[0]; log.push(`${(performance.now()-t0).toFixed(2)} ${(typeof q === 'string' ? q : q?.text ?? q?.name ?? '?').replace(/\s+/g,' ').slice(0, 140)}`); }
  return orig.apply(this, args);
};
let t0 = 0;
const t = await createTestPlatform({
  env: { WORKER_CONCURRENCY: '4' }, reconcileEveryMs: 2000,
  pipelines: (r) => r.register({ id: 'bench.noop', app: 'bench', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), local: true, run: async () => ({ output: null }) }] }),
});
console.log(t.deps.store.kind, t.deps.queue.kind);
const { userId } = await t.signUp();
const done = new Map<string, () => void>();
await t.deps.events.subscribePrefix('job:', (_c, e: any) => { if (e.status === 'completed') done.get(e.jobId)?.(); });
for (let i = 0; i < 30; i++) { const j = await submitJob(t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} }); await new Promise<void>((r) => done.set(j.id, r)); }
await new Promise((r) => setTimeout(r, 100));
on = true; t0 = performance.now();
const j = await submitJob(t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} });
const tsub = performance.now() - t0;
await new Promise<void>((r) => done.set(j.id, r));
const tall = performance.now() - t0;
on = false;
await new Promise((r) => setTimeout(r, 300));
console.log(log.join('\n'));
console.log('submit', tsub.toFixed(2), 'completed', tall.toFixed(2));
await t.dispose();
