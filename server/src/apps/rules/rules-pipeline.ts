import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import type { JobItem } from '../../core/ports/store';
import { stepsFor, type PipelineDef, type StepContext } from '../../engine/pipeline';
import { BATCH_TIMEOUT_MS, BatchInput, GPU_TASK_KIND, MAX_IMAGE_BYTES, MAX_OUTPUT_BYTES, itemEnded, type BatchItemInput } from './rules-batch';
import { RULES_APP } from './rules-app-name';

export const BATCH_PIPELINE = 'rules.batch';
export const PROCESS_STEP = 'process';
/** The first look at a batch's items after it starts waiting; later looks back off to 30 s. */
const FIRST_LOOK_MS = 2_000;

const Counts = z.object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() });

/** Sends every item not ended to the GPU workers; a task still pending is not queued twice (GpuWork.dispatch). */
async function dispatchPending(ctx: StepContext<BatchInput>, items: JobItem[]): Promise<void> {
  for (const item of items) {
    if (itemEnded(item.status)) continue;
    const it = item.input as BatchItemInput;
    await ctx.gpu.dispatch({
      jobId: ctx.job.id, item: item.idx, kind: GPU_TASK_KIND,
      input: { key: it.key, mime: it.mime, maxBytes: MAX_IMAGE_BYTES },
      output: { key: it.outputKey, mime: ctx.input.output.mime, maxBytes: MAX_OUTPUT_BYTES },
      params: { operations: ctx.input.operations },
      callbackPath: `/s3/jobs/${ctx.job.id}/callback`,
    });
  }
}

const counts = (items: JobItem[]) => ({
  done: items.filter((i) => i.status === 'done').length,
  failed: items.filter((i) => i.status === 'failed').length,
  total: items.length,
});

/**
 * The batch's one step: its items go to the GPU workers, and the step waits, holding no worker,
 * while their signed callbacks settle them one by one (rules-callback.ts); the last one resumes
 * it. Each look at the items (the poll, from 2 s, backing off to 30 s) sends again any item whose
 * task was lost (a restarted embedded process, a worker that gave up). Past BATCH_TIMEOUT_MS the
 * job fails and what was not done is refunded. A batch with no item done fails (ALL_FAILED).
 */
const processItems = stepsFor<BatchInput>()({
  name: PROCESS_STEP,
  weight: 1,
  output: Counts,
  async run(ctx) {
    const items = await ctx.items();
    if (items.every((i) => itemEnded(i.status))) {
      const c = counts(items);
      if (c.done === 0) throw new FatalStepError(`None of the ${c.total} images could be processed`, 'ALL_FAILED');
      return { output: c };
    }
    await dispatchPending(ctx, items);
    return { wait: { reason: 'images on GPU workers', timeoutMs: BATCH_TIMEOUT_MS, pollIntervalMs: FIRST_LOOK_MS } };
  },
  async poll(ctx) {
    const items = await ctx.items();
    if (items.every((i) => itemEnded(i.status))) return { done: true, event: { ended: true } };
    await dispatchPending(ctx, items);
    return { done: false };
  },
});

export const batchPipeline: PipelineDef<BatchInput> = {
  id: BATCH_PIPELINE,
  app: RULES_APP,
  input: BatchInput,
  steps: [processItems],
  result: (ctx) => ctx.output(processItems),
};
