import { z } from '@hono/zod-openapi';
import { oneOf, textField as text, typeError } from '../../http/field-errors';
import { queryInt } from '../../http/query-params';
import { CAMERAS, MAX_PROMPT_CHARS, MOODS, RATIOS, STYLES, VIDEO_SECONDS, VIDEO_SIZES } from './studio-options';
import { keysOf } from '../../core/enum-keys';

const MAX_IDEA = 500;
const MAX_EXTRA = 500;

export const StyleSchema = oneOf('style', keysOf(STYLES)).openapi('StudioStyle');
export const MoodSchema = oneOf('mood', keysOf(MOODS)).openapi('StudioMood');
export const CameraSchema = oneOf('camera', keysOf(CAMERAS)).openapi('StudioCamera');
export const RatioSchema = oneOf('ratio', keysOf(RATIOS)).openapi('StudioRatio');

export const PromptBody = z
  .object({
    idea: text('idea', MAX_IDEA).openapi({ example: '비 오는 밤 네온 골목을 걷는 고양이' }),
    style: StyleSchema,
    mood: MoodSchema,
    camera: CameraSchema,
    ratio: RatioSchema,
    extra: z.string({ error: typeError('extra', 'a string') }).trim().max(MAX_EXTRA, `extra must be at most ${MAX_EXTRA} characters`).optional(),
  })
  .strict()
  .openapi('StudioPromptRequest');

export const PromptResponse = z.object({ prompt: z.string(), jobId: z.string() }).openapi('StudioPrompt');

const seed = z.number({ error: 'seed must be an integer from 0 to 2147483646' }).int('seed must be an integer from 0 to 2147483646')
  .min(0, 'seed must be an integer from 0 to 2147483646').max(2 ** 31 - 2, 'seed must be an integer from 0 to 2147483646');

export const ImageBody = z
  .object({
    prompt: text('prompt', MAX_PROMPT_CHARS),
    ratio: RatioSchema.default('1:1'),
    style: StyleSchema.optional(),
    seed: seed.optional().openapi({ description: 'The same prompt, ratio and seed give the same image on the same provider; omitted, a random one' }),
    negativePrompt: z.string({ error: typeError('negativePrompt', 'a string') }).trim().max(500, 'negativePrompt must be at most 500 characters').optional(),
  })
  .strict()
  .openapi('StudioImageRequest');

export const ImageResponse = z
  .object({
    imageId: z.string(),
    imageUrl: z.string().openapi({ description: 'A signed URL of ours, valid for an hour; GET the history again for a fresh one' }),
    thumbnailUrl: z.string().nullable(),
    jobId: z.string(),
    width: z.number().int(),
    height: z.number().int(),
  })
  .openapi('StudioImage');

export const VideoBody = z
  .object({
    prompt: text('prompt', MAX_PROMPT_CHARS),
    imageId: z.string({ error: typeError('imageId', 'a string') }).min(1, 'imageId must not be empty').max(100, 'imageId must be at most 100 characters').optional().openapi({ description: 'One of your images: the first frame (image-to-video)' }),
    seconds: z.union(VIDEO_SECONDS.map((s) => z.literal(s)) as [z.ZodLiteral<4>, z.ZodLiteral<8>, z.ZodLiteral<12>], { error: `seconds must be one of ${VIDEO_SECONDS.join(', ')}` }).default(4),
    size: oneOf('size', VIDEO_SIZES).optional().openapi({ description: "Default: the image's orientation, else 1280x720" }),
    seed: seed.optional(),
  })
  .strict()
  .openapi('StudioVideoRequest');

export const VIDEO_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'] as const;

export const VideoResponse = z
  .object({
    jobId: z.string(),
    status: z.enum(VIDEO_STATUSES),
    progress: z.number().int().min(0).max(100),
    message: z.string().optional().openapi({ description: 'What the job is doing, in the words the console shows (대기열에 등록되었습니다 while queued)' }),
    prompt: z.string(),
    imageId: z.string().nullable(),
    seconds: z.number().int(),
    size: z.string(),
    videoUrl: z.string().optional(),
    thumbnailUrl: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.string(),
  })
  .openapi('StudioVideo');

export const HISTORY_TYPES = ['prompt', 'image', 'video'] as const;

export const HistoryQuery = z.object({
  type: oneOf('type', HISTORY_TYPES).optional(),
  limit: queryInt(1, 50, 20),
  cursor: z.string().max(200).optional(),
});

export const HistoryItem = z
  .object({
    type: z.enum(HISTORY_TYPES),
    jobId: z.string(),
    status: z.string().openapi({ description: "The job's status (videos in the shape of GET /api/videos/{jobId})" }),
    createdAt: z.string(),
    input: z.record(z.string(), z.unknown()).openapi({ description: 'What was asked: the fields of the request' }),
    prompt: z.string().optional().openapi({ description: 'The expanded prompt (prompt), or the prompt used (image, video)' }),
    imageId: z.string().optional(),
    imageUrl: z.string().optional(),
    videoUrl: z.string().optional(),
    thumbnailUrl: z.string().optional(),
    progress: z.number().int().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .openapi('StudioHistoryItem');

export const HistoryResponse = z.object({ items: z.array(HistoryItem), nextCursor: z.string().nullable() }).openapi('StudioHistory');

export const OptionsResponse = z
  .object({
    styles: z.array(z.string()), moods: z.array(z.string()), cameras: z.array(z.string()), ratios: z.array(z.string()),
    videoSizes: z.array(z.string()), videoSeconds: z.array(z.number().int()),
    prices: z.object({ prompt: z.number().int(), image: z.number().int(), video: z.number().int() }),
  })
  .openapi('StudioOptions');
