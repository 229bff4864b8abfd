import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import type { JobItem } from '../../core/ports/store';
import { stepsFor, type PipelineDef, type PollResult, type StepContext } from '../../engine/pipeline';
import { GPU_TASK_KIND } from './rules-gpu-task';
import { BATCH_TIMEOUT_MS, BatchInput, MAX_IMAGE_BYTES, MAX_OUTPUT_BYTES, itemEnded, outputKey, type BatchItemInput } from './rules-batch';
import { RULES_APP } from './rules-app-name';

export const BATCH_PIPELINE = 'rules.batch';
export const PROCESS_STEP = 'process';
/** The first look at a batch's items after it starts waiting; later looks back off to 30 s. */
const FIRST_LOOK_MS = 2_000;

const Counts = z.object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() });

/** A photo sent this many times, each ended or lost without a report, fails (and is refunded). */
const MAX_SENDS = 3;
/** Each photo's latest send: its ref (GpuWork.dispatch) and how many sends so far. */
type Sends = Record<string, { ref: string; n: number }>;
const sendsOf = (ctx: StepContext<BatchInput>) => (ctx.job.state.gpuSends ?? {}) as Sends;

function specOf(ctx: StepContext<BatchInput>, item: JobItem) {
  const it = item.input as BatchItemInput;
  return {
    jobId: ctx.job.id, item: item.idx, kind: GPU_TASK_KIND,
    input: { key: it.key, mime: it.mime, maxBytes: MAX_IMAGE_BYTES },
    output: { key: outputKey(ctx.job, item.idx, ctx.input.output.ext), mime: ctx.input.output.mime, maxBytes: MAX_OUTPUT_BYTES },
    params: { operations: ctx.input.operations },
    callbackPath: `/s3/jobs/${ctx.job.id}/callback`,
  };
}

/** The photos not ended whose send is not pending: never sent, or ended or lost without a report. */
async function unattended(ctx: StepContext<BatchInput>, items: JobItem[]): Promise<JobItem[]> {
  const sends = sendsOf(ctx);
  const out: JobItem[] = [];
  for (const item of items) {
    if (itemEnded(item.status)) continue;
    const rec = sends[item.idx];
    if (!rec || (await ctx.gpu.check(rec.ref)) !== 'pending') out.push(item);
  }
  return out;
}

/**
 * Sends to the GPU workers each photo not ended whose send is not pending (never sent; or its task
 * ended or was lost without a report: a worker that gave up, a restarted embedded process, a
 * Runpod job that failed), up to MAX_SENDS, after which the photo fails (refunded).
 */
async function sendPending(ctx: StepContext<BatchInput>, items: JobItem[]): Promise<void> {
  const stale = await unattended(ctx, items);
  if (stale.length === 0) return;
  const sends: Sends = { ...sendsOf(ctx) };
  // Read again: a report may have settled one of them meanwhile.
  const now = new Map((await ctx.items()).map((i) => [i.idx, i]));
  for (const item of stale) {
    if (itemEnded(now.get(item.idx)!.status)) continue;
    const n = sends[item.idx]?.n ?? 0;
    if (n >= MAX_SENDS) {
      await ctx.settleItem(item.idx, { error: { code: 'GPU_WORKER_FAILED', message: `No GPU worker reported on this photo after ${n} tries` } });
      continue;
    }
    const { ref } = await ctx.gpu.dispatch(specOf(ctx, item));
    sends[item.idx] = { ref, n: n + 1 };
  }
  await ctx.setState({ gpuSends: sends });
}

const counts = (items: JobItem[]) => ({
  done: items.filter((i) => i.status === 'done').length,
  failed: items.filter((i) => i.status === 'failed').length,
  total: items.length,
});

/**
 * The batch's one step: its items go to the GPU workers (sendPending), and the step waits, holding
 * no worker, while their signed callbacks settle them one by one (rules-callback.ts); the last one
 * resumes it. Each look at the items (the poll, from 2 s, backing off to 30 s) finds what was lost
 * (a restarted embedded process, a worker that gave up, a Runpod job that failed) and sends it
 * again. Past BATCH_TIMEOUT_MS the job fails and what was not done is refunded. A batch with no
 * item done fails (ALL_FAILED).
 */
const processItems = stepsFor<BatchInput>()({
  name: PROCESS_STEP,
  weight: 1,
  output: Counts,
  async run(ctx) {
    let items = await ctx.items();
    if (!items.every((i) => itemEnded(i.status))) {
      await sendPending(ctx, items);
      items = await ctx.items();
    }
    if (items.every((i) => itemEnded(i.status))) {
      const c = counts(items);
      if (c.done === 0) throw new FatalStepError(`None of the ${c.total} images could be processed`, 'ALL_FAILED');
      return { output: c };
    }
    return { wait: { reason: 'images on GPU workers', timeoutMs: BATCH_TIMEOUT_MS, pollIntervalMs: FIRST_LOOK_MS } };
  },
  async poll(ctx): Promise<PollResult> {
    const items = await ctx.items();
    if (items.every((i) => itemEnded(i.status))) return { done: true, event: { ended: true } };
    // A photo to send again: the step does it (it records its sends; a poll writes nothing).
    return (await unattended(ctx, items)).length > 0 ? { done: true, event: { recheck: true } } : { done: false };
  },
});

export const batchPipeline: PipelineDef<BatchInput> = {
  id: BATCH_PIPELINE,
  app: RULES_APP,
  input: BatchInput,
  steps: [processItems],
  result: (ctx) => ctx.output(processItems),
};
