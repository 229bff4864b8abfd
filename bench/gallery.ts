/**
 * (i) The gallery app (seed 004): a batch of 8 images through `POST /media/generate`, and the
 * content guard each image passes before it is stored.
 *
 * Batch: stub image provider with no latency (STUB_LATENCY_MS unset), ratio 3:4 (768x1024). The
 * platform listens on a real port; a client posts the batch and polls `GET /media/jobs/{id}` every
 * POLL_MS, noting when the first result appears and when the batch is completed with all 8. One
 * batch first to warm up (the classifier loads in each media child), then BATCHES measured, each on
 * a fresh character (one batch per entity runs at a time), the gallery's plan limits lifted (the
 * checks still run). Reference, alternating with the batches: the same 8 images made by the stub
 * provider directly, 8 at once, each screened by the same `deps.media.screenImage` (the floor
 * without the platform: no HTTP, admission, queue, storage or polling). Bar: the last result within
 * 2x the direct path's + 500 ms (medians).
 *
 * Guard: `deps.media.screenImage(png)` (NSFW classifier + dHash, in a media child process) on a
 * 768x1024 stub PNG, one call at a time after a warm-up, the first call (which loads the model)
 * reported apart; next to `deps.media.perceptualHash(png)` alone (same child, same IPC) and to sharp
 * decoding the PNG in this process. Bar: the guard under GUARD_BAR_MS a image.
 */
import sharp from 'sharp';
import { imagePrompt } from '../server/src/apps/gallery/gallery-pipeline';
import { RATIOS } from '../server/src/apps/gallery/gallery-options';
import { batchWhenEnded, generate, makeCharacter } from '../server/src/testing/gallery-flow';
import { grantCredits } from '../server/src/testing/studio-flow';
import { predictionOutput } from '../server/src/testing/prediction-output';
import type { TestPlatform } from '../server/src/testing/test-platform';
import { median } from './percentile';
import type { BenchKit } from './rules-gpu';

const COUNT = 8;
const BATCHES = Number(process.env.BENCH_GALLERY_BATCHES ?? 5);
const POLL_MS = 20;
const BATCH_CAP_MS = 60_000;
const GUARD_CALLS = 30;
const GUARD_BAR_MS = 150;
const RATIO = '3:4' as const;
const STYLE = 'anime' as const;
const PROMPT = 'silver-haired swordswoman, blue cloak';

interface Timeline {
  first: number | null;
  last: number | null;
  status: string;
  results: number;
  blocked: number;
  failed: number;
}

/** Posts a batch over HTTP and polls its view until it ends: ms from the POST to the first result and to the last. */
async function timedBatch(url: string, token: string, entityId: string, seed: number): Promise<Timeline & { jobId: string; postedAt: number }> {
  const auth = { authorization: `Bearer ${token}` };
  const postedAt = Date.now();
  const start = performance.now();
  const res = await fetch(`${url}/media/generate`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ entity_type: 'character', entity_id: entityId, prompt: PROMPT, count: COUNT, ratio: RATIO, style: STYLE, seed }),
  });
  const body = (await res.json()) as { job_id?: string };
  if (res.status !== 202 || !body.job_id) throw new Error(`bench (i): generate answered ${res.status} ${JSON.stringify(body)}`);
  const jobId = body.job_id;
  const out: Timeline = { first: null, last: null, status: 'queued', results: 0, blocked: 0, failed: 0 };
  while (performance.now() - start < BATCH_CAP_MS) {
    const view = await fetch(`${url}/media/jobs/${jobId}`, { headers: auth });
    const batch = (await view.json()) as { status: string; results: unknown[]; blocked: number; failed: number };
    const at = performance.now() - start;
    if (view.status !== 200) throw new Error(`bench (i): GET /media/jobs answered ${view.status} ${JSON.stringify(batch)}`);
    Object.assign(out, { status: batch.status, results: batch.results.length, blocked: batch.blocked, failed: batch.failed });
    if (out.first === null && batch.results.length > 0) out.first = at;
    if (batch.status === 'completed' || batch.status === 'failed' || batch.status === 'cancelled') {
      if (batch.status === 'completed' && batch.results.length === COUNT) out.last = at;
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { ...out, jobId, postedAt };
}

/** The floor: the stub provider makes the batch's 8 images directly, 8 at once, each screened as the pipeline does. */
async function directBatch(t: TestPlatform, seed: number): Promise<{ first: number; last: number }> {
  const { width, height } = RATIOS[RATIO];
  const prompt = imagePrompt({ prompt: PROMPT, style: STYLE });
  const start = performance.now();
  const ends = await Promise.all(Array.from({ length: COUNT }, async (_, i) => {
    const image = await predictionOutput(t.deps.providers.image, { prompt, width, height, seed: seed + i });
    await t.deps.media.screenImage(image.png);
    return performance.now() - start;
  }));
  return { first: Math.min(...ends), last: Math.max(...ends) };
}

/** Where a batch's time went: its image steps' starts and ends, in ms after the POST (the store's clock). */
async function stepSpans(t: TestPlatform, jobId: string, postedAt: number): Promise<string> {
  const steps = (await t.deps.store.read((r) => r.steps.list(jobId))).filter((s) => s.startedAt && s.finishedAt);
  const images = steps.filter((s) => s.name.startsWith('image_'));
  const finish = steps.find((s) => s.name === 'finish');
  const rel = (d: Date) => d.getTime() - postedAt;
  const starts = images.map((s) => rel(s.startedAt!)).sort((a, b) => a - b);
  const ends = images.map((s) => rel(s.finishedAt!)).sort((a, b) => a - b);
  const each = median(images.map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime()));
  return `image steps started at ${starts.map((s) => Math.round(s)).join('/')} ms, ended ${Math.round(ends[0] ?? NaN)}..${Math.round(ends.at(-1) ?? NaN)} ms, ` +
    `${Math.round(each)} ms each (median)${finish ? `; finish step ${Math.round(rel(finish.startedAt!))}..${Math.round(rel(finish.finishedAt!))} ms` : ''}`;
}

/** Mean ms of `fn` over `n` calls one after another. */
async function meanMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - start) / n;
}

async function guardCost(kit: BenchKit, mode: string, t: TestPlatform) {
  const { row, verdict, fmt } = kit;
  const { width, height } = RATIOS[RATIO];
  const { png } = await predictionOutput(t.deps.providers.image, { prompt: imagePrompt({ prompt: PROMPT, style: STYLE }), width, height, seed: 4242 });
  // The media children started and used once (a child takes most of a second to start), so the first screen's time is the model's load.
  await Promise.all([t.deps.media.perceptualHash(png), t.deps.media.perceptualHash(png)]);
  let start = performance.now();
  const first = await t.deps.media.screenImage(png);
  const firstMs = performance.now() - start;
  // The other child loads its own model too (calls one at a time all go to the first idle child).
  start = performance.now();
  await Promise.all([t.deps.media.screenImage(png), t.deps.media.screenImage(png)]);
  const secondLoadMs = performance.now() - start;
  for (let i = 0; i < 3; i++) {
    await t.deps.media.screenImage(png);
    await t.deps.media.perceptualHash(png);
    await sharp(png).raw().toBuffer();
  }
  // Interleaved in three rounds, so a neighbour's burst on the machine lands on all three.
  const guard: number[] = [];
  const hash: number[] = [];
  const decode: number[] = [];
  for (let round = 0; round < 3; round++) {
    guard.push(await meanMs(GUARD_CALLS / 3, () => t.deps.media.screenImage(png)));
    hash.push(await meanMs(GUARD_CALLS / 3, () => t.deps.media.perceptualHash(png)));
    decode.push(await meanMs(GUARD_CALLS / 3, () => sharp(png).raw().toBuffer()));
  }
  const mean = (list: number[]) => list.reduce((a, b) => a + b, 0) / list.length;
  const [g, h, d] = [mean(guard), mean(hash), mean(decode)];
  const png768 = `${width}x${height} stub PNG (${fmt(png.length / 1024)} KB)`;
  row(verdict(g < GUARD_BAR_MS), mode, `(i) guard: deps.media.screenImage, ${png768}`, `${fmt(g, 1)} ms/image`,
    `mean of ${GUARD_CALLS}, one at a time, after a warm-up; first call ${fmt(firstMs)} ms (loads the model in its child; the 2nd child's first, 2 at once: ${fmt(secondLoadMs)} ms); nsfw ${Object.entries(first.nsfw).map(([k, v]) => `${k} ${fmt(Number(v), 2)}`).join(', ')}`,
    `sharp decode alone ${fmt(d, 1)} ms/image; guard/decode ${fmt(g / d, 1)}x; bar: under ${GUARD_BAR_MS} ms/image`);
  row('', mode, '(i) guard part: deps.media.perceptualHash alone', `${fmt(h, 1)} ms/image`, `mean of ${GUARD_CALLS}, same child and IPC as the guard`, `${fmt((h / g) * 100)}% of the guard, for information`);
  row('', mode, '(i) reference: sharp(png).raw().toBuffer() in this process', `${fmt(d, 1)} ms/image`, `mean of ${GUARD_CALLS}, no child, no IPC`, 'for information');
}

export async function benchGallery(kit: BenchKit, mode: string, env: Record<string, string>): Promise<void> {
  const { row, verdict, fmt } = kit;
  // Batches of 8 on fresh characters: the gallery's running-batch, daily and entity limits lifted (the checks still run).
  const lifted = { runningJobs: 1_000, imagesPerDay: 1_000_000, entitiesPerKind: 1_000 };
  const t = await kit.platformFor(mode, { env, settings: { planLimits: { free: { gallery: lifted }, pro: { gallery: lifted } } } });
  const server = await kit.listen(t.app.fetch);
  try {
    // The guard first: its first call is the one that loads the classifier.
    await guardCost(kit, mode, t);

    const { token, userId } = await t.signUp();
    await grantCredits(t, userId, 1_000);
    // One batch not measured: the code paths warm, the model loaded in every media child.
    {
      const character = await makeCharacter(t, token);
      const jobId = await generate(t, token, character.id, { count: COUNT, ratio: RATIO, style: STYLE });
      const batch = await batchWhenEnded(t, token, jobId);
      if (batch.status !== 'completed') throw new Error(`bench (i): the warm-up batch ${batch.status}: ${JSON.stringify(batch.errors)}`);
      await directBatch(t, 900_000);
    }
    const ours: (Timeline & { jobId: string; postedAt: number })[] = [];
    const direct: { first: number; last: number }[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const character = await makeCharacter(t, token);
      ours.push(await timedBatch(server.url, token, character.id, 1_000 * (b + 1)));
      direct.push(await directBatch(t, 1_000 * (b + 1) + 500));
    }
    const complete = ours.filter((o) => o.last !== null);
    const all = complete.length === ours.length;
    const firsts = ours.flatMap((o) => (o.first === null ? [] : [o.first]));
    const [first, last] = [median(firsts), median(complete.map((o) => o.last!))];
    const [refFirst, refLast] = [median(direct.map((d) => d.first)), median(direct.map((d) => d.last))];
    const bar = 2 * refLast + 500;
    const outcome = all ? `all ${BATCHES} completed ${COUNT}/${COUNT}` : `${complete.length} of ${BATCHES} completed with ${COUNT} (${ours.map((o) => `${o.status} ${o.results} kept ${o.blocked} blocked ${o.failed} failed`).join('; ')})`;
    const lastTimeline = ours.at(-1)!;
    row('', mode, `(i) gallery POST /media/generate (${COUNT} x ${RATIO}, stub) -> first result`, `p50 ${fmt(first)} ms`,
      `median of ${BATCHES} batches (${firsts.map((f) => fmt(f)).join(', ')}), GET /media/jobs/{id} every ${POLL_MS} ms over HTTP`,
      `direct (stub + screenImage, ${COUNT} at once) first p50 ${fmt(refFirst)} ms; for information`);
    row(verdict(all && last <= bar), mode, `(i) same -> last result (completed, ${COUNT} results)`, all || complete.length ? `p50 ${fmt(last)} ms` : 'none completed',
      `${outcome} (${complete.map((o) => fmt(o.last!)).join(', ')}); last batch: ${await stepSpans(t, lastTimeline.jobId, lastTimeline.postedAt)}; JOB_STEP_CONCURRENCY ${t.deps.settings.jobStepConcurrency}, MEDIA_WORKERS ${t.env.MEDIA_WORKERS ?? 2}`,
      `direct last p50 ${fmt(refLast)} ms; bar: at most 2x + 500 ms = ${fmt(bar)} ms (${fmt(last / refLast, 1)}x)`);
  } finally {
    server.close();
    await t.dispose();
  }
}
