import type { Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { AppError } from '../../core/errors/app-error';
import { errorResponse } from '../errors';

/** Turns a failed zod validation into a 400 whose message says which field is wrong and why. */
export const validationHook: Hook<unknown, Env, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  // Messages written for a field already name it (seed wording such as "size invalid (<=10MB)").
  const message = !first ? 'Invalid request' : !first.path || first.message.includes(first.path) ? first.message : `${first.path}: ${first.message}`;
  return errorResponse(c, new AppError('invalid', 'INVALID_REQUEST', message, { issues }));
};
