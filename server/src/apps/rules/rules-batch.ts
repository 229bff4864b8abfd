import { z } from '@hono/zod-openapi';
import { IMAGE_LIMITS } from '../../core/media/image-limits';
import type { ImageMime } from '../../core/ports/media';
import { UPLOAD_MIME_EXT } from '../../services/uploads/uploads-service';
import type { ItemStatus, Job } from '../../core/ports/store';
import { RuleOperations, type RuleOperation } from './rule-operations';

/** How long a batch's upload URLs stay valid: long enough for the plan's largest batch on a slow link. */
export const UPLOAD_URL_TTL_SEC = 30 * 60;
/** Largest photo of a batch: the platform's upload cap. */
export const MAX_IMAGE_BYTES = IMAGE_LIMITS.maxBytes;
/** Largest output a GPU worker may store (a 4x upscale of a large PNG is big). */
export const MAX_OUTPUT_BYTES = 200 * 1024 * 1024;
/** A batch whose items have not all ended by then fails, and its undone items are refunded. */
export const BATCH_TIMEOUT_MS = 60 * 60 * 1000;
/** The photos a batch takes: the platform's upload types (services/uploads UPLOAD_MIME_EXT). */
export const UPLOAD_MIMES = ['image/jpeg', 'image/png', 'image/webp'] as const satisfies readonly ImageMime[];

const OUTPUT_FORMATS = { jpeg: ['image/jpeg', 'jpg'], png: ['image/png', 'png'], webp: ['image/webp', 'webp'], avif: ['image/avif', 'avif'] } as const;

/** What a rule's outputs are: the last `output` operation's format (JPEG by default, as applyRule encodes). */
export function outputOf(ops: readonly RuleOperation[]): { mime: string; ext: string } {
  const last = [...ops].reverse().find((o) => o.op === 'output');
  const [mime, ext] = OUTPUT_FORMATS[last?.op === 'output' ? last.format : 'jpeg'];
  return { mime, ext };
}

/** Where a batch's photo and its result live: under the owner and the job. */
export const inputKey = (job: Pick<Job, 'id' | 'userId'>, idx: number, mime: (typeof UPLOAD_MIMES)[number]) => `rules/${job.userId}/${job.id}/in/${idx}.${UPLOAD_MIME_EXT[mime]}`;
export const outputKey = (job: Pick<Job, 'id' | 'userId'>, idx: number, ext: string) => `rules/${job.userId}/${job.id}/out/${idx}.${ext}`;

const BatchImage = z.object({
  key: z.string(),
  /** As declared at creation; `mime` below is what the bytes are, once confirmed. */
  declaredMime: z.enum(UPLOAD_MIMES),
  /** The exact bytes declared at creation (`sizes`); absent: up to MAX_IMAGE_BYTES. */
  declaredSize: z.number().int().optional(),
  mime: z.enum(UPLOAD_MIMES).optional(),
  size: z.number().int().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});

/** A batch job's input: the rule as it was when the job was made (a later edit does not change it) and its photos. */
export const BatchInput = z.object({
  rule: z.object({ source: z.enum(['rule', 'preset']), id: z.string(), name: z.string() }),
  operations: RuleOperations,
  output: z.object({ mime: z.string(), ext: z.string() }),
  images: z.array(BatchImage).min(1),
});
export type BatchInput = z.infer<typeof BatchInput>;

/** An item's input: its photo (its result's key is `outputKey` of the job and the item). */
export interface BatchItemInput {
  key: string;
  mime: string;
  [k: string]: string;
}

/** Seed 003's words for a batch job: a draft is `created` until its photos are confirmed, then `uploaded`. */
export type BatchStatus = 'created' | 'uploaded' | 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';
export function batchStatus(job: Pick<Job, 'status' | 'state'>): BatchStatus {
  switch (job.status) {
    case 'draft': return job.state.uploaded === true ? 'uploaded' : 'created';
    case 'running': case 'waiting': return 'processing';
    default: return job.status;
  }
}

export const itemEnded = (s: ItemStatus) => s === 'done' || s === 'failed' || s === 'cancelled';
