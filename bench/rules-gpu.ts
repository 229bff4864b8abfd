/**
 * (h) The rules app's GPU path: images per second of a 200-image batch of 12-megapixel JPEGs
 * (resize to 1600 wide, sharpen, a text watermark) from execute to the job completed, next to sharp
 * alone doing the same operations in this process (applyRule over the same bytes from memory, at
 * the same concurrency), measured once in the run and shared by the modes' rows.
 *
 * Server mode: the platform listens on a real port with its in-process GPU worker off
 * (GPU_WORKER_CONCURRENCY=0), and ONE `node bin/mediaforge.js gpu-worker` child process with
 * GPU_WORKER_CONCURRENCY=2 (the reference's) takes the tasks from Redis, fetching and storing over
 * HTTP and calling back signed, as a deployment's would. Bar: its rate at least 0.7 of sharp alone.
 * Embedded mode: the same job on the GPU worker inside the process, as `start` runs it (tasks'
 * URLs over the network too); its ratio is for information. Both processes have their heaps set as
 * the CLI sets them (composition/heap-tuning.ts; run.ts for this one), the reference's included.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { applyRule } from '../server/src/apps/rules/apply-rule';
import { RuleOperations, type RuleOperation } from '../server/src/apps/rules/rule-operations';
import { runCli, type Child } from '../server/src/testing/child-process';
import { freePort } from '../server/src/testing/free-port';
import { proUserWithRule, uploadedBatch } from '../server/src/testing/rules-flow';
import type { createTestPlatform, TestPlatform } from '../server/src/testing/test-platform';
import { dropQueue } from '../server/src/testing/test-redis';

type Verdict = 'ok' | 'BELOW BAR' | '';

/** What run.ts lends a measure: its table, its formatting, its listener and its mode-checked platform. */
export interface BenchKit {
  row(verdict: Verdict, ...cells: (string | number)[]): void;
  verdict(meetsBar: boolean): Verdict;
  fmt(n: number, digits?: number): string;
  listen(fetch: (req: Request) => Response | Promise<Response>, port?: number): Promise<{ url: string; close(): void }>;
  platformFor(mode: string, opts: Parameters<typeof createTestPlatform>[0]): Promise<TestPlatform>;
}

/** `BENCH_RULES_IMAGES=40 npm run bench -- h` for a quick look (the pro plan's most is 200). */
const IMAGES = Number(process.env.BENCH_RULES_IMAGES ?? 200);
/** The reference's images on each side of the job: the machine's other load then falls on both. */
const REFERENCE_IMAGES = 24;
const DISTINCT = 4;
const WIDTH = 4000;
const HEIGHT = 3000;
/** The GPU worker's tasks at once, and the reference's: about one per core on this 2-core machine. */
const CONCURRENCY = 2;
const BAR = 0.7;
const OPERATIONS: RuleOperation[] = RuleOperations.parse([
  { op: 'resize', width: 1600 },
  { op: 'sharpen', sigma: 1 },
  { op: 'watermark_text', text: 'mediaforge bench', position: 'bottom-right', opacity: 0.6, size: 48 },
]);
const noAi = async (): Promise<Buffer> => {
  throw new Error('bench rule has no AI operation');
};

/**
 * A photo-like 12 MP JPEG: smooth gradients and waves under per-pixel noise (sensor grain), so it
 * encodes to a few MB as a camera's does, not to the few hundred KB of a flat synthetic picture.
 */
async function makePhoto(seed: number): Promise<Buffer> {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  let s = (seed * 2654435761) >>> 0;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 4294967296;
  const cx = WIDTH * (0.3 + 0.4 * rnd());
  const cy = HEIGHT * (0.3 + 0.4 * rnd());
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const d = Math.hypot(x - cx, y - cy) / 2500;
      const grain = (rnd() - 0.5) * 40;
      data[i] = clamp(40 + 180 * (x / WIDTH) + 60 * Math.sin(d * 9 + seed) + grain);
      data[i + 1] = clamp(60 + 150 * (y / HEIGHT) + 40 * Math.cos(d * 13) + grain);
      data[i + 2] = clamp(200 - 140 * d + 30 * Math.sin((x + y) / 150) + grain);
    }
  }
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}

let photosMade: Promise<Buffer[]> | null = null;
const photos = () => (photosMade ??= Promise.all(Array.from({ length: DISTINCT }, (_, i) => makePhoto(i + 1))));
const photoOf = (all: Buffer[], i: number) => all[i % all.length]!;

/** Runs `fn` over 0..n-1, at most `limit` at once. */
async function eachLimit(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

let warmedUp = false;

/** Sharp alone: applyRule over the job's photos from memory at the worker's concurrency (the first time after one warm-up image per slot). */
async function reference(n: number): Promise<{ images: number; ms: number }> {
  const all = await photos();
  if (!warmedUp) await eachLimit(CONCURRENCY, CONCURRENCY, async (i) => void (await applyRule(photoOf(all, i), OPERATIONS, noAi)));
  warmedUp = true;
  const start = performance.now();
  await eachLimit(n, CONCURRENCY, async (i) => {
    const out = await applyRule(photoOf(all, i), OPERATIONS, noAi);
    if (out.width !== 1600) throw new Error(`bench (h): the reference made a ${out.width}-wide image`);
  });
  return { images: n, ms: performance.now() - start };
}

/** A pro user with credits, a saved rule and a 200-photo batch made, uploaded and confirmed: its id and token. */
async function uploadedJob(t: TestPlatform): Promise<{ jobId: string; token: string; uploadMs: number }> {
  const { token, ruleId } = await proUserWithRule(t, OPERATIONS, IMAGES);
  const all = await photos();
  const start = performance.now();
  const jobId = await uploadedBatch(t, token, { ruleId, photos: Array.from({ length: IMAGES }, (_, i) => photoOf(all, i)) });
  return { jobId, token, uploadMs: performance.now() - start };
}

/** CPU seconds a process has used so far (Linux /proc, in clock ticks of 10 ms); null elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Executes the job and waits for it to end (the job's row, read every 200 ms): the time it took,
 * how its items ended, and the CPU time this process (the API, and in embedded mode the GPU
 * worker) and the `worker` process used meanwhile.
 */
async function runJob(t: TestPlatform, jobId: string, token: string, capMs: number, worker: Child | null) {
  const start = performance.now();
  const ownCpu = process.cpuUsage();
  const workerCpu = cpuSecondsOf(worker?.proc.pid);
  const run = await t.call('POST', `/s3/jobs/${jobId}/execute`, { token });
  if (run.status !== 200) throw new Error(`bench (h): execute answered ${run.status} ${JSON.stringify(run.body)}`);
  let status = 'queued';
  while (performance.now() - start < capMs) {
    status = (await t.deps.store.read((r) => r.jobs.get(jobId)))!.status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const ms = performance.now() - start;
  const own = process.cpuUsage(ownCpu);
  const workerNow = cpuSecondsOf(worker?.proc.pid);
  const items = await t.deps.store.read((r) => r.items.list(jobId));
  const done = items.filter((i) => i.status === 'done').length;
  return {
    ms, status, done, failed: items.filter((i) => i.status === 'failed').length, rate: (done * 1000) / ms,
    cpu: { own: (own.user + own.system) / 1e6, worker: workerCpu !== null && workerNow !== null ? workerNow - workerCpu : null },
  };
}

/** A measured job may take at most this many times the reference's time for its images; a slower one is reported with what it got done. */
const CAP = 3;

export async function benchRulesGpu(kit: BenchKit, mode: string, env: Record<string, string>): Promise<void> {
  const { row, verdict, fmt } = kit;
  const port = await freePort();
  const queueName = `mf-bench-${randomBytes(4).toString('hex')}`;
  const server = mode === 'server';
  const t = await kit.platformFor(mode, {
    env: { ...env, PUBLIC_URL: `http://127.0.0.1:${port}`, GPU_WORKER_CONCURRENCY: server ? '0' : String(CONCURRENCY) },
    queueName,
    // As `start` runs it: the in-process worker reaches the tasks' URLs over the network.
    gpuFetch: 'network',
  });
  const listener = await kit.listen(t.app.fetch, port);
  const workerDir = mkdtempSync(path.join(os.tmpdir(), 'mf-bench-gpu-'));
  let worker: Child | null = null;
  try {
    if (server) {
      // Only what a GPU worker needs: Redis and the queue's name (no database, no storage).
      worker = runCli('gpu-worker', {
        REDIS_URL: env.REDIS_URL ?? process.env.REDIS_URL!, QUEUE_NAME: queueName, GPU_WORKER_CONCURRENCY: String(CONCURRENCY), DATA_DIR: workerDir, LOG_LEVEL: 'info',
      }, { embedded: true });
    }
    const { jobId, token, uploadMs } = await uploadedJob(t);
    await worker?.waitForOutput('gpu worker started');
    const before = await reference(REFERENCE_IMAGES);
    const got = await runJob(t, jobId, token, Math.max(60_000, (CAP * IMAGES * before.ms) / before.images), worker);
    const after = await reference(REFERENCE_IMAGES);
    const ref = { rate: ((before.images + after.images) * 1000) / (before.ms + after.ms) };
    const all = got.status === 'completed' && got.done === IMAGES;
    const ratio = got.rate / ref.rate;
    const what = server ? `(h) rules batch ${IMAGES} x 12 MP JPEG, 1 gpu-worker process, GPU_WORKER_CONCURRENCY=${CONCURRENCY}` : `(h) rules batch ${IMAGES} x 12 MP JPEG, in-process GPU worker (start), concurrency ${CONCURRENCY}`;
    const size = (await photos()).reduce((a, p) => a + p.length, 0) / DISTINCT / 1e6;
    // Embedded has no bar (its ratio is for information), but a job that did not complete every item is flagged in both modes.
    row(server ? verdict(all && ratio >= BAR) : (all ? '' : 'BELOW BAR'), mode, what, `${fmt(got.rate, 2)} img/s`,
      `${got.status}, ${got.done} done, ${got.failed} failed in ${fmt(got.ms / 1000, 1)} s (execute -> completed); resize 1600, sharpen, watermark; photos ${fmt(size, 1)} MB avg, uploaded+confirmed in ${fmt(uploadMs / 1000, 1)} s; CPU per image: ${got.cpu.worker !== null ? `gpu-worker ${fmt((1000 * got.cpu.worker) / IMAGES)} ms, ` : ''}${server ? 'API' : 'API + GPU worker'} ${fmt((1000 * got.cpu.own) / IMAGES)} ms`,
      `sharp alone (applyRule, ${CONCURRENCY} at once, in memory; ${REFERENCE_IMAGES} images before the job and ${REFERENCE_IMAGES} after) ${fmt(ref.rate, 2)} img/s; ratio ${fmt(ratio, 2)}${server ? ` (bar ${BAR})` : ', for information'}`);
  } finally {
    listener.close();
    await worker?.kill('SIGTERM');
    await t.dispose();
    if (server) await dropQueue(`${queueName}-gpu`, env.REDIS_URL ?? process.env.REDIS_URL).catch(() => {});
    rmSync(workerDir, { recursive: true, force: true });
  }
}
