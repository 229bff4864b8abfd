import { z } from '@hono/zod-openapi';
import { keysOf } from '../../core/enum-keys';
import { oneOf, textField, typeError } from '../../http/field-errors';
import { queryInt } from '../../http/query-params';
import { COLLECTIONS, DEFAULT_COUNT, ENTITY_KINDS, MAX_BATCH, MAX_PROMPT_CHARS, RATIOS, STYLES } from './gallery-options';

/** An optional text field: trimmed, within `max`; null or "" clears it on an update. */
const optionalText = (name: string, max: number) =>
  z.string({ error: typeError(name, 'a string') }).trim().max(max, `${name} must be at most ${max} characters`).nullable().optional();
const isPublic = z.boolean({ error: typeError('is_public', 'true or false') }).optional();

const between = (name: string, lo: number, hi: number) => {
  const words = `${name} must be an integer from ${lo} to ${hi}`;
  return z.number({ error: typeError(name, 'a number') }).int(words).min(lo, words).max(hi, words);
};

/** The fields of each kind (seed "프롬프트 프리필"): a character's, a story's, an origchat character's. */
const CHARACTER = {
  name: textField('name', 100),
  description: optionalText('description', 2000),
  personality: optionalText('personality', 1000),
  speech_style: optionalText('speech_style', 500),
  world_summary: optionalText('world_summary', 2000),
  is_public: isPublic,
};
const STORY = {
  title: textField('title', 200),
  synopsis: optionalText('synopsis', 2000),
  excerpt: optionalText('excerpt', 4000),
  is_public: isPublic,
};
const ORIGCHAT = {
  name: textField('name', 100),
  description: optionalText('description', 2000),
  personality: optionalText('personality', 1000),
  speech_style: optionalText('speech_style', 500),
  original_world: optionalText('original_world', 2000),
  is_public: isPublic,
};

export const CreateBodies = {
  character: z.object(CHARACTER).strict().openapi('CharacterCreate'),
  story: z.object(STORY).strict().openapi('StoryCreate'),
  origchat: z.object(ORIGCHAT).strict().openapi('OrigchatCreate'),
};
const nonEmpty = (o: object) => Object.keys(o).length > 0;
export const PatchBodies = {
  character: z.object(CHARACTER).partial().strict().refine(nonEmpty, 'send at least one field to change').openapi('CharacterPatch'),
  story: z.object(STORY).partial().strict().refine(nonEmpty, 'send at least one field to change').openapi('StoryPatch'),
  origchat: z.object(ORIGCHAT).partial().strict().refine(nonEmpty, 'send at least one field to change').openapi('OrigchatPatch'),
};

export const EntityResponse = z.object({
  id: z.string(),
  entity_type: z.enum(ENTITY_KINDS),
  name: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  personality: z.string().optional(),
  speech_style: z.string().optional(),
  world_summary: z.string().optional(),
  original_world: z.string().optional(),
  synopsis: z.string().optional(),
  excerpt: z.string().optional(),
  is_public: z.boolean(),
  is_owner: z.boolean(),
  generating_job_id: z.string().nullable().openapi({ description: 'To the owner: the batch still generating for it, else null' }),
  avatar_url: z.string().nullable().openapi({ description: 'The primary image, loadable by the caller now (a public entity\'s stable path, versioned; a private one\'s signed URL)' }),
  gallery_count: z.number().int(),
  representative_image_version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('GalleryEntity');

export const EntityListQuery = z.object({
  mine: z.enum(['true', 'false'], { error: 'mine must be true or false' }).optional().openapi({ description: 'true: your own (public and private); default: everyone\'s public ones' }),
  limit: queryInt(1, 100, 50),
});

export const PrefillResponse = z.object({
  prompt: z.string(), style: z.enum(keysOf(STYLES)), ratio: z.enum(keysOf(RATIOS)), count: z.number().int(),
}).openapi('GalleryPromptPrefill');

export const GenerateBody = z.object({
  entity_type: oneOf('entity_type', [...ENTITY_KINDS, ...keysOf(COLLECTIONS)] as [string, ...string[]]),
  entity_id: z.string({ error: typeError('entity_id', 'a string') }).min(1, 'entity_id is required').max(100, 'entity_id must be at most 100 characters'),
  count: between('count', 1, MAX_BATCH).default(DEFAULT_COUNT),
  prompt: textField('prompt', MAX_PROMPT_CHARS),
  negative_prompt: z.string({ error: typeError('negative_prompt', 'a string') }).trim().max(1000, 'negative_prompt must be at most 1000 characters').optional(),
  style: oneOf('style', keysOf(STYLES)).default('anime'),
  ratio: oneOf('ratio', keysOf(RATIOS)).default('3:4'),
  seed: between('seed', 0, 2 ** 31 - 2).optional(),
  variation_strength: z.number({ error: typeError('variation_strength', 'a number') }).min(0, 'variation_strength must be from 0 to 1').max(1, 'variation_strength must be from 0 to 1').optional(),
}).strict().openapi('GalleryGenerateRequest');

export const GenerateResponse = z.object({ job_id: z.string() }).openapi('GalleryGenerateAccepted');

export const BatchResponse = z.object({
  job_id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  progress: z.number(),
  entity_type: z.enum(ENTITY_KINDS),
  entity_id: z.string(),
  count: z.number().int(),
  results: z.array(z.object({ index: z.number().int(), asset_id: z.string(), url: z.string() })),
  succeeded: z.number().int(),
  failed: z.number().int(),
  blocked: z.number().int(),
  errors: z.array(z.object({ index: z.number().int(), kind: z.enum(['failed', 'blocked']), code: z.string(), message: z.string(), refunded: z.number().int() })),
  refunded: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
}).openapi('GalleryBatch');

export const ImageResponse = z.object({
  id: z.string(), url: z.string(), is_primary: z.boolean(), order_index: z.number().int(), status: z.enum(['pending', 'ready', 'failed']),
  width: z.number().int().nullable(), height: z.number().int().nullable(), style: z.string().nullable(), ratio: z.string().nullable(),
  seed: z.number().int().nullable(), source_id: z.string().nullable(), created_at: z.string(),
}).openapi('GalleryImage');

export const OrderBody = z.object({
  ids: z.array(z.string({ error: 'ids must be image ids' }).min(1).max(100), { error: typeError('ids', 'an array of image ids') }).max(1000, 'ids must list at most 1000 images'),
}).strict().openapi('GalleryOrder');

export const CropBody = z.object({
  x: between('x', 0, 100_000), y: between('y', 0, 100_000), width: between('width', 1, 100_000), height: between('height', 1, 100_000),
}).strict().openapi('GalleryCrop');

export const OptionsResponse = z.object({
  styles: z.array(z.string()), ratios: z.array(z.string()), max_count: z.number().int(), default_count: z.number().int(),
  price_per_image: z.number().int(), images_per_day: z.number().int().nullable(), images_today: z.number().int().nullable(),
}).openapi('GalleryOptions');
