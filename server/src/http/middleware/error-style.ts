import type { MiddlewareHandler } from 'hono';
import type { ErrorStyle } from '../errors';

/** Marks the routes below it as writing errors in an app's own shape. */
export const errorStyle = (style: ErrorStyle): MiddlewareHandler => async (c, next) => {
  c.set('errorStyle', style);
  await next();
};
