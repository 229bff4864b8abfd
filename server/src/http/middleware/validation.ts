import type { Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { AppError } from '../../core/errors/app-error';
import { findTextFault } from '../../core/text/text-rule';
import { errorResponse } from '../errors';

/**
 * Every validated part of every route (path, query, headers, JSON body) passes here, so new routes
 * get both rules by construction:
 * - a failed zod validation is a 400 whose message says which field is wrong and why;
 * - a text that breaks the text rule (`core/text/text-rule.ts`: no U+0000, well-formed Unicode)
 *   is a 400 naming the field, or a 404 when it is in the path: an id that cannot exist is not found.
 */
export const validationHook: Hook<unknown, Env, string, unknown> = (result, c) => {
  if (result.success) {
    const bad = findTextFault(result.data);
    if (!bad) return;
    if (result.target === 'param') return errorResponse(c, new AppError('not_found', 'NOT_FOUND', `Not found: ${bad.path} ${bad.fault}`));
    const message = bad.path ? `${bad.path} ${bad.fault}` : `The body ${bad.fault}`;
    return errorResponse(c, new AppError('invalid', 'INVALID_REQUEST', message, { issues: [{ path: bad.path, message: bad.fault }] }));
  }
  return errorResponse(c, validationError(result.error));
};

/**
 * A failed zod validation as the 400 every route answers: INVALID_REQUEST, its message the first
 * issue (naming the field), `issues` all of them. For what a route validates itself (a multipart form's fields).
 */
export function validationError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = issues[0];
  // Messages written for a field already name it (seed wording such as "size invalid (<=10MB)").
  const message = !first ? 'Invalid request' : !first.path || first.message.includes(first.path) ? first.message : `${first.path}: ${first.message}`;
  return new AppError('invalid', 'INVALID_REQUEST', message, { issues });
}
