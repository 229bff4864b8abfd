import type { HttpBindings } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Mount } from './mounts';
import type { AuthVars } from './middleware/auth';
import { validationHook } from './middleware/validation';

/** `Bindings` are @hono/node-server's when served by Node; absent under `app.request()`. */
/** `unmatched`: set by the app's not-found handler, so the request metrics know no route answered. */
export type AppEnv = { Variables: AuthVars & { requestId: string; mount: Mount; unmatched?: true }; Bindings: Partial<HttpBindings> | undefined };

/** A router whose validation failures become the app's 400s. */
export const newRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
