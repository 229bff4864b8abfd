import type { Op, RuleOperation } from './rules-api';

/** How the editor shows one field of an operation; names and limits as the server's `RuleOperation` schema has them. */
export type FieldSpec =
  | { name: string; kind: 'number'; min: number; max: number; step: number; optional?: boolean }
  | { name: string; kind: 'range'; min: number; max: number }
  | { name: string; kind: 'choice'; choices: readonly (string | number)[] }
  | { name: string; kind: 'text'; maxLength: number; pattern?: string }
  | { name: string; kind: 'color' }
  | { name: string; kind: 'toggle' };

export interface OperationSpec {
  /** What a newly added operation starts as: the server's defaults, and a sensible value where it has none. */
  initial: RuleOperation;
  fields: readonly FieldSpec[];
  /** Done by the image-operation provider on the GPU worker: the browser cannot preview it. */
  ai?: true;
}

const percent: FieldSpec = { name: 'value', kind: 'range', min: -100, max: 100 };

/**
 * The operation vocabulary of the OpenAPI schema `RuleOperation` (server/src/apps/rules/rule-operations.ts),
 * in the order the "add" list offers them. `satisfies Record<Op, …>` makes the console fail to
 * compile when the generated schema gains or loses an operation.
 */
export const OPERATIONS = {
  auto_orient: { initial: { op: 'auto_orient' }, fields: [] },
  resize: {
    initial: { op: 'resize', width: 1600, fit: 'inside', enlarge: false },
    fields: [
      { name: 'width', kind: 'number', min: 1, max: 12000, step: 1, optional: true },
      { name: 'height', kind: 'number', min: 1, max: 12000, step: 1, optional: true },
      { name: 'fit', kind: 'choice', choices: ['inside', 'cover', 'contain', 'fill', 'outside'] },
      { name: 'enlarge', kind: 'toggle' },
    ],
  },
  crop_ratio: {
    initial: { op: 'crop_ratio', ratio: '1:1', gravity: 'center' },
    fields: [
      { name: 'ratio', kind: 'text', maxLength: 5, pattern: '\\d{1,2}:\\d{1,2}' },
      { name: 'gravity', kind: 'choice', choices: ['center', 'attention', 'entropy'] },
    ],
  },
  brightness: { initial: { op: 'brightness', value: 10 }, fields: [percent] },
  contrast: { initial: { op: 'contrast', value: 10 }, fields: [percent] },
  saturation: { initial: { op: 'saturation', value: 10 }, fields: [percent] },
  sharpen: { initial: { op: 'sharpen', sigma: 1 }, fields: [{ name: 'sigma', kind: 'number', min: 0.3, max: 10, step: 0.1 }] },
  background_fill: { initial: { op: 'background_fill', color: '#ffffff' }, fields: [{ name: 'color', kind: 'color' }] },
  watermark_text: {
    initial: { op: 'watermark_text', text: 'SAMPLE', position: 'bottom-right', opacity: 0.5, size: 32 },
    fields: [
      { name: 'text', kind: 'text', maxLength: 100 },
      { name: 'position', kind: 'choice', choices: ['bottom-right', 'bottom-left', 'top-right', 'top-left', 'center'] },
      { name: 'opacity', kind: 'number', min: 0.05, max: 1, step: 0.05 },
      { name: 'size', kind: 'number', min: 8, max: 400, step: 1 },
    ],
  },
  strip_metadata: { initial: { op: 'strip_metadata' }, fields: [] },
  output: {
    initial: { op: 'output', format: 'jpeg', quality: 85 },
    fields: [
      { name: 'format', kind: 'choice', choices: ['jpeg', 'png', 'webp', 'avif'] },
      { name: 'quality', kind: 'number', min: 1, max: 100, step: 1 },
    ],
  },
  remove_background: { initial: { op: 'remove_background' }, fields: [], ai: true },
  upscale: { initial: { op: 'upscale', scale: 2 }, fields: [{ name: 'scale', kind: 'choice', choices: [2, 4] }], ai: true },
} as const satisfies Record<Op, OperationSpec>;

export const OP_NAMES = Object.keys(OPERATIONS) as Op[];

/** A rule takes 1 to 20 operations (the server refuses others). */
export const MAX_OPERATIONS = 20;

export const isAiOp = (op: Op): boolean => 'ai' in OPERATIONS[op];

/** A fresh copy of an operation's starting fields, so edits never touch the vocabulary. */
export const newOperation = (op: Op): RuleOperation => ({ ...OPERATIONS[op].initial }) as RuleOperation;
