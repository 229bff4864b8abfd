import { OpenAPIHono } from '@hono/zod-openapi';
import type { ErrorStyle } from './errors';
import type { AuthVars } from './middleware/auth';
import { validationHook } from './middleware/validation';

export type AppEnv = { Variables: AuthVars & { errorStyle: ErrorStyle; requestId: string } };

/** A router whose validation failures become the app's 400s. */
export const newRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
