import { z } from 'zod';
import { createTestPlatform } from '../../server/src/testing/test-platform';
import { submitJob } from '../../server/src/services/jobs/submit-job';
const t = await createTestPlatform({ startWorker: false, settings: { planLimits: { free: { bench: { runningJobs: 1_000_000 } }, pro: { bench: { runningJobs: 1_000_000 } } } } as any,
  pipelines: (r) => r.register({ id: 'bench.noop', app: 'bench', input: z.looseObject({}), steps: [{ name: 'noop', weight: 1, output: z.json(), local: true, run: async () => ({ output: null }) }] }) });
const { userId } = await t.signUp();
const { Session } = await import('node:inspector/promises');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); 
for (let i = 0; i < 200; i++) await submitJob(t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} });
await s.post('Profiler.start');
const t0 = performance.now();
for (let i = 0; i < 1000; i++) await submitJob(t.deps, { userId, app: 'bench', pipeline: 'bench.noop', input: {} });
console.log('avg', ((performance.now() - t0) / 1000).toFixed(3));
const { profile } = await s.post('Profiler.stop') as any;
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
const dt = profile.timeDeltas; const samples = profile.samples;
for (let i = 0; i < samples.length; i++) { const n: any = byId.get(samples[i]); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / total * 100).toFixed(1)}% ${k}`).join('\n'));
await t.dispose();
