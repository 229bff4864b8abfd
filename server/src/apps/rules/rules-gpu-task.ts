import { createHash, randomBytes } from 'node:crypto';
import type { GpuTask, GpuTaskContext, GpuTaskOutput } from '../../core/ports/gpu-work';
import type { ImageOperationRequest } from '../../core/ports/providers';
import { signStandardWebhook, standardWebhookKey } from '../../core/webhooks/standard-webhooks';
import { applyRule, ImageTooLargeError, type AiOperation } from './apply-rule';
import { RuleOperations } from './rule-operations';
import type { CallbackBody } from './rules-callback';

/** The GPU task kind of one batch item (GpuTask.kind): composition/gpu-tasks.ts runs runRuleTask for it. */
export const GPU_TASK_KIND = 'rules.apply';

/** A failure the item is reported with (it is refunded); anything else is retried later by the job. */
class ItemFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Network trouble and 5xx are passing: the task is left to be sent again. 4xx is this item's end. */
const passing = (status: number) => status >= 500 || status === 429;

async function readCapped(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) throw new ItemFailure('INPUT_TOO_LARGE', `The photo is ${declared} bytes, over ${max}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > max) throw new ItemFailure('INPUT_TOO_LARGE', `The photo is ${body.length} bytes, over ${max}`);
  return body;
}

/** The image-operation provider as applyRule calls it: submit, then read until settled (at most 10 minutes). */
function aiOperation(ctx: GpuTaskContext): AiOperation {
  return async (req) => {
    const { id } = await ctx.imageOps.submit(req as ImageOperationRequest);
    const deadline = Date.now() + 10 * 60_000;
    for (let wait = 250; ; wait = Math.min(5_000, wait * 2)) {
      const p = await ctx.imageOps.get(id);
      if (p?.status === 'succeeded' && p.output) return p.output.png;
      if (p?.status === 'failed') throw new ItemFailure('AI_OPERATION_FAILED', `${req.operation} failed: ${p.error?.message ?? 'the provider gave no reason'}`);
      if (!p) throw new ItemFailure('AI_OPERATION_FAILED', `${req.operation}: the provider lost the prediction`);
      if (Date.now() > deadline) throw new ItemFailure('AI_OPERATION_TIMEOUT', `${req.operation} did not finish in 10 minutes`);
      await new Promise((r) => setTimeout(r, wait));
    }
  };
}

/** One item: fetch the photo, apply the rule, store the result. The report to send back. */
async function processItem(task: GpuTask, ctx: GpuTaskContext): Promise<CallbackBody> {
  const ops = RuleOperations.safeParse(task.params.operations);
  if (!ops.success) throw new ItemFailure('INVALID_RULE', `The task's operations are not valid: ${ops.error.issues[0]?.message}`);
  const got = await ctx.fetch(task.input.url);
  if (!got.ok) {
    if (passing(got.status)) throw new Error(`input fetch answered ${got.status}`);
    throw new ItemFailure('INPUT_UNAVAILABLE', `The photo could not be read (HTTP ${got.status})`);
  }
  const input = await readCapped(got, task.input.max_bytes);
  let image;
  try {
    image = await ctx.compute(() => applyRule(input, ops.data, aiOperation(ctx)));
  } catch (err) {
    if (err instanceof ItemFailure) throw err;
    if (err instanceof ImageTooLargeError) throw new ItemFailure('IMAGE_TOO_LARGE', err.message);
    throw new ItemFailure('PROCESSING_FAILED', `The rule could not be applied: ${(err as Error).message}`);
  }
  if (image.mime !== task.output.mime) throw new ItemFailure('PROCESSING_FAILED', `The result is ${image.mime}, not ${task.output.mime}`);
  if (image.body.length > task.output.max_bytes) throw new ItemFailure('OUTPUT_TOO_LARGE', `The result is ${image.body.length} bytes, over ${task.output.max_bytes}`);
  const put = await ctx.fetch(task.output.url, { method: 'PUT', headers: { 'content-type': task.output.mime, 'content-length': String(image.body.length) }, body: new Uint8Array(image.body) });
  // 409: an earlier run of this task stored the result already (the same photo and rule make the same bytes).
  if (!put.ok && put.status !== 409) {
    if (passing(put.status)) throw new Error(`output upload answered ${put.status}`);
    throw new ItemFailure('OUTPUT_UPLOAD_FAILED', `The result could not be stored (HTTP ${put.status})`);
  }
  return {
    item: task.item, status: 'done',
    output: { key: task.output.key, mime: image.mime, size: image.body.length, width: image.width, height: image.height, sha256: createHash('sha256').update(image.body).digest('hex') },
  };
}

/**
 * Sends the report, signed as Standard Webhooks with the job's secret: the same delivery id on
 * every attempt, so a retry after a lost answer is recognised. 2xx is taken; 409 means it was
 * taken before or the item has ended (a cancelled job); other 4xx is refused, and logged. Network
 * trouble and 5xx are retried 5 times, 1 to 16 s apart; then the task is left to be sent again.
 */
async function report(task: GpuTask, ctx: GpuTaskContext, body: CallbackBody): Promise<GpuTaskOutput> {
  const raw = Buffer.from(JSON.stringify(body));
  const id = `msg_${task.task_id}_${randomBytes(6).toString('hex')}`;
  const key = standardWebhookKey(task.callback.secret);
  for (let attempt = 1; ; attempt++) {
    const ts = Math.floor(ctx.now().getTime() / 1000);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(key, id, ts, raw) };
    const sent: GpuTaskOutput = { callback: { headers, body: raw.toString('utf8') } };
    let status: number;
    try {
      const res = await ctx.fetch(task.callback.url, { method: 'POST', body: new Uint8Array(raw), headers: { 'content-type': 'application/json', ...headers } });
      status = res.status;
      if (res.ok || status === 409) return sent;
      if (!passing(status)) {
        ctx.log.warn({ taskId: task.task_id, status, answer: (await res.text()).slice(0, 500) }, 'callback refused');
        return sent;
      }
    } catch (err) {
      if (attempt >= 5) throw err;
      status = 0;
    }
    if (attempt >= 5) throw new Error(`callback answered ${status} five times`);
    await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
  }
}

/**
 * `rules.apply`, what a GPU worker does with one item of a batch (seed 003's GPU worker): the
 * photo by its signed URL, the rule's operations (applyRule: sharp here, the image-operation
 * provider for the AI ones), the result by its presigned PUT, then the signed callback. A failure
 * of the item itself (not an image, a rule that cannot apply) is reported as failed, and the
 * item refunded; passing trouble (network, 5xx) throws, and the job's poll sends the task again.
 */
export async function runRuleTask(task: GpuTask, ctx: GpuTaskContext): Promise<GpuTaskOutput> {
  let body: CallbackBody;
  try {
    body = await processItem(task, ctx);
  } catch (err) {
    if (!(err instanceof ItemFailure)) throw err;
    body = { item: task.item, status: 'failed', error: { code: err.code, message: err.message } };
  }
  return report(task, ctx, body);
}
