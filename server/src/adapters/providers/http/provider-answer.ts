import type { z } from 'zod';
import { ProviderError } from '../provider-error';

/**
 * A provider's answer checked against the shape its document gives. A wrong shape is a retryable
 * ProviderError naming the first fields that were wrong (another attempt, or another provider, may
 * answer properly; the same rule as malformed JSON in ProviderHttp).
 */
export function readAnswer<S extends z.ZodType>(provider: string, schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  throw new ProviderError(`${provider} answered ${what} with an unexpected shape: ${issues.join('; ')}`, true, provider, { cause: parsed.error });
}

/** A webhook body that is not the provider's documented shape (the route answers 400). */
export class InvalidWebhookBodyError extends Error {
  override readonly name = 'InvalidWebhookBodyError';
}

/** A webhook body checked against its shape; throws InvalidWebhookBodyError naming what was wrong. */
export function readWebhookBody<S extends z.ZodType>(provider: string, schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  throw new InvalidWebhookBodyError(`${provider} webhook body is not the documented shape: ${issues.join('; ')}`);
}
