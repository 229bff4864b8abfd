import { z } from '@hono/zod-openapi';

const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a color like #ffffff');
const percent = (name: string) => z.number({ error: `${name} must be a number from -100 to 100` }).min(-100, `${name} must be from -100 to 100`).max(100, `${name} must be from -100 to 100`);
const side = (name: string) => z.number().int(`${name} must be whole pixels`).min(1, `${name} must be at least 1`).max(12_000, `${name} must be at most 12000`);
const POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'center'] as const;

/**
 * The operations a rule applies, in order: the classic ones (sharp on the GPU worker) and the AI
 * ones (the image-operation provider). Each is `{op, ...its fields}`; the vocabulary is published
 * in the OpenAPI document.
 */
export const RuleOperation = z
  .discriminatedUnion('op', [
    z.object({ op: z.literal('auto_orient') }).strict().describe('Rotate by the EXIF orientation, then drop it'),
    z.object({
      op: z.literal('resize'), width: side('width').optional(), height: side('height').optional(),
      fit: z.enum(['cover', 'contain', 'fill', 'inside', 'outside']).default('inside'),
      enlarge: z.boolean({ error: 'enlarge must be true or false' }).default(false).describe('Also make a smaller photo bigger (default: a photo smaller than the box is left as it is)'),
    }).strict().refine((o) => o.width !== undefined || o.height !== undefined, 'resize needs width or height').describe('Resize to fit a box'),
    z.object({
      op: z.literal('crop_ratio'), ratio: z.string().regex(/^[1-9]\d?:[1-9]\d?$/, 'ratio must look like 4:3 (whole numbers 1 to 99)'),
      gravity: z.enum(['center', 'attention', 'entropy']).default('center'),
    }).strict().describe('Crop to an aspect ratio'),
    z.object({ op: z.literal('brightness'), value: percent('value') }).strict(),
    z.object({ op: z.literal('contrast'), value: percent('value') }).strict(),
    z.object({ op: z.literal('saturation'), value: percent('value') }).strict(),
    z.object({ op: z.literal('sharpen'), sigma: z.number().min(0.3, 'sigma must be from 0.3 to 10').max(10, 'sigma must be from 0.3 to 10').default(1) }).strict(),
    z.object({ op: z.literal('background_fill'), color: hex.default('#ffffff') }).strict().describe('Flatten transparency onto a color'),
    z.object({
      op: z.literal('watermark_text'), text: z.string().trim().min(1, 'text is required').max(100, 'text must be at most 100 characters'),
      position: z.enum(POSITIONS).default('bottom-right'), opacity: z.number().min(0.05).max(1).default(0.5), size: z.number().int().min(8).max(400).default(32),
    }).strict(),
    z.object({ op: z.literal('strip_metadata') }).strict().describe('Drop EXIF, GPS and other metadata'),
    z.object({ op: z.literal('output'), format: z.enum(['jpeg', 'png', 'webp', 'avif']).default('jpeg'), quality: z.number().int().min(1).max(100).default(85) }).strict(),
    z.object({ op: z.literal('remove_background') }).strict().describe('AI: the subject cut out (the image-operation provider)'),
    z.object({ op: z.literal('upscale'), scale: z.union([z.literal(2), z.literal(4)]).default(2) }).strict().describe('AI: upscaled 2x or 4x (the image-operation provider)'),
  ], { error: 'op must be one of auto_orient, resize, crop_ratio, brightness, contrast, saturation, sharpen, background_fill, watermark_text, strip_metadata, output, remove_background, upscale' })
  .openapi('RuleOperation');
export type RuleOperation = z.infer<typeof RuleOperation>;

export const RuleOperations = z.array(RuleOperation).min(1, 'operations needs at least one operation').max(20, 'operations takes at most 20 operations');

/** The AI operations: served by the image-operation provider, not sharp. */
export const AI_OPS: ReadonlySet<RuleOperation['op']> = new Set(['remove_background', 'upscale']);
