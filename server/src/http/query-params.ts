import { z } from '@hono/zod-openapi';

/**
 * An integer query parameter from `min` to `max` (`fallback` when absent): decimal digits only, so
 * `0x10`, `1e3`, `+5`, ` 1` and `1.0` are refused rather than read as some other number (JSON
 * bodies take JSON numbers instead: no coercion there).
 */
export function queryInt(min: number, max: number): z.ZodType<number | undefined, string | undefined>;
export function queryInt(min: number, max: number, fallback: number): z.ZodType<number, string | undefined>;
export function queryInt(min: number, max: number, fallback?: number): z.ZodType<number | undefined, string | undefined> {
  const int = z
    .string()
    .regex(/^\d{1,16}$/, `must be a whole number from ${min} to ${max}, in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
  return fallback === undefined
    ? int.optional().openapi({ type: 'integer', minimum: min, maximum: max })
    : int.default(fallback).openapi({ type: 'integer', minimum: min, maximum: max, default: fallback });
}
