import { z } from '@hono/zod-openapi';
import { CLIP_GENRES, CLIP_MODES, CLIP_STAGES, DEFAULT_SLIDERS, DESIRED_ENDINGS, DISTANCE_MODES } from './clips-options';
import { REWRITE_MAX_CHARS } from './sanitize-rewrite';
import { IMAGE_LIMITS } from '../../core/media/image-limits';
import { UPLOAD_MIME_EXT } from '../../services/uploads/uploads-service';

const MAX_UPLOAD = IMAGE_LIMITS.maxBytes;
const MIMES = Object.keys(UPLOAD_MIME_EXT) as [keyof typeof UPLOAD_MIME_EXT, ...(keyof typeof UPLOAD_MIME_EXT)[]];

// Messages keep seed 000's wording.
export const PresignBody = z
  .object({
    userId: z.string().max(100).optional().openapi({ description: 'Optional; must be the token user when given' }),
    mime: z.string({ error: 'mime required' }).min(1, 'mime required').refine((m) => (MIMES as string[]).includes(m), 'unsupported mime')
      .openapi({ enum: MIMES }),
    size: z.number({ error: 'size invalid (<=10MB)' }).int('size invalid (<=10MB)').min(1, 'size invalid (<=10MB)').max(MAX_UPLOAD, 'size invalid (<=10MB)'),
  })
  .openapi('PresignRequest');

export const PresignResponse = z.object({ key: z.string(), uploadUrl: z.string(), publicUrl: z.string() }).openapi('PresignResponse');

export const DraftBody = z
  .object({
    userId: z.string().max(100).optional(),
    photoUrls: z.array(z.string().max(2048), { error: 'photoUrls must be 1~3' }).min(1, 'photoUrls must be 1~3').max(3, 'photoUrls must be 1~3'),
  })
  .openapi('DraftRequest');

const unit = (name: string) => z.number({ error: `${name} must be a number from 0 to 1` }).min(0, `${name} must be from 0 to 1`).max(1, `${name} must be from 0 to 1`);

export const ConfirmBody = z
  .object({
    userId: z.string().max(100).optional(),
    draftJobId: z.string({ error: 'draftJobId required' }).min(1, 'draftJobId required').max(100),
    mode: z.enum(CLIP_MODES, { error: `mode must be one of ${CLIP_MODES.join(', ')}` }),
    stage: z.enum(CLIP_STAGES, { error: `stage must be one of ${CLIP_STAGES.join(', ')}` }),
    genre: z.enum(CLIP_GENRES, { error: `genre must be one of ${CLIP_GENRES.join(', ')}` }),
    slidersJson: z.object({ realism: unit('realism'), intensity: unit('intensity'), pace: unit('pace') }).strict().default({ ...DEFAULT_SLIDERS }),
    rewriteEnabled: z.boolean().default(false),
    rewriteRawText: z.string().max(REWRITE_MAX_CHARS * 5, `rewriteRawText must be at most ${REWRITE_MAX_CHARS * 5} characters`).default(''),
    distanceMode: z.enum(DISTANCE_MODES, { error: `distanceMode must be one of ${DISTANCE_MODES.join(', ')}` }).default('similar'),
    desiredEnding: z.enum(DESIRED_ENDINGS, { error: `desiredEnding must be one of ${DESIRED_ENDINGS.join(', ')}` }).default('growth'),
  })
  .openapi('ConfirmRequest');

const ClipSchema = z.object({ clipNo: z.number().int(), videoUrl: z.string().nullable(), thumbUrl: z.string().nullable() });

export const ClipsJobResponse = z
  .object({
    id: z.string(),
    mode: z.string(),
    stage: z.string(),
    genre: z.string(),
    status: z.string(),
    progress: z.number(),
    photos: z.array(z.string()),
    rewrite: z.object({ enabled: z.boolean(), distanceMode: z.string().optional(), desiredEnding: z.string().optional() }),
    result: z.union([
      z.object({ mode: z.literal('trailer'), trailerUrl: z.string().nullable(), thumbUrl: z.string().nullable(), status: z.string() }),
      z.object({ mode: z.string(), clips: z.array(ClipSchema), status: z.string() }),
    ]),
    error: z.unknown().nullable(),
  })
  .openapi('ClipsJob');
